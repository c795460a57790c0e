package io.drover.sync;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;
import io.drover.api.HostResult;
import io.drover.api.Stream;
import java.time.InstantSource;

/** Emits typed events to a listener that must not throw (a listener that does anyway is ignored for that event). */
final class Events {
    /** The host name warnings about the controller's own files are reported under. */
    static final String LOCAL = "(local)";

    private final EventListener listener;
    private final InstantSource clock;
    private volatile boolean closed;

    Events(EventListener listener, InstantSource clock) {
        this.listener = requireNonNull(listener, "listener is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    InstantSource clock() {
        return clock;
    }

    /** Drops every later event (a host abandoned by a cancelled run must not print after the summary). */
    void close() {
        closed = true;
    }

    void emit(DroverEvent event) {
        if (closed) {
            return;
        }
        try {
            listener.on(event);
        } catch (RuntimeException ignored) {
            // the listener contract forbids throwing; one that does must not break the run
        }
    }

    void started(String host, String task) {
        emit(new DroverEvent.TaskStarted(clock.instant(), host, task));
    }

    void ended(String host, String task, HostResult<?> result) {
        emit(new DroverEvent.TaskEnded(clock.instant(), host, task, result));
    }

    void line(String host, Stream stream, String line) {
        emit(new DroverEvent.OutputLine(clock.instant(), host, stream, line));
    }

    void bytes(String host, String path, long done, long total) {
        emit(new DroverEvent.BytesTransferred(clock.instant(), host, path, done, total));
    }

    void warning(String host, String message) {
        emit(new DroverEvent.Warning(clock.instant(), host, message));
    }
}
