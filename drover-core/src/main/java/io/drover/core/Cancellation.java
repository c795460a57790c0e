package io.drover.core;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A switch the caller trips to cancel runs: tasks still running are stopped (their remote commands killed) and
 * reported {@link io.drover.api.HostResult.Cancelled}, hosts not started yet {@link io.drover.api.HostResult.Skipped}.
 * One cancellation may serve several runs (a Ctrl-C handler trips it once for everything). Tripping it is
 * permanent. Thread-safe.
 */
public final class Cancellation {
    private final Object lock = new Object();
    private final List<Consumer<String>> callbacks = new ArrayList<>();
    private String reason;

    private Cancellation() {}

    public static Cancellation create() {
        return new Cancellation();
    }

    /**
     * Cancels every run using this cancellation. Only the first call has an effect; later reasons are ignored.
     *
     * @param reason why, for results and events ({@code "interrupted by the user"})
     */
    public void cancel(String reason) {
        requireNonNull(reason, "reason is null");
        List<Consumer<String>> toCall;
        synchronized (lock) {
            if (this.reason != null) {
                return;
            }
            this.reason = reason;
            toCall = List.copyOf(callbacks);
            callbacks.clear();
        }
        for (Consumer<String> c : toCall) {
            c.accept(reason);
        }
    }

    public boolean isCancelled() {
        synchronized (lock) {
            return reason != null;
        }
    }

    /** Why it was cancelled; empty while it is not. */
    public Optional<String> reason() {
        synchronized (lock) {
            return Optional.ofNullable(reason);
        }
    }

    /**
     * Calls {@code callback} once when cancelled (at once when already cancelled).
     *
     * @return undoes the registration
     */
    Runnable onCancel(Consumer<String> callback) {
        String already;
        synchronized (lock) {
            already = reason;
            if (already == null) {
                callbacks.add(callback);
                return () -> {
                    synchronized (lock) {
                        callbacks.remove(callback);
                    }
                };
            }
        }
        callback.accept(already);
        return () -> {};
    }

    @Override
    public String toString() {
        return reason().map(r -> "Cancellation[cancelled: " + r + "]").orElse("Cancellation[not cancelled]");
    }
}
