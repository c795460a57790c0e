package io.drover.cli;

import picocli.CommandLine.Option;

/** {@code -v}: more detail on standard error (read early by {@link Logging}; here so picocli accepts it). */
final class LogOptions {
    @Option(names = {"-v", "--verbose"},
            description = "More detail on stderr: connects and retries; -vv adds debug logs of the SSH layer.")
    boolean[] verbose = new boolean[0];

    boolean on() {
        return verbose.length > 0;
    }
}
