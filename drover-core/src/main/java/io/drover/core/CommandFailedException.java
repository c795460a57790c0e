package io.drover.core;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.ExitStatus;

/**
 * A remote command ended with a non-zero exit code or a signal. Thrown by {@link HostSession#run(Shell)} unless the
 * shell was built with {@code check(false)}; a task that lets it propagate is reported
 * {@link io.drover.api.HostResult.Failed} with this exit status and stderr tail.
 */
public final class CommandFailedException extends DroverException {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final String command;
    private final ExitStatus status;
    private final String stderrTail;

    public CommandFailedException(String host, String command, ExitStatus status, String stderrTail, String message) {
        super(requireNonNull(message, "message is null"));
        this.host = requireNonNull(host, "host is null");
        this.command = requireNonNull(command, "command is null");
        this.status = requireNonNull(status, "status is null");
        this.stderrTail = requireNonNull(stderrTail, "stderrTail is null");
    }

    public String host() {
        return host;
    }

    /** The command as the caller gave it (without the environment, directory and sudo wrapping). */
    public String command() {
        return command;
    }

    public ExitStatus status() {
        return status;
    }

    /** The last lines of the command's stderr (at most 20 lines, 4 KiB). */
    public String stderrTail() {
        return stderrTail;
    }
}
