package io.drover.cli;

/** Bad input found by a command: printed as {@code drover: message} and exits with {@link ExitCodes#USAGE}. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
