package io.drover.cli;

import io.drover.api.RunReport;
import io.drover.cli.output.Durations;
import io.drover.cli.output.Outcomes;
import io.drover.cli.runs.RunRecord;
import io.drover.cli.runs.RunStore;
import io.drover.ssh.Ssh;
import io.drover.sync.ClusterLock;
import io.drover.sync.FileSync;
import io.drover.sync.LockOptions;
import io.drover.sync.Source;
import io.drover.sync.SyncException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drover sync}: replace a directory tree on every host, atomically per host, under the cluster lock. */
@Command(name = "sync", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make --root DIR on every host hold exactly SRC...: the files are read once, sent as one tar "
                + "stream to all hosts at once, extracted beside DIR, and switched in by renames only where the "
                + "extraction succeeded. A host that fails or dies keeps its old tree; the next sync cleans up "
                + "after it. Then --then COMMAND, or a --sync-tool speaking orgalorg's sync protocol, runs in DIR.",
            "Like rsync: 'SRC/' sends a directory's contents, 'SRC' the directory itself; --relative keeps the "
                + "paths as given. The cluster lock is held throughout (--no-lock to skip it)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover sync -H 'web[01-16]' --root /srv/app build/",
            "  drover sync -H 'web[01-16]' --root /etc/nginx conf/ --then 'nginx -t && systemctl reload nginx' --sudo",
            "  drover sync -i inventory.ini --root /opt/tool --relative bin/tool etc/tool.conf --owner --sudo",
            "  drover sync -H 'db[1-3]' --root /srv/migrate migrate/ --sync-tool ./steps.sh   # lock-step phases",
            "",
            "Sync tool protocol (stdin/stdout of the tool, each line starting with a prefix given in the first):",
            "  drover -> tool: 'PREFIX HELLO', 'PREFIX NODE host' per host ('... CURRENT' for the tool's own), "
                + "'PREFIX START'",
            "  tool -> drover: 'PREFIX SYNC text'; drover sends 'PREFIX SYNC host text' to every tool (a barrier: "
                + "wait for one per NODE)",
            "",
            "Exit codes: 0 all ok; 1 failed somewhere (or the lock is held by another drover); 2 bad input; "
                + "3 a host unreachable; 4 the cluster lock was lost; 130 interrupted."
        })
final class SyncCommand extends FleetCommand {
    @Option(names = {"-r", "--root"}, paramLabel = "DIR",
            description = "The remote directory to replace (absolute; not '/', not a mount point). Its parent is "
                    + "created when missing.")
    String root;

    @Mixin
    Transfer transfer;

    @Option(names = "--sync-tool", paramLabel = "COMMAND",
            description = "Run COMMAND in DIR on every host after the switch (after --then), speaking the sync "
                    + "protocol on its stdin/stdout (see below). If it fails on one host, it is stopped on all.")
    String syncTool;

    @Option(names = "--all-or-nothing",
            description = "Switch no host unless every host received and extracted the files.")
    boolean allOrNothing;

    @Mixin
    ClusterLockOptions lock;

    @Mixin
    OutputOptions output;

    @Mixin
    LogOptions log;

    @Parameters(paramLabel = "SRC", arity = "0..*", description = "Local files and directories to send.")
    List<String> sources = new ArrayList<>();

