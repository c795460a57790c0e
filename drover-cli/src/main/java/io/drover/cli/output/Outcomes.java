package io.drover.cli.output;

import io.drover.api.HostResult;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** How a {@link HostResult} is named and explained in drover's output, records and JSON. */
public final class Outcomes {
    private Outcomes() {}

    /** The outcome's name in JSON and run records: {@code ok failed unreachable timed_out cancelled skipped}. */
    public static String kind(HostResult<?> r) {
        return switch (r) {
            case HostResult.Ok<?> ok -> "ok";
            case HostResult.Failed<?> f -> "failed";
            case HostResult.Unreachable<?> u -> "unreachable";
            case HostResult.TimedOut<?> t -> "timed_out";
            case HostResult.Cancelled<?> c -> "cancelled";
            case HostResult.Skipped<?> s -> "skipped";
        };
    }

    /** The outcome's name for people: {@code ok failed unreachable "timed out" cancelled skipped}. */
    public static String label(String kind) {
        return kind.replace('_', ' ');
    }

    /** The remote exit code: 0 for ok, the code for a failed command, empty otherwise. */
    public static OptionalInt exitCode(HostResult<?> r) {
        return switch (r) {
            case HostResult.Ok<?> ok -> OptionalInt.of(0);
            case HostResult.Failed<?> f -> f.exitCode();
            case HostResult.Unreachable<?> u -> OptionalInt.empty();
            case HostResult.TimedOut<?> t -> OptionalInt.empty();
            case HostResult.Cancelled<?> c -> OptionalInt.empty();
            case HostResult.Skipped<?> s -> OptionalInt.empty();
        };
    }

    /** The signal that killed the remote command, when one did. */
    public static Optional<String> signal(HostResult<?> r) {
        return r instanceof HostResult.Failed<?> f ? f.signal() : Optional.empty();
    }

    /**
     * Why a host is not ok, short enough for a summary line and the same for hosts that failed the same way
     * ({@code exit 2}, {@code signal KILL}, {@code Connection refused}, {@code after 30s}); empty for ok.
     */
    public static String reason(HostResult<?> r) {
        return switch (r) {
            case HostResult.Ok<?> ok -> "";
            case HostResult.Failed<?> f -> f.exitCode().isPresent() ? "exit " + f.exitCode().getAsInt()
                    : f.signal().map(s -> "signal " + s).orElse(f.message());
            case HostResult.Unreachable<?> u -> u.reason();
            case HostResult.TimedOut<?> t -> "after " + Durations.format(t.timeout());
            case HostResult.Cancelled<?> c -> c.reason();
            case HostResult.Skipped<?> s -> s.reason();
        };
    }

    /** The error message for JSON and run records: null for ok. */
    public static String error(HostResult<?> r) {
        return switch (r) {
            case HostResult.Ok<?> ok -> null;
            case HostResult.Failed<?> f -> f.message();
            case HostResult.Unreachable<?> u -> u.reason();
            case HostResult.TimedOut<?> t -> "timed out after " + Durations.format(t.timeout());
            case HostResult.Cancelled<?> c -> c.reason();
            case HostResult.Skipped<?> s -> s.reason();
        };
    }

    /** Outcome and exit status as one key: hosts fold together only when this is equal. */
    public static String foldKey(HostResult<?> r) {
        return switch (r) {
            case HostResult.Ok<?> ok -> "";
            case HostResult.Failed<?> f -> reason(f);
            case HostResult.Unreachable<?> u -> "unreachable";
            case HostResult.TimedOut<?> t -> "timed out";
            case HostResult.Cancelled<?> c -> "cancelled";
            case HostResult.Skipped<?> s -> "skipped";
        };
    }

    static long millis(Duration d) {
        return d.toMillis();
    }
}
