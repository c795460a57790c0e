package io.drover.cli;

import io.drover.api.HostResult;
import io.drover.cli.output.Durations;
import io.drover.cli.output.Outcomes;
import io.drover.cli.output.Style;
import io.drover.cli.runs.RunRecord;
import io.drover.cli.runs.RunStore;
import io.drover.core.Download;
import io.drover.core.ErrorPolicy;
import io.drover.core.Task;
import io.drover.ssh.Ssh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drover download}: a file or tree from every host, each into its own local name. */
@Command(name = "download", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Copy REMOTE (a file or a directory tree) from every host into a name of its own: "
                + "LOCAL.HOST, or LOCAL/HOST/NAME when LOCAL is a directory or ends in '/'.",
            "Files are written to a temporary name and renamed, so none is ever half written; modification times "
                + "and symbolic links are kept."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover download -H 'web[1-3]' /etc/nginx/nginx.conf ./nginx.conf",
            "      # writes ./nginx.conf.web1, ./nginx.conf.web2, ./nginx.conf.web3",
            "  drover download -H 'web[1-3]' /var/log/app/ ./logs/",
            "      # writes ./logs/web1/app/, ./logs/web2/app/, ./logs/web3/app/",
            "  drover download -i inventory.ini --limit db /etc/my.cnf conf/ --json"
        })
final class DownloadCommand extends FleetCommand {
    @Option(names = "--parallel", paramLabel = "N", defaultValue = "64",
            description = "Download from at most N hosts at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up on a host after this long.")
    Duration timeout;

    @Option(names = "--fail-fast", description = "Start no more hosts after the first failure.")
    boolean failFast;

    @Option(names = "--preserve-modes", description = "Give local files the remote permission bits (default: "
            + "0644 for files, 0755 for directories).")
    boolean preserveModes;

