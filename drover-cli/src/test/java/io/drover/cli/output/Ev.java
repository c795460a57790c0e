package io.drover.cli.output;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.Stream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/** Builds engine events and results for renderer tests. */
final class Ev {
    static final Instant T0 = Instant.parse("2025-03-07T14:25:01Z");

    private Ev() {}

    static DroverEvent.OutputLine out(String host, String line) {
        return new DroverEvent.OutputLine(T0, host, Stream.STDOUT, line);
    }

    static DroverEvent.OutputLine err(String host, String line) {
        return new DroverEvent.OutputLine(T0, host, Stream.STDERR, line);
    }

    static DroverEvent.TaskStarted started(String host) {
        return new DroverEvent.TaskStarted(T0, host, "run");
    }

    static DroverEvent.TaskEnded ended(HostResult<?> r) {
        return new DroverEvent.TaskEnded(T0, r.host(), "run", r);
    }

    static HostResult<Void> ok(String host) {
        return new HostResult.Ok<>(host, null, Duration.ofMillis(40));
    }

    static HostResult<Void> exit(String host, int code) {
        return new HostResult.Failed<>(host, OptionalInt.of(code), Optional.empty(), "exit " + code, "",
                Duration.ofMillis(50));
    }

    static HostResult<Void> unreachable(String host, String reason) {
        return new HostResult.Unreachable<>(host, reason, Duration.ofMillis(5));
    }
}
