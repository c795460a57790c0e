package io.drover.ssh;

import static java.util.Objects.requireNonNull;

/** An SSH failure, with its kind so callers can decide without parsing messages. Unchecked. */
public class SshException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an SSH operation failed. */
    public enum Kind {
        /** ssh_config, known_hosts or key file could not be read or parsed; messages name file:line. */
        CONFIG,
        /** TCP connect failed, was refused, reset, or timed out, or a jump host failed. */
        CONNECT,
        /** The host key is unknown (strict mode), changed, or revoked. */
        HOST_KEY,
        /** No authentication method was accepted. */
        AUTH,
        /** The connection broke while in use. */
        DISCONNECTED,
        /** A command, channel or SFTP operation failed on an open connection. */
        CHANNEL
    }

    private final Kind kind;

    public SshException(Kind kind, String message) {
        super(message);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public SshException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind() {
        return kind;
    }
}
