package io.drover.cli.output;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands each event to several listeners in order. A listener that throws (it must not) does not keep the event
 * from the others; the first such exception is kept for the command to report.
 */
public final class Fanout implements EventListener {
    private final List<EventListener> listeners;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    public Fanout(List<EventListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    public static Fanout of(EventListener... listeners) {
        return new Fanout(List.of(listeners));
    }

    @Override
    public void on(DroverEvent event) {
        for (EventListener l : listeners) {
            try {
                l.on(event);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }
    }

    /** The first exception a listener threw, if any. */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure.get());
    }
}
