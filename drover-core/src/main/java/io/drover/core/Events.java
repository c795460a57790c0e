package io.drover.core;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;
import java.time.Instant;
import java.time.InstantSource;

/** Delivers events to the caller's listener, stamping them with the engine's clock; a throwing listener is ignored. */
final class Events {
    private final EventListener listener;
    private final InstantSource clock;

    Events(EventListener listener, InstantSource clock) {
        this.listener = requireNonNull(listener, "listener is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** False when nobody listens, so callers can skip building events. */
    boolean enabled() {
        return listener != EventListener.NONE;
    }

    Instant now() {
        return clock.instant();
    }

    InstantSource clock() {
        return clock;
    }

    void emit(DroverEvent event) {
        if (listener == EventListener.NONE) {
            return;
        }
        try {
            listener.on(event);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable ignored) {
            // the contract says listeners must not throw; one that does must not break the run
        }
    }
}
