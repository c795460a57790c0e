package io.drover.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code drover} command. Only {@link #main} calls {@code System.exit}. */
@Command(
        name = "drover",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Run work across fleets of machines over SSH: commands, file sync, locks, safe rollouts.",
        subcommands = {CommandLine.HelpCommand.class, LabCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0    all hosts ok",
            "  1    a command failed on at least one host",
            "  2    usage error or bad input (nothing was run)",
            "  3    a host was unreachable or refused authentication",
            "  4    the cluster lock was lost",
            "  130  interrupted"
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs drover in-process with the given streams; returns the exit code. For tests and {@link #main}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = commandLine();
        cmd.setOut(out);
        cmd.setErr(err);
        return cmd.execute(args);
    }

    /** The configured command tree (exit code mapping included). */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setExitCodeExceptionMapper(Main::exitCode);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof UsageException) {
                err.println("drover: " + e.getMessage());
            } else if (e instanceof InterruptedException) {
                err.println("drover: interrupted");
            } else {
                err.println("drover: " + e);
                if (System.getenv("DROVER_DEBUG") != null) {
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
