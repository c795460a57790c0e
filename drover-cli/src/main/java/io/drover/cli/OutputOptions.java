package io.drover.cli;

import io.drover.cli.output.Style;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a run's output is shown: shared by {@code run} and {@code download}. */
final class OutputOptions {
    @Option(names = "--fold",
            description = "Fold identical outputs: each distinct output once, under its hosts as ranges "
                    + "(web[1-20,25]); hosts fold together only when their exit codes match too.")
    boolean fold;

    @Option(names = "--json",
            description = "JSON lines on stdout: {\"host\",\"stream\",\"line\"} per line, then one "
                    + "{\"host\",\"result\",\"exit_code\",\"duration_ms\",\"error\"} per host.")
    boolean json;

    @Option(names = "--serial",
            description = "One host's whole output at a time, hosts in the order given (later hosts are held "
                    + "back, on disk when large).")
    boolean serial;

    @Option(names = {"-q", "--quiet"},
            description = "Raw output: remote stdout to stdout, remote stderr to stderr, no host prefixes; "
                    + "the summary only when something failed.")
    boolean quiet;

    @Option(names = "--out-dir", paramLabel = "DIR",
            description = "Write each host's output to DIR/HOST.out and DIR/HOST.err instead of the screen.")
    Path outDir;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; auto means on a "
                    + "terminal unless NO_COLOR is set).")
    Style.Mode color;

    @Option(names = "--no-progress", description = "No live status line (it is shown only on a terminal anyway).")
    boolean noProgress;

    void validate() {
        int modes = (fold ? 1 : 0) + (json ? 1 : 0) + (quiet ? 1 : 0) + (outDir != null ? 1 : 0);
        if (modes > 1) {
            throw new UsageException("choose one output mode of --fold, --json, --quiet and --out-dir");
        }
        if (serial && (fold || outDir != null)) {
            throw new UsageException("--serial orders streamed output; it does not go with "
                    + (fold ? "--fold" : "--out-dir"));
        }
        if (outDir != null && java.nio.file.Files.exists(outDir) && !java.nio.file.Files.isDirectory(outDir)) {
            throw new UsageException("--out-dir " + outDir + " is a file, not a directory");
        }
    }
}