    @Override
    public Integer call() {
        if (transfer.retryFailed == null && (root == null || sources.isEmpty())) {
            throw new UsageException(root == null ? "give the remote directory to replace: --root DIR"
                    : "give what to send: drover sync --root DIR SRC...");
        }
        Job job = new Job(FileSync.Mode.SYNC, root, sources, Optional.ofNullable(syncTool), allOrNothing, true,
                "sync", root == null ? List.of() : concat(List.of("--root", root), sources));
        return transfer.execute(this, lock, output, log, job);
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * What one upload or sync is to do.
     *
     * @param lockByDefault whether the cluster lock is taken unless {@code --no-lock}
     * @param recordArgs the arguments a run record keeps
     */
    record Job(FileSync.Mode mode, String root, List<String> sources, Optional<String> syncTool, boolean allOrNothing,
            boolean lockByDefault, String command, List<String> recordArgs) {}

    /** The options {@code sync} and {@code upload} share, and the transfer both run. */
    static final class Transfer {
        @Option(names = {"-R", "--relative"},
                description = "Keep each SRC's path as given under the root (a/b/c lands as ROOT/a/b/c; "
                        + "'/./' marks where the kept part starts), instead of its last name.")
        boolean relative;

        @Option(names = "--owner", description = "Keep the files' owner and group (needs root on the hosts, or "
                + "--sudo); otherwise files belong to the remote user.")
        boolean owner;

        @Option(names = "--sudo", description = "Do the remote steps as root through 'sudo -n'.")
        boolean sudo;

        @Option(names = "--then", paramLabel = "COMMAND",
                description = "Run COMMAND (by the remote user's shell, in the root) on every host where the files "
                        + "were put in place.")
        String then;

        @Option(names = "--parallel", paramLabel = "N", defaultValue = "256",
                description = "How many hosts run the steps after the transfer (switch, --then) at once (default: "
                        + "${DEFAULT-VALUE}). The transfer itself goes to all hosts at once.")
        int parallel;

        @Option(names = "--stall-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Drop a host that accepts no data for this long while the others wait for it "
                        + "(default: 60s); it is reported as timed out.")
        Duration stallTimeout;

        @Option(names = "--retry-failed", arity = "0..1", paramLabel = "RUN", parameterConsumer = RunCommand.RunRef.class,
                description = "Send again what an earlier transfer of this kind (default: the last) sent, to its "
                        + "hosts that were not ok, with its options unless given anew.")
        String retryFailed;

        /** Runs {@code job} for {@code command} (a {@code sync} or an {@code upload}) with these options. */
        int execute(FleetCommand command, ClusterLockOptions lockOptions, OutputOptions output, LogOptions log,
                Job job) {
            CliEnv cli = command.main.env();
            CommandLine.Model.CommandSpec spec = command.spec;
            HostOptions hosts = command.hosts;
            SshOptions sshOptions = command.ssh;
            output.validate();
            RunStore store = new RunStore(cli.stateDir().resolve("runs"), InstantSource.system());
            RunRecord previous = null;
            List<Targets.Chosen> retryHosts = null;
            List<Source> sources = new ArrayList<>();
            if (retryFailed != null) {
                if (!job.sources().isEmpty() || job.root() != null) {
                    throw new UsageException("--retry-failed sends what the earlier " + job.command() + " sent; leave "
                            + "out the " + (job.mode() == FileSync.Mode.SYNC ? "--root and SRC" : "SRC and DEST"));
                }
                previous = Retry.find(store, retryFailed, job.command(), hosts);
                if (previous.options().transfer() == null) {
                    throw Retry.recordedBefore(previous, "what a transfer sent");
                }
                retryHosts = Retry.hostsNotOk(previous);
                if (retryHosts.isEmpty()) {
                    return Retry.nothingToRetry(previous, spec.commandLine().getErr());
                }
                RunRecord.Transfer sent = previous.options().transfer();
                job = inherit(previous, job, sent, sshOptions, lockOptions, spec.commandLine().getParseResult());
                for (RunRecord.Sent src : sent.sources()) {
                    sources.add(new Source(java.nio.file.Path.of(src.path()), src.target()));
                }
            } else {
                hosts.validate();
                try {
                    for (String s : job.sources()) {
                        sources.add(Source.parse(s, relative));
                    }
                } catch (SyncException e) {
                    throw new UsageException(e.getMessage(), e);
                }
            }
            if (parallel < 1) {
                throw new UsageException("--parallel " + parallel + " must be at least 1");
            }
            List<Targets.Chosen> targets = Targets.expand(hosts, retryHosts, Targets.sshConfig(sshOptions, cli),
                    cli);
            Map<String, String> destinations = Targets.destinations(targets);
            List<String> names = Targets.names(targets);
            Optional<LockOptions> lockWanted = lockOptions.resolve(job.lockByDefault(),
                    command.holderCommand(), sudo);
            String retryOf = previous == null ? null : previous.id();
            try (RunOutput out = new RunOutput(output, cli, spec.commandLine().getOut(), spec.commandLine().getErr(),
                    names, log.on());
                    Ssh client = sshOptions.newSsh(sshOptions.prompter(cli), out.listener(), 64)) {
                FileSync sync = build(client, job, sources, destinations, out);
                AtomicBoolean interrupted = new AtomicBoolean();
                ClusterLock held = null;
                RunReport<Void> report;
                List<String> trailer = new ArrayList<>();
                int code;
                try (AutoCloseable sigint = Interrupts.onInterrupt(cli.ownsProcess(), () -> {
                    interrupted.set(true);
                    out.phase("interrupted: stopping (Ctrl-C again to quit at once)");
                    sync.cancel("interrupted");
                })) {
                    if (lockWanted.isPresent()) {
                        switch (ClusterLockOptions.take(cli, client, destinations, lockWanted.get(), job.command(),
                                out)) {
                            case ClusterLockOptions.Taken.Held h -> held = h.lock();
                            case ClusterLockOptions.Taken.Refused r -> {
                                trailer.add("drover: " + r.message());
                                return finish(store, out, r.report(), r.code(), r.interrupted(), job, sources, hosts,
                                        retryOf, sshOptions, destinations, lockOptions.toRecord(lockWanted), trailer);
                            }
                        }
                        held.lost().thenAccept(loss -> {
                            out.phase(loss + ": stopping");
                            sync.cancel(loss.toString());
                        });
                    }
                    report = sync.run();
                } finally {
                    if (held != null) {
                        held.close();
                    }
                    Thread.interrupted();
                }
                boolean lost = held != null && held.isLost();
                held = lost ? held : null;
                if (lost) {
                    trailer.add("drover: " + held.loss().orElseThrow() + " (the cluster lock); hosts not done were "
                            + "stopped");
                }
                List<String> kinds = report.results().stream().map(Outcomes::kind).toList();
                code = ExitCodes.of(kinds, interrupted.get(), lost);
                return finish(store, out, report, code, interrupted.get(), job, sources, hosts, retryOf, sshOptions,
                        destinations, lockOptions.toRecord(lockWanted), trailer);
            } catch (SyncException e) {
                throw new UsageException(e.getMessage(), e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private FileSync build(Ssh client, Job job, List<Source> sources, Map<String, String> destinations,
                RunOutput out) {
            FileSync.Builder b = job.mode() == FileSync.Mode.SYNC ? FileSync.sync(client) : FileSync.upload(client);
            b.hosts(destinations).sources(sources).root(job.root()).owner(owner).sudo(sudo).parallel(parallel)
                    .allOrNothing(job.allOrNothing()).listener(out.listener());
            if (stallTimeout != null) {
                b.stallTimeout(stallTimeout);
            }
            if (then != null) {
                b.then(then);
            }
            job.syncTool().ifPresent(b::syncTool);
            return b.build();
        }

        /** The job and options of {@code previous}, each unless the command line gives it anew. */
        private Job inherit(RunRecord previous, Job job, RunRecord.Transfer sent, SshOptions ssh,
                ClusterLockOptions lockOptions, CommandLine.ParseResult parsed) {
            RunRecord.Options o = previous.options();
            ssh.inherit(o, parsed);
            lockOptions.inherit(o.lock());
            if (!parsed.hasMatchedOption("--parallel") && o.parallel() != null) {
                parallel = o.parallel();
            }
            if (!parsed.hasMatchedOption("--sudo")) {
                sudo = o.sudo();
            }
            if (!parsed.hasMatchedOption("--owner")) {
                owner = sent.owner();
            }
            if (!parsed.hasMatchedOption("--then")) {
                then = sent.then();
            }
            if (!parsed.hasMatchedOption("--stall-timeout") && sent.stallTimeout() != null) {
                stallTimeout = Durations.parse(sent.stallTimeout());
            }
            Optional<String> tool = parsed.hasMatchedOption("--sync-tool") ? job.syncTool()
                    : Optional.ofNullable(sent.syncTool());
            boolean allOrNothing = parsed.hasMatchedOption("--all-or-nothing") ? job.allOrNothing()
                    : sent.allOrNothing();
            return new Job(job.mode(), sent.root(), List.of(), tool, allOrNothing, job.lockByDefault(), job.command(),
                    previous.args());
        }

        private int finish(RunStore store, RunOutput out, RunReport<Void> report, int code, boolean interrupted,
                Job job, List<Source> sources, HostOptions hosts, String retryOf, SshOptions ssh,
                Map<String, String> destinations, RunRecord.Lock lockHeld, List<String> trailer) {
            List<RunRecord.HostEntry> entries = Records.hostEntries(report, destinations);
            RunRecord.Transfer sent = new RunRecord.Transfer(job.root(), sources.stream()
                    .map(s -> new RunRecord.Sent(s.path().toAbsolutePath().toString(), s.target())).toList(), owner,
                    then, stallTimeout == null ? null : stallTimeout.toMillis() + "ms", job.syncTool().orElse(null),
                    job.allOrNothing());
            RunRecord record = store.write(new RunRecord(RunRecord.VERSION, store.newId(), report.started(),
                    report.duration().toMillis(), job.command(), job.recordArgs(), hosts.toSelection(retryOf),
                    new RunRecord.Options(ssh.configForRecord(), ssh.user, ssh.port, ssh.options, parallel, null,
                            ssh.connectTimeout == null ? null : ssh.connectTimeout.toMillis() + "ms", sudo, null,
                            List.of(), null, false, false, null, lockHeld, sent, null),
                    interrupted, code, entries));
            if (!report.allOk()) {
                trailer.add(Retry.hint(job.command(), record.id(), report));
            }
            out.finish(report, report.duration(), trailer);
            return code;
        }
    }
}
