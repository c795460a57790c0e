package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code drover} command. Only {@link #main} calls {@code System.exit}. */
@Command(
        name = "drover",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Run work across fleets of machines over SSH: commands, file sync, locks, safe rollouts.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover demo",
            "  drover lab up -n 20",
            "  drover run -H 'web[01-16]' -- uname -r",
            "  drover run -i inventory.ini --limit prod --fold -- cat /etc/debian_version",
            "  drover run --retry-failed",
            "  drover hosts -H 'rack[1-2]-node[01-04]' -x rack2-node03 --fold",
            "",
            "Exit codes:",
            "  0    all hosts ok",
            "  1    a command failed (or timed out, or was skipped) on at least one host",
            "  2    usage error or bad input (nothing was run)",
            "  3    a host was unreachable or refused authentication (wins over 1)",
            "  4    the cluster lock was lost",
            "  130  interrupted (Ctrl-C); the run is still recorded",
            "",
            "Environment:",
            "  NO_COLOR        no colours",
            "  XDG_STATE_HOME  run records in $XDG_STATE_HOME/drover/runs",
            "                  (default ~/.local/state/drover/runs)",
            "  DROVER_DEBUG    stack traces on internal errors",
            "",
            "More: drover COMMAND --help, drover man | man -l -"
        })
public final class Main implements Runnable {
    /** The subcommands, in the order help lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
            DemoCommand.class,
            AotTrainCommand.class,
            LabCommand.class,
            RunCommand.class,
            UploadCommand.class,
            SyncCommand.class,
            LockCommand.class,
            RunsCommand.class,
            HostsCommand.class,
            DownloadCommand.class,
            ConfigCommand.class,
            CompletionCommand.class,
            ManCommand.class,
            CommandLine.HelpCommand.class);

    /** Subcommands that read the whole command tree (they document it). */
    private static final Set<String> NEED_WHOLE_TREE = Set.of("help", "completion", "man");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CliEnv env;

    Main(CliEnv env) {
        this.env = env;
    }

    CliEnv env() {
        return env;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        Logging.configure(args);
        PrintWriter out = new PrintWriter(new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), UTF_8), 1 << 13));
        int code = execute(CliEnv.system(), out, err, args);
        out.flush();
        err.flush();
        Interrupts.exit(code);
    }

    /** Runs drover in-process with the given streams; returns the exit code. For tests and {@link #main}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(CliEnv.noTerminal(), out, err, args);
    }

    /** Runs drover in-process in {@code env}; returns the exit code. */
    public static int execute(CliEnv env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = commandLine(env, args.length == 0 ? "" : args[0]);
        cmd.setOut(out);
        cmd.setErr(err);
        try {
            return cmd.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The configured command tree (exit code mapping included), with no terminal. */
    public static CommandLine commandLine() {
        return commandLine(CliEnv.noTerminal());
    }

    /** The configured command tree (exit code mapping included) for {@code env}. */
    public static CommandLine commandLine(CliEnv env) {
        return commandLine(env, "");
    }

    /**
     * The command tree for a run whose first argument is {@code first}: only that subcommand when it names one that
     * does not document the others, else the whole tree. picocli builds a command's model by reflection over its
     * options (about 0.15 s of CPU for the whole tree, a fifth of a one-host {@code drover run}), so a run builds the
     * one it needs.
     */
    static CommandLine commandLine(CliEnv env, String first) {
        CommandLine cmd = new CommandLine(new Main(env));
        Class<?> only = NEED_WHOLE_TREE.contains(first) ? null : SUBCOMMANDS.stream()
                .filter(c -> c.getAnnotation(Command.class).name().equals(first)).findFirst().orElse(null);
        for (Class<?> c : only == null ? SUBCOMMANDS : List.of(only)) {
            cmd.addSubcommand(c);
        }
        cmd.setExitCodeExceptionMapper(Main::exitCode);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof UsageException) {
                err.println("drover: " + e.getMessage());
            } else if (e instanceof InterruptedException) {
                err.println("drover: interrupted");
            } else {
                err.println("drover: " + e);
                if (env.get("DROVER_DEBUG").isPresent()) {
                    e.printStackTrace(err);
                }
            }
            err.flush();
            return exitCode(e);
        });
        cmd.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("drover: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more.");
            err.flush();
            return ExitCodes.USAGE;
        });
        cmd.setUsageHelpAutoWidth(true);
        // like ssh: the first word that is not an option starts the remote command
        if (cmd.getSubcommands().containsKey("run")) {
            cmd.getSubcommands().get("run").setStopAtPositional(true);
        }
        return cmd;
    }

    static int exitCode(Throwable e) {
        if (e instanceof UsageException || e instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof InterruptedException) {
            return ExitCodes.INTERRUPTED;
        }
        return ExitCodes.FAILED;
    }

    /** Reads the version Maven filtered into {@code drover-version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            java.util.Properties p = new java.util.Properties();
            try (var in = Main.class.getResourceAsStream("/drover-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "drover " + p.getProperty("version", "unknown"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
