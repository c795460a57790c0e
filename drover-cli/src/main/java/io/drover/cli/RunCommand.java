package io.drover.cli;

import io.drover.api.RunReport;
import io.drover.cli.output.Durations;
import io.drover.cli.output.Outcomes;
import io.drover.cli.runs.RunRecord;
import io.drover.cli.runs.RunStore;
import io.drover.core.ErrorPolicy;
import io.drover.core.Shell;
import io.drover.core.Task;
import io.drover.ssh.Prompter;
import io.drover.ssh.Ssh;
import io.drover.sync.ClusterLock;
import io.drover.sync.LockOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drover run}: one command on many hosts. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run COMMAND on every host at once (at most --parallel at a time) and show each host's "
                + "output, then a summary of what failed where.",
            "COMMAND is run by the remote user's shell, as 'ssh HOST COMMAND' would. Everything after the first "
                + "word that is not an option is the command; put '--' before it to be explicit.",
            "Every run is recorded (see 'drover runs'); --retry-failed runs again on the hosts that did not "
                + "succeed."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover run -H 'web[01-16]' -- uname -r",
            "  drover run -H 'web[01-16]' --fold -- cat /etc/os-release",
            "  drover run -i hosts.ini --limit 'web:&prod' --sudo -- systemctl reload nginx",
            "  drover run -f hosts.txt -x web07 --parallel 50 --timeout 30s -- ./check.sh",
            "  drover run -H 'db[1-3]' --stdin setup.sql -- psql -q",
            "  drover run -H 'web[1-4]' --json -- df -h / | jq -c 'select(.result)'",
            "  drover run -H 'web[1-200]' --max-failures 5%% -- apt-get -y upgrade",
            "  drover run --retry-failed",
            "",
            "Output: 'host | line' for stdout, 'host ! line' for stderr, names padded;",
            "or --fold, --json, --serial, --quiet, --out-dir. The summary goes to stderr.",
            "Exit codes: 0 all ok; 1 a command failed, timed out or was skipped;",
            "2 bad input; 3 a host was unreachable (wins over 1); 130 interrupted."
        })
final class RunCommand extends FleetCommand {
    @Mixin
    ClusterLockOptions lock = new ClusterLockOptions();

    @Option(names = "--parallel", paramLabel = "N",
            description = "Run on at most N hosts at once (default: 256; connecting: at most 64 at once).")
    Integer parallel;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop the command on a host after this long (e.g. 30s, 5m); the host is 'timed out'.")
    Duration timeout;

    @Option(names = "--sudo", description = "Run the command as root through 'sudo -n' (fails clearly when sudo "
            + "wants a password).")
    boolean sudo;

    @Option(names = "--cd", paramLabel = "DIR", description = "Run the command in this absolute remote directory.")
    String cd;

    @Option(names = "--env", paramLabel = "NAME=VALUE",
            description = "Set an environment variable for the command (visible in ps on the host: no secrets). "
                    + "Repeatable.")
    List<String> env = new ArrayList<>();

    @Option(names = "--stdin", paramLabel = "FILE|-",
            description = "Send this file (or drover's stdin, '-') to the command's stdin on every host; it is "
                    + "read once.")
    String stdin;

    @Option(names = "--pty", description = "Give the command a pseudo-terminal (stderr then arrives with stdout).")
    boolean pty;

    @Option(names = "--fail-fast", description = "Start no more hosts after the first failure.")
    boolean failFast;

    @Option(names = "--keep-going", description = "Run on every host whatever fails (the default).")
    boolean keepGoing;

    @Option(names = "--max-failures", paramLabel = "N|P%",
            description = "Start no more hosts once N hosts (or P percent of them) have failed.")
    String maxFailures;

    @Option(names = "--retry-failed", arity = "0..1", paramLabel = "RUN", parameterConsumer = RunRef.class,
            description = "Run on the hosts of an earlier run (default: the last) that were not ok: failed, "
                    + "unreachable, timed out, cancelled or skipped. Same command and options unless given anew.")
    String retryFailed;

    @Mixin
    OutputOptions output;

    @Mixin
    LogOptions log;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The command and its arguments, joined by spaces as ssh does.")
    List<String> command = new ArrayList<>();

