package io.drover.sync;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** When each host last answered, and which host has been silent for longer than the timeout. Thread-safe. */
final class Heartbeats {
    /** A host silent for {@code silence}. */
    record Overdue(String host, Duration silence) {}

    private final Duration timeout;
    private final Map<String, Instant> last = new LinkedHashMap<>();

    /** Every host counts as having answered at {@code start}. */
    Heartbeats(List<String> hosts, Instant start, Duration timeout) {
        this.timeout = requireNonNull(timeout, "timeout is null");
        for (String h : hosts) {
            last.put(h, start);
        }
    }

    synchronized void beat(String host, Instant at) {
        last.computeIfPresent(host, (h, before) -> at.isAfter(before) ? at : before);
    }

    /** How long {@code host} has been silent at {@code now} (zero for a host not tracked). */
    synchronized Duration silence(String host, Instant now) {
        Instant at = last.get(host);
        return at == null ? Duration.ZERO : Duration.between(at, now);
    }

    /** The first host, in host order, silent for longer than the timeout at {@code now}. */
    synchronized Optional<Overdue> overdue(Instant now) {
        for (Map.Entry<String, Instant> e : last.entrySet()) {
            Duration silence = Duration.between(e.getValue(), now);
            if (silence.compareTo(timeout) > 0) {
                return Optional.of(new Overdue(e.getKey(), silence));
            }
        }
        return Optional.empty();
    }
}