    @Option(names = "--json", description = "One JSON result object per host on stdout.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "The summary only when something failed.")
    boolean quiet;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Style.Mode color;

    @Option(names = "--no-progress", description = "No live status line.")
    boolean noProgress;

    @Mixin
    LogOptions log;

    @Option(names = "--retry-failed", arity = "0..1", paramLabel = "RUN", parameterConsumer = RunCommand.RunRef.class,
            description = "Fetch again what an earlier download (default: the last) fetched, from its hosts that "
                    + "were not ok, into the same local names, with its options unless given anew.")
    String retryFailed;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REMOTE",
            description = "Absolute path of a file or directory on the hosts.")
    String remote;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL", description = "Local name: LOCAL.HOST for each "
            + "host, or a directory (existing, or ending in '/') holding HOST/NAME.")
    String local;

    @Override
    public Integer call() {
        CliEnv cli = main.env();
        RunStore store = new RunStore(cli.stateDir().resolve("runs"), InstantSource.system());
        RunRecord previous = null;
        List<Targets.Chosen> retryHosts = null;
        if (retryFailed != null) {
            if (remote != null) {
                throw new UsageException("--retry-failed fetches what the earlier download fetched; leave out "
                        + "REMOTE and LOCAL");
            }
            previous = Retry.find(store, retryFailed, "download", hosts);
            RunRecord.Fetch fetch = previous.options().fetch();
            if (fetch == null) {
                throw Retry.recordedBefore(previous, "what a download fetched");
            }
            retryHosts = Retry.hostsNotOk(previous);
            if (retryHosts.isEmpty()) {
                return Retry.nothingToRetry(previous, spec.commandLine().getErr());
            }
            inherit(previous.options(), fetch);
        } else {
            hosts.validate();
            if (remote == null || local == null) {
                throw new UsageException("give what to fetch and where: drover download REMOTE LOCAL");
            }
        }
        if (!remote.startsWith("/")) {
            throw new UsageException("REMOTE " + remote + " must be an absolute path (starting with /)");
        }
        if (parallel < 1) {
            throw new UsageException("--parallel " + parallel + " must be at least 1");
        }
        Path dest = Path.of(local);
        boolean intoDir = local.endsWith("/") || Files.isDirectory(dest);
        Path parent = intoDir ? dest : dest.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new UsageException("LOCAL " + local + ": " + parent + " is not a directory");
        }
        var config = Targets.sshConfig(ssh, cli);
        Targets.printWarnings(config, spec.commandLine().getErr());
        List<Targets.Chosen> targets = Targets.expand(hosts, retryHosts, config, cli);
        List<String> names = Targets.names(targets);
        Download.Builder db = Download.builder(io.drover.core.RemotePath.of(remote), dest)
                .naming(intoDir ? Download.Naming.DIRECTORY : Download.Naming.SUFFIX);
        if (preserveModes) {
            db.preserveModes();
        }
        Download download = db.build();
        OutputOptions shown = new OutputOptions();
        shown.json = json;
        shown.quiet = quiet;
        shown.color = color;
        shown.noProgress = noProgress;
        var prompter = ssh.prompter(cli);
        String retryOf = previous == null ? null : previous.id();
        RunRecord.Fetch fetched = new RunRecord.Fetch(remote, dest.toAbsolutePath() + (intoDir ? "/" : ""),
                preserveModes);
        try (RunOutput out = new RunOutput(shown, cli, spec.commandLine().getOut(), spec.commandLine().getErr(),
                names, log.on())) {
            Task<Void> task = host -> {
                host.download(download);
                return null;
            };
            var settings = new FleetRunner.Settings(targets, parallel, Optional.ofNullable(timeout),
                    failFast ? ErrorPolicy.failFast() : ErrorPolicy.collect());
            FleetRunner.Outcome outcome;
            try (Ssh client = FleetRunner.newSsh(ssh, prompter, out, parallel)) {
                outcome = FleetRunner.execute(cli, out, client, settings, "download", task);
            }
            List<String> kinds = outcome.report().results().stream().map(Outcomes::kind).toList();
            int code = ExitCodes.of(kinds, outcome.interrupted(), false);
            Map<String, String> destinations = Targets.destinations(targets);
            List<RunRecord.HostEntry> entries = new ArrayList<>();
            for (HostResult<?> r : outcome.report().results()) {
                entries.add(new RunRecord.HostEntry(r.host(), destinations.getOrDefault(r.host(), r.host()),
                        Outcomes.kind(r), null, null,
                        r.duration().toMillis(), Outcomes.error(r)));
            }
            var report = outcome.report();
            RunRecord record = store.write(new RunRecord(RunRecord.VERSION, store.newId(outcome.started()), outcome.started(),
                    outcome.wall().toMillis(), "download", List.of(remote, local), hosts.toSelection(retryOf),
                    new RunRecord.Options(ssh.configForRecord(), ssh.user, ssh.port, ssh.options, parallel,
                            timeout == null ? null : timeout.toMillis() + "ms",
                            ssh.connectTimeout == null ? null : ssh.connectTimeout.toMillis() + "ms", false, null,
                            List.of(), null, false, failFast, null, null, null, fetched),
                    outcome.interrupted(), code, entries));
            List<String> trailer = new ArrayList<>();
            if (!report.allOk()) {
                trailer.add(Retry.hint("download", record.id(), report));
            } else if (!quiet && !json) {
                trailer.add("drover: saved as " + download.localPathFor(names.getFirst())
                        + (names.size() > 1 ? " and " + (names.size() - 1) + " more like it" : ""));
            }
            out.finish(report, outcome.wall(), trailer);
            return code;
        }
    }

    /** What the recorded download fetched, and its options unless the command line gives them anew. */
    private void inherit(RunRecord.Options o, RunRecord.Fetch fetch) {
        var parsed = spec.commandLine().getParseResult();
        ssh.inherit(o, parsed);
        remote = fetch.remote();
        local = fetch.local();
        if (!parsed.hasMatchedOption("--parallel") && o.parallel() != null) {
            parallel = o.parallel();
        }
        if (!parsed.hasMatchedOption("--timeout") && o.timeout() != null) {
            timeout = Durations.parse(o.timeout());
        }
        if (!parsed.hasMatchedOption("--fail-fast")) {
            failFast = o.failFast();
        }
        if (!parsed.hasMatchedOption("--preserve-modes")) {
            preserveModes = fetch.preserveModes();
        }
    }
}