    /** Takes {@code --retry-failed}'s optional value only when it looks like a run id or {@code last}. */
    static final class RunRef implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, CommandLine.Model.ArgSpec argSpec,
                CommandLine.Model.CommandSpec commandSpec) {
            String value = "last";
            if (!args.isEmpty() && (args.peek().equals("last") || args.peek().matches("\\d{4}[0-9-]*"))) {
                value = args.pop();
            }
            argSpec.setValue(value);
        }
    }

    @Override
    public Integer call() {
        CliEnv cli = main.env();
        output.validate();
        RunStore store = new RunStore(cli.stateDir().resolve("runs"), InstantSource.system());
        RunRecord previous = null;
        List<Targets.Chosen> retryHosts = null;
        if (retryFailed != null) {
            previous = Retry.find(store, retryFailed, "run", hosts);
            retryHosts = Retry.hostsNotOk(previous);
            if (retryHosts.isEmpty()) {
                return Retry.nothingToRetry(previous, spec.commandLine().getErr());
            }
            inherit(previous);
        } else {
            hosts.validate();
        }
        if (command.isEmpty()) {
            throw new UsageException("no command given: drover run [OPTIONS] -- COMMAND...");
        }
        String remote = String.join(" ", command);
        if (remote.isBlank()) {
            throw new UsageException("the command is blank");
        }
        int n = parallel == null ? 256 : parallel;
        if (n < 1) {
            throw new UsageException("--parallel " + n + " must be at least 1");
        }
        if (failFast && keepGoing) {
            throw new UsageException("--fail-fast and --keep-going contradict each other; choose one");
        }
        ErrorPolicy policy = policy();
        Map<String, String> vars = envVars();
        if (cd != null && !cd.startsWith("/")) {
            throw new UsageException("--cd " + cd + " must be an absolute remote path (starting with /)");
        }
        if ("-".equals(stdin) && hosts.stdinHosts) {
            throw new UsageException("--stdin - and --stdin-hosts both want standard input; give one of them a file");
        }
        Optional<LockOptions> lockWanted = lock.resolve(false, holderCommand(), sudo);
        var config = Targets.sshConfig(ssh, cli);
        Targets.printWarnings(config, spec.commandLine().getErr());
        List<Targets.Chosen> targets = Targets.expand(hosts, retryHosts, config, cli);
        List<String> names = Targets.names(targets);
        Prompter prompter = ssh.prompter(cli);

        try (StdinSpool spool = stdin == null ? null : StdinSpool.of(stdin, cli.stdin());
                RunOutput out = new RunOutput(output, cli, spec.commandLine().getOut(), spec.commandLine().getErr(),
                        names, log.on())) {
            Shell.Builder shell = Shell.builder(remote).pty(pty).env(vars);
            if (sudo) {
                shell.sudo();
            }
            if (cd != null) {
                shell.cwd(cd);
            }
            if (spool != null) {
                shell.stdin(spool.file());
            }
            Shell built = shell.build();
            Task<Void> task = host -> {
                host.run(built);
                return null;
            };
            var settings = new FleetRunner.Settings(targets, n, Optional.ofNullable(timeout), policy);
            ClusterLock held = null;
            FleetRunner.Outcome outcome;
            // one Ssh for the lock and the command: each host is dialed once, its lock holder and command share
            // the connection
            try (Ssh client = FleetRunner.newSsh(ssh, prompter, out, n)) {
                if (lockWanted.isPresent()) {
                    switch (ClusterLockOptions.take(cli, client, Targets.destinations(targets), lockWanted.get(),
                            "run", out)) {
                        case ClusterLockOptions.Taken.Held h -> held = h.lock();
                        case ClusterLockOptions.Taken.Refused r -> {
                            return notRun(r, store, previous, targets, lock.toRecord(lockWanted), out);
                        }
                    }
                }
                try {
                    outcome = FleetRunner.execute(cli, out, client, settings, "run", task, Optional.ofNullable(held));
                } finally {
                    // before the Ssh closes, or the holders' connections close under a lock still held
                    if (held != null) {
                        held.close();
                    }
                }
            }
            boolean lockLost = held != null && held.isLost();
            List<String> kinds = outcome.report().results().stream().map(Outcomes::kind).toList();
            int code = ExitCodes.of(kinds, outcome.interrupted(), lockLost);
            RunRecord record = store.write(record(store.newId(outcome.started()), outcome, code, previous, targets,
                    lock.toRecord(lockWanted)));
            List<String> trailer = new ArrayList<>();
            if (lockLost) {
                trailer.add("drover: " + held.loss().orElseThrow() + " (the cluster lock); the run was stopped");
            }
            if (!outcome.report().allOk()) {
                trailer.add(Retry.hint("run", record.id(), outcome.report()));
            }
            out.finish(outcome.report(), outcome.wall(), trailer);
            return code;
        }
    }

    /** Options of {@code previous} that the command line does not give anew. */
    private void inherit(RunRecord previous) {
        RunRecord.Options o = previous.options();
        var parsed = spec.commandLine().getParseResult();
        ssh.inherit(o, parsed);
        if (!parsed.hasMatchedOption("--parallel") && o.parallel() != null) {
            parallel = o.parallel();
        }
        if (!parsed.hasMatchedOption("--timeout") && o.timeout() != null) {
            timeout = Durations.parse(o.timeout());
        }
        if (!parsed.hasMatchedOption("--sudo")) {
            sudo = o.sudo();
        }
        if (!parsed.hasMatchedOption("--cd")) {
            cd = o.cd();
        }
        if (!parsed.hasMatchedOption("--env")) {
            env = new ArrayList<>(o.env());
        }
        if (!parsed.hasMatchedOption("--stdin") && o.stdin() != null) {
            if (o.stdin().equals("-")) {
                throw new UsageException("run " + previous.id() + " read its --stdin from standard input, which "
                        + "cannot be replayed; give --stdin FILE|- again");
            }
            stdin = o.stdin();
        }
        if (!parsed.hasMatchedOption("--pty")) {
            pty = o.pty();
        }
        if (!parsed.hasMatchedOption("--fail-fast") && !parsed.hasMatchedOption("--keep-going")) {
            failFast = o.failFast();
        }
        if (!parsed.hasMatchedOption("--max-failures")) {
            maxFailures = o.maxFailures();
        }
        lock.inherit(o.lock());
        if (command.isEmpty()) {
            command = new ArrayList<>(previous.args());
        }
    }

    private ErrorPolicy policy() {
        if (maxFailures != null) {
            if (failFast) {
                throw new UsageException("--fail-fast and --max-failures " + maxFailures + " both set when to stop; "
                        + "choose one");
            }
            return parseMaxFailures(maxFailures);
        }
        return failFast ? ErrorPolicy.failFast() : ErrorPolicy.collect();
    }

    static ErrorPolicy parseMaxFailures(String text) {
        String t = text.strip();
        try {
            if (t.endsWith("%")) {
                double p = Double.parseDouble(t.substring(0, t.length() - 1));
                if (p > 0 && p <= 100) {
                    return ErrorPolicy.stopAfterPercent(p);
                }
            } else if (t.matches("\\d{1,9}")) {
                int n = Integer.parseInt(t);
                if (n >= 1) {
                    return ErrorPolicy.stopAfter(n);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("invalid --max-failures '" + text + "': a number of hosts (at least 1, e.g. 5) "
                + "or a percentage of the hosts (more than 0 and at most 100, e.g. 10%)");
    }

    private Map<String, String> envVars() {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq);
            if (eq < 0 || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new UsageException("invalid --env '" + e + "': use NAME=VALUE with NAME made of letters, "
                        + "digits and _ (not starting with a digit)");
            }
            if (e.indexOf('\0') >= 0) {
                throw new UsageException("invalid --env " + name + ": the value holds a NUL character");
            }
            vars.put(name, e.substring(eq + 1));
        }
        return vars;
    }

    /**
     * A run whose cluster lock was refused, or interrupted while it was being taken: nothing ran anywhere, and the
     * run is recorded so that {@code --retry-failed} runs it (under the same lock) on every host later.
     */
    private int notRun(ClusterLockOptions.Taken.Refused refused, RunStore store, RunRecord previous,
            List<Targets.Chosen> targets, RunRecord.Lock lockRecord, RunOutput out) {
        RunReport<Void> report = refused.report();
        var outcome = new FleetRunner.Outcome(report, refused.interrupted(), report.started(), report.duration());
        RunRecord record = store.write(record(store.newId(report.started()), outcome, refused.code(), previous,
                targets, lockRecord));
        out.finish(report, report.duration(), List.of("drover: " + refused.message(), "drover: run " + record.id()
                + " recorded, nothing was run; to run it once the lock can be taken: drover run --retry-failed"));
        return refused.code();
    }

    private RunRecord record(String id, FleetRunner.Outcome outcome, int code, RunRecord previous,
            List<Targets.Chosen> targets, RunRecord.Lock lockHeld) {
        List<RunRecord.HostEntry> entries = Records.hostEntries(outcome.report(), Targets.destinations(targets));
        RunRecord.Options options = new RunRecord.Options(
                ssh.configForRecord(),
                ssh.user, ssh.port, ssh.options, parallel, timeout == null ? null : timeout.toMillis() + "ms",
                ssh.connectTimeout == null ? null : ssh.connectTimeout.toMillis() + "ms", sudo, cd, env,
                stdin == null || stdin.equals("-") ? stdin : Path.of(stdin).toAbsolutePath().toString(), pty,
                failFast, maxFailures, lockHeld, null, null);
        var report = outcome.report();
        return new RunRecord(RunRecord.VERSION, id, outcome.started(), outcome.wall().toMillis(), "run", command,
                hosts.toSelection(previous == null ? null : previous.id()), options, outcome.interrupted(), code,
                entries);
    }
}
