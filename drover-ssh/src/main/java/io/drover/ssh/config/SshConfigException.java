package io.drover.ssh.config;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.SshException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * ssh_config could not be read, parsed or resolved. Always of kind {@link SshException.Kind#CONFIG}. The message
 * starts with {@code file:line:} when the problem is tied to a line, and says what would be valid.
 */
public final class SshConfigException extends SshException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    /** A problem on one line of one file; {@code line} is 0 when the whole file is at fault. */
    public SshConfigException(Path file, int line, String message) {
        super(Kind.CONFIG, requireNonNull(file, "file is null") + ":" + line + ": " + message);
        this.file = file;
        this.line = line;
    }

    /** A problem on one line of one file, caused by an I/O failure. */
    public SshConfigException(Path file, int line, String message, Throwable cause) {
        super(Kind.CONFIG, requireNonNull(file, "file is null") + ":" + line + ": " + message, cause);
        this.file = file;
        this.line = line;
    }

    /** A problem not tied to a file, such as an invalid destination. */
    public SshConfigException(String message) {
        super(Kind.CONFIG, message);
        this.file = null;
        this.line = 0;
    }

    /** The file at fault, when the problem is tied to one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The 1-based line at fault; 0 when not tied to a line. */
    public int line() {
        return line;
    }
}
