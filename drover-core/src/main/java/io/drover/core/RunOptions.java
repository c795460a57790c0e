package io.drover.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * How one run behaves. Start from {@link #defaults()} (no timeouts, {@link ErrorPolicy#collect()}, no
 * cancellation) and change what you need: {@code RunOptions.defaults().withTaskTimeout(Duration.ofMinutes(1))}.
 *
 * @param taskTimeout how long a task may run on one host before it is stopped (its remote commands killed) and
 *     reported {@link io.drover.api.HostResult.TimedOut}; empty for no limit
 * @param runTimeout how long the whole run may take; when it passes the run is cancelled as by {@code cancellation}
 * @param errorPolicy what a failure does to the rest of the run
 * @param cancellation a switch the caller may trip to cancel the run
 */
public record RunOptions(Optional<Duration> taskTimeout, Optional<Duration> runTimeout, ErrorPolicy errorPolicy,
        Optional<Cancellation> cancellation) {
    public RunOptions {
        requireNonNull(taskTimeout, "taskTimeout is null");
        requireNonNull(runTimeout, "runTimeout is null");
        requireNonNull(errorPolicy, "errorPolicy is null");
        requireNonNull(cancellation, "cancellation is null");
        taskTimeout.ifPresent(t -> requirePositive("taskTimeout", t));
        runTimeout.ifPresent(t -> requirePositive("runTimeout", t));
    }

    public static RunOptions defaults() {
        return new RunOptions(Optional.empty(), Optional.empty(), ErrorPolicy.collect(), Optional.empty());
    }

    public RunOptions withTaskTimeout(Duration timeout) {
        return new RunOptions(Optional.of(timeout), runTimeout, errorPolicy, cancellation);
    }

    public RunOptions withRunTimeout(Duration timeout) {
        return new RunOptions(taskTimeout, Optional.of(timeout), errorPolicy, cancellation);
    }

    public RunOptions withErrorPolicy(ErrorPolicy policy) {
        return new RunOptions(taskTimeout, runTimeout, policy, cancellation);
    }

    public RunOptions withCancellation(Cancellation cancellation) {
        return new RunOptions(taskTimeout, runTimeout, errorPolicy, Optional.of(cancellation));
    }

    private static void requirePositive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " (" + d + ") must be positive");
        }
    }
}
