package io.drover.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one run behaves. Start from {@link #defaults()} (no timeouts, the group's bound only,
 * {@link ErrorPolicy#collect()}, no cancellation) and change what you need: {@code RunOptions.defaults().withTaskTimeout(Duration.ofMinutes(1))}.
 *
 * @param taskTimeout how long a task may run on one host before it is stopped (its remote commands killed) and
 *     reported {@link io.drover.api.HostResult.TimedOut}; empty for no limit
 * @param runTimeout how long the whole run may take; when it passes the run is cancelled as by {@code cancellation}
 * @param maxInFlight at most this many of the run's tasks at once (a rolling change: one host, or a batch, at a
 *     time); the group's own {@code maxInFlight} applies too; empty for the group's bound only
 * @param errorPolicy what a failure does to the rest of the run
 * @param cancellation a switch the caller may trip to cancel the run
 */
public record RunOptions(Optional<Duration> taskTimeout, Optional<Duration> runTimeout, OptionalInt maxInFlight,
        ErrorPolicy errorPolicy, Optional<Cancellation> cancellation) {
    public RunOptions {
        requireNonNull(taskTimeout, "taskTimeout is null");
        requireNonNull(runTimeout, "runTimeout is null");
        requireNonNull(maxInFlight, "maxInFlight is null");
        if (maxInFlight.isPresent() && maxInFlight.getAsInt() < 1) {
            throw new IllegalArgumentException("maxInFlight (" + maxInFlight.getAsInt() + ") must be at least 1");
        }
        requireNonNull(errorPolicy, "errorPolicy is null");
        requireNonNull(cancellation, "cancellation is null");
        taskTimeout.ifPresent(t -> requirePositive("taskTimeout", t));
        runTimeout.ifPresent(t -> requirePositive("runTimeout", t));
    }

    public static RunOptions defaults() {
        return new RunOptions(Optional.empty(), Optional.empty(), OptionalInt.empty(), ErrorPolicy.collect(),
                Optional.empty());
    }

    public RunOptions withTaskTimeout(Duration timeout) {
        return new RunOptions(Optional.of(timeout), runTimeout, maxInFlight, errorPolicy, cancellation);
    }

    public RunOptions withRunTimeout(Duration timeout) {
        return new RunOptions(taskTimeout, Optional.of(timeout), maxInFlight, errorPolicy, cancellation);
    }

    public RunOptions withErrorPolicy(ErrorPolicy policy) {
        return new RunOptions(taskTimeout, runTimeout, maxInFlight, policy, cancellation);
    }

    public RunOptions withCancellation(Cancellation cancellation) {
        return new RunOptions(taskTimeout, runTimeout, maxInFlight, errorPolicy, Optional.of(cancellation));
    }

    public RunOptions withMaxInFlight(int n) {
        return new RunOptions(taskTimeout, runTimeout, OptionalInt.of(n), errorPolicy, cancellation);
    }

    private static void requirePositive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " (" + d + ") must be positive");
        }
    }
}
