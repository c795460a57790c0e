package io.drover.sync;

import io.drover.api.HostResult;
import java.util.List;
import java.util.Map;

/**
 * The cluster lock could not be taken on every host, so it was taken on none (the hosts that had granted it released
 * it again). {@link #results()} says what happened on each host; {@link #holders()} who holds the lock where it was
 * busy.
 */
public final class ClusterLockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<HostResult<Void>> results;
    private final transient Map<String, String> holders;

    ClusterLockException(String message, List<HostResult<Void>> results, Map<String, String> holders) {
        super(message);
        this.results = List.copyOf(results);
        this.holders = Map.copyOf(holders);
    }

    /** One result per host, in host order: {@code Ok} where the lock was granted (and has been released since). */
    public List<HostResult<Void>> results() {
        return results;
    }

    /** For each host where another holder has the lock: what that holder wrote (user@host, pid, since, command). */
    public Map<String, String> holders() {
        return holders;
    }

    /** Whether the lock was refused because someone else holds it (rather than hosts being unreachable or failing). */
    public boolean busy() {
        return !holders.isEmpty();
    }

    /** Whether a host could not be reached at all. */
    public boolean unreachable() {
        return results.stream().anyMatch(r -> r instanceof HostResult.Unreachable<Void>);
    }
}
