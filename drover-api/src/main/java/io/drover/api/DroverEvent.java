package io.drover.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Typed events emitted by the engine while it works. A closed set; renderers switch on it without {@code default}.
 * Start and end events come in pairs for one host: every {@code *Started} is followed by exactly one matching
 * {@code *Ended} (also on failure, timeout and cancellation).
 */
public sealed interface DroverEvent
        permits DroverEvent.DialStarted, DroverEvent.DialEnded, DroverEvent.TaskStarted, DroverEvent.TaskEnded,
                DroverEvent.OutputLine, DroverEvent.BytesTransferred, DroverEvent.Retry, DroverEvent.Warning {

    /** When the event happened, from the engine's clock. */
    Instant at();

    /** The host the event is about. */
    String host();

    record DialStarted(Instant at, String host) implements DroverEvent {
        public DialStarted {
            requireNonNull(at, "at is null");
            requireNonNull(host, "host is null");
        }
    }

    /** @param error empty when the dial succeeded, else the reason it failed */
    record DialEnded(Instant at, String host, Duration took, Optional<String> error) implements DroverEvent {
        public DialEnded {
            requireNonNull(at, "at is null");
            requireNonNull(host, "host is null");
            requireNonNull(took, "took is null");
            requireNonNull(error, "error is null");
        }
    }

    record TaskStarted(Instant at, String host, String task) implements DroverEvent {
        public TaskStarted {
            requireNonNull(at, "at is null");
            requireNonNull(host, "host is null");
            requireNonNull(task, "task is null");
        }
    }

    record TaskEnded(Instant at, String host, String task, HostResult<?> result) implements DroverEvent {
        public TaskEnded {
            requireNonNull(at, "at is null");
            requireNonNull(host, "host is null");
            requireNonNull(task, "task is null");
            requireNonNull(result, "result is null");
        }
    }

    /**
     * One complete line of a remote command's output, without its line terminator. Lines of one stream of one host
     * arrive in order; lines are never split or interleaved with another host's.
     */
    record OutputLine(Instant at, String host, Stream stream, String line) implements DroverEvent {
        public OutputLine {
            requireNonNull(at, "at is null");
            requireNonNull(host, "host is null");
            requireNonNull(stream, "stream is null");
            requireNonNull(line, "line is null");
        }
    }

    /** Progress of a transfer: {@code total} is -1 when unknown. */
    record BytesTransferred(Instant at, String host, String path, long done, long total) implements DroverEvent {
        public BytesTransferred {
            requireNonNull(at, "at is null");
            requireNonNull(host, "host is null");
            requireNonNull(path, "path is null");
        }
    }

    /** A transient failure that will be retried after {@code backoff}. */
    record Retry(Instant at, String host, int attempt, Duration backoff, String reason) implements DroverEvent {
        public Retry {
            requireNonNull(at, "at is null");
            requireNonNull(host, "host is null");
            requireNonNull(backoff, "backoff is null");
            requireNonNull(reason, "reason is null");
        }
    }

    /** Something the user should see that does not fail the host (config warnings, insecure host key mode...). */
    record Warning(Instant at, String host, String message) implements DroverEvent {
        public Warning {
            requireNonNull(at, "at is null");
            requireNonNull(host, "host is null");
            requireNonNull(message, "message is null");
        }
    }
}
