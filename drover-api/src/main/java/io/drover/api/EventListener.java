package io.drover.api;

/**
 * Receives the engine's events.
 *
 * <p>Contract: called from many threads at once, so implementations must be thread-safe; must return quickly
 * (render or enqueue, never block on I/O of a remote host); must not throw (a thrown exception is swallowed
 * and does not affect the run). Events of one host arrive in the order they happened.
 */
@FunctionalInterface
public interface EventListener {
    EventListener NONE = event -> {};

    void on(DroverEvent event);
}
