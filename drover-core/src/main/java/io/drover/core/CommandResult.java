package io.drover.core;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.ExitStatus;

/**
 * How a remote command ended.
 *
 * @param status the exit code or signal
 * @param stdout the standard output when the shell captured it ({@link Shell.Builder#captureStdout}), else empty
 * @param stderrTail the last lines of standard error (at most 20 lines, 4 KiB)
 */
public record CommandResult(ExitStatus status, String stdout, String stderrTail) {
    public CommandResult {
        requireNonNull(status, "status is null");
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderrTail, "stderrTail is null");
    }

    public boolean success() {
        return status.success();
    }
}
