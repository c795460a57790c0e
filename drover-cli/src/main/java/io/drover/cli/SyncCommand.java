package io.drover.cli;

import io.drover.api.RunReport;
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
    @Option(names = {"-r", "--root"}, required = true, paramLabel = "DIR",
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

    @Parameters(paramLabel = "SRC", arity = "1..*", description = "Local files and directories to send.")
    List<String> sources = new ArrayList<>();

    @Override
    public Integer call() {
        Job job = new Job(FileSync.Mode.SYNC, root, sources, Optional.ofNullable(syncTool), allOrNothing, true,
                "sync", concat(List.of("--root", root), sources));
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

        /** Runs {@code job} for {@code command} (a {@code sync} or an {@code upload}) with these options. */
        int execute(FleetCommand command, ClusterLockOptions lockOptions, OutputOptions output, LogOptions log,
                Job job) {
            CliEnv cli = command.main.env();
            CommandLine.Model.CommandSpec spec = command.spec;
            HostOptions hosts = command.hosts;
            SshOptions sshOptions = command.ssh;
            hosts.validate();
            output.validate();
            if (parallel < 1) {
                throw new UsageException("--parallel " + parallel + " must be at least 1");
            }
            List<Source> sources = new ArrayList<>();
            try {
                for (String s : job.sources()) {
                    sources.add(Source.parse(s, relative));
                }
            } catch (SyncException e) {
                throw new UsageException(e.getMessage(), e);
            }
            List<Targets.Chosen> targets = Targets.expand(hosts, null, Targets.sshConfig(sshOptions, cli), cli);
            Map<String, String> destinations = Targets.destinations(targets);
            List<String> names = Targets.names(targets);
            Optional<LockOptions> lockWanted = lockOptions.resolve(job.lockByDefault(),
                    command.holderCommand(), sudo);
            RunStore store = new RunStore(cli.stateDir().resolve("runs"), InstantSource.system());
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
                                return finish(store, out, r.report(), r.code(), r.interrupted(), job, hosts,
                                        sshOptions, destinations, lockOptions.toRecord(lockWanted), trailer);
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
                return finish(store, out, report, code, interrupted.get(), job, hosts, sshOptions, destinations,
                        lockOptions.toRecord(lockWanted), trailer);
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

        private int finish(RunStore store, RunOutput out, RunReport<Void> report, int code, boolean interrupted,
                Job job, HostOptions hosts, SshOptions ssh, Map<String, String> destinations, RunRecord.Lock lockHeld,
                List<String> trailer) {
            List<RunRecord.HostEntry> entries = Records.hostEntries(report, destinations);
            RunRecord record = store.write(new RunRecord(RunRecord.VERSION, store.newId(), report.started(),
                    report.duration().toMillis(), job.command(), job.recordArgs(), hosts.toSelection(null),
                    new RunRecord.Options(ssh.configFile, ssh.user, ssh.port, ssh.options, parallel, null,
                            ssh.connectTimeout == null ? null : ssh.connectTimeout.toMillis() + "ms", sudo, null,
                            List.of(), null, false, false, null, lockHeld),
                    interrupted, code, entries));
            if (!report.allOk()) {
                trailer.add("drover: " + job.command() + " " + record.id() + " recorded (drover runs " + record.id()
                        + ")");
            }
            out.finish(report, report.duration(), trailer);
            return code;
        }
    }
}
