package io.drover.sync;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Why a held {@link ClusterLock} stopped being held on one host.
 *
 * @param host the host where the lock was lost (the first one, when several were)
 * @param reason what happened: the heartbeat stopped, the holder process ended, the connection broke, or the lock
 *     file was removed or replaced under the holder
 * @param at when drover noticed
 */
public record LockLoss(String host, String reason, Instant at) {
    public LockLoss {
        requireNonNull(host, "host is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(at, "at is null");
    }

    @Override
    public String toString() {
        return "cluster lock lost on " + host + ": " + reason;
    }
}
