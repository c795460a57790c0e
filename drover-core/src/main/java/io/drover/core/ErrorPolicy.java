package io.drover.core;

import static java.util.Objects.requireNonNull;

import io.drover.api.HostResult;

/**
 * What a run does when a host fails ({@link HostResult.Failed}, {@link HostResult.TimedOut} or
 * {@link HostResult.Unreachable}). Stopping never interrupts tasks already running: it only keeps the run from
 * starting more; the hosts it did not start are reported {@link HostResult.Skipped}. When the bound on tasks in
 * flight is as large as the group every task starts at once, so a stopping policy matters with a smaller bound: a
 * rolling change runs with {@code RunOptions.withMaxInFlight(1)} (or a batch size) and a stopping policy.
 */
public sealed interface ErrorPolicy
        permits ErrorPolicy.Collect, ErrorPolicy.FailFast, ErrorPolicy.StopAfter, ErrorPolicy.StopAfterPercent,
                ErrorPolicy.Custom {

    /** The default: every host runs, every failure is collected. */
    static ErrorPolicy collect() {
        return new Collect();
    }

    /** Start no more hosts after the first failure. */
    static ErrorPolicy failFast() {
        return new FailFast();
    }

    /** Start no more hosts once {@code failures} hosts have failed. */
    static ErrorPolicy stopAfter(int failures) {
        return new StopAfter(failures);
    }

    /** Start no more hosts once the failed hosts reach {@code percent} of the run's hosts. */
    static ErrorPolicy stopAfterPercent(double percent) {
        return new StopAfterPercent(percent);
    }

    /** Let {@code handler} decide after each failure. */
    static ErrorPolicy custom(Handler handler) {
        return new Custom(handler);
    }

    record Collect() implements ErrorPolicy {}

    record FailFast() implements ErrorPolicy {}

    record StopAfter(int failures) implements ErrorPolicy {
        public StopAfter {
            if (failures < 1) {
                throw new IllegalArgumentException("failures (" + failures + ") must be at least 1");
            }
        }
    }

    record StopAfterPercent(double percent) implements ErrorPolicy {
        public StopAfterPercent {
            if (!(percent > 0 && percent <= 100)) {
                throw new IllegalArgumentException("percent (" + percent + ") must be more than 0 and at most 100");
            }
        }
    }

    record Custom(Handler handler) implements ErrorPolicy {
        public Custom {
            requireNonNull(handler, "handler is null");
        }
    }

    /**
     * Decides, after each failure, whether the run goes on. Calls are serialised by the run (never concurrent for
     * one run) and happen before the next host is started; they must be quick. A handler that throws stops the run.
     */
    @FunctionalInterface
    interface Handler {
        Decision onFailure(HostResult<?> failure, Progress progress);
    }

    enum Decision {
        CONTINUE,
        STOP
    }

    /**
     * Where a run stands when a failure is reported (that failure included).
     *
     * @param hosts hosts in the run
     * @param finished hosts with a result so far
     * @param failures hosts that failed so far
     */
    record Progress(int hosts, int finished, int failures) {}
}
