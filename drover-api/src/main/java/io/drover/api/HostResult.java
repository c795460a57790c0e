package io.drover.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What happened on one host when a task ran there. A closed set: switch on it without {@code default}.
 *
 * @param <T> the value a task returns on success ({@link Void} for tasks run for their effect)
 */
public sealed interface HostResult<T>
        permits HostResult.Ok, HostResult.Failed, HostResult.Unreachable, HostResult.TimedOut,
                HostResult.Cancelled, HostResult.Skipped {

    /** The host name as the user gave it (an ssh_config alias, or {@code host[:port]}). */
    String host();

    /** Wall time spent on this host, zero when nothing ran. */
    Duration duration();

    /** True only for {@link Ok}. */
    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The task finished; {@code value} is what it returned ({@code null} allowed for {@code Void}). */
    record Ok<T>(String host, T value, Duration duration) implements HostResult<T> {
        public Ok {
            requireNonNull(host, "host is null");
            requireNonNull(duration, "duration is null");
        }

        public Optional<T> valueIfAny() {
            return Optional.ofNullable(value);
        }
    }

    /**
     * The task ran and failed: a remote command exited non-zero or died of a signal, or the task threw.
     *
     * @param exitCode the remote exit code, empty when the command died of a signal or the task threw
     * @param signal the signal name without {@code SIG} ({@code "KILL"}) when the command died of one
     * @param message a one-line reason fit for a summary
     * @param stderrTail the last lines of standard error (bounded), possibly empty
     */
    record Failed<T>(String host, OptionalInt exitCode, Optional<String> signal, String message, String stderrTail,
            Duration duration) implements HostResult<T> {
        public Failed {
            requireNonNull(host, "host is null");
            requireNonNull(exitCode, "exitCode is null");
            requireNonNull(signal, "signal is null");
            requireNonNull(message, "message is null");
            requireNonNull(stderrTail, "stderrTail is null");
            requireNonNull(duration, "duration is null");
        }
    }

    /** The host could not be reached or authenticated; {@code reason} says why (refused, timed out, host key...). */
    record Unreachable<T>(String host, String reason, Duration duration) implements HostResult<T> {
        public Unreachable {
            requireNonNull(host, "host is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(duration, "duration is null");
        }
    }

    /** The task ran past its deadline and was stopped (its remote processes too). */
    record TimedOut<T>(String host, Duration timeout, Duration duration) implements HostResult<T> {
        public TimedOut {
            requireNonNull(host, "host is null");
            requireNonNull(timeout, "timeout is null");
            requireNonNull(duration, "duration is null");
        }
    }

    /** The run was cancelled (by the caller, an interrupt or a run deadline) while this host's task ran. */
    record Cancelled<T>(String host, String reason, Duration duration) implements HostResult<T> {
        public Cancelled {
            requireNonNull(host, "host is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(duration, "duration is null");
        }
    }

    /** The task never started on this host (error policy stopped the run, or the host was excluded). */
    record Skipped<T>(String host, String reason) implements HostResult<T> {
        public Skipped {
            requireNonNull(host, "host is null");
            requireNonNull(reason, "reason is null");
        }

        @Override
        public Duration duration() {
            return Duration.ZERO;
        }
    }
}
