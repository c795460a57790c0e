package io.drover.sync;

/**
 * Bad input to a sync, upload or lock (a missing or unreadable source, an invalid remote path, overlapping sources),
 * found before anything was sent to a host. Unchecked; the message names the bad value.
 */
public final class SyncException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SyncException(String message) {
        super(message);
    }

    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
