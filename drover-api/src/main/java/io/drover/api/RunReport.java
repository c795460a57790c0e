package io.drover.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every host's result of one named run, in the order the hosts were given.
 *
 * @param name the task name given to {@code run}
 * @param started when the run started
 * @param duration wall time of the whole run
 * @param results one result per host, in host order; never two for one host
 */
public record RunReport<T>(String name, Instant started, Duration duration, List<HostResult<T>> results) {
    public RunReport {
        requireNonNull(name, "name is null");
        requireNonNull(started, "started is null");
        requireNonNull(duration, "duration is null");
        results = List.copyOf(results);
    }

    /** True when every host's result is {@link HostResult.Ok}. */
    public boolean allOk() {
        return results.stream().allMatch(HostResult::isOk);
    }

    /** Results that are not {@link HostResult.Ok}, in host order. */
    public List<HostResult<T>> problems() {
        return results.stream().filter(r -> !r.isOk()).toList();
    }

    /** Values returned on the hosts where the task succeeded, by host, in host order. */
    public Map<String, T> values() {
        return results.stream()
                .filter(r -> r instanceof HostResult.Ok<T>)
                .map(r -> (HostResult.Ok<T>) r)
                .filter(ok -> ok.value() != null)
                .collect(Collectors.toMap(HostResult.Ok::host, HostResult.Ok::value, (a, b) -> a,
                        java.util.LinkedHashMap::new));
    }

    /** The result for {@code host}, by the name the user gave. */
    public java.util.Optional<HostResult<T>> result(String host) {
        return results.stream().filter(r -> r.host().equals(host)).findFirst();
    }

    /** How many results fall in each outcome, keyed by the record's simple name ({@code Ok}, {@code Failed}...). */
    public Map<String, Long> counts() {
        return results.stream().collect(Collectors.groupingBy(r -> r.getClass().getSimpleName(),
                java.util.TreeMap::new, Collectors.counting()));
    }

    /** Re-key helper for callers that index results by host. */
    public Map<String, HostResult<T>> byHost() {
        return results.stream().collect(Collectors.toMap(HostResult::host, Function.identity(), (a, b) -> a,
                java.util.LinkedHashMap::new));
    }
}
