package io.drover.cli.output;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The live status line of a run: {@code 1234/10000 done, 12 failed, 256 running, 143/s, ETA 1m02s}, redrawn a few
 * times a second on standard error while the run lasts. Only used when standard error is a terminal.
 * Counting is thread-safe and allocation-free per event except the first end of each host.
 */
public final class Progress implements EventListener, AutoCloseable {
    private final Screen screen;
    private final int total;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger connecting = new AtomicInteger();
    private volatile String phase = "";
    private volatile boolean closed;
    private Thread ticker;

    /**
     * @param total how many hosts the run has
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public Progress(Screen screen, int total, LongSupplier nanoClock) {
        this.screen = requireNonNull(screen, "screen is null");
        this.total = total;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock is null");
        this.startNanos = nanoClock.getAsLong();
    }

    /** Starts redrawing every {@code every}. */
    public Progress start(Duration every) {
        long nanos = every.toNanos();
        ticker = Thread.ofPlatform().daemon().name("drover-progress").start(() -> {
            while (!closed) {
                screen.status(line());
                LockSupport.parkNanos(nanos);
            }
        });
        return this;
    }

    /** A word shown before the counts ({@code cancelling...}). */
    public void phase(String phase) {
        this.phase = phase;
    }

    @Override
    public void on(DroverEvent event) {
        switch (event) {
            case DroverEvent.DialStarted d -> connecting.incrementAndGet();
            case DroverEvent.DialEnded d -> {
                connecting.decrementAndGet();
                if (d.error().isPresent() && ended.add(d.host())) {
                    failed.incrementAndGet();
                }
            }
            case DroverEvent.TaskStarted s -> running.incrementAndGet();
            case DroverEvent.TaskEnded e -> {
                running.decrementAndGet();
                if (ended.add(e.host()) && !e.result().isOk()) {
                    failed.incrementAndGet();
                }
            }
            case DroverEvent.OutputLine l -> {}
            case DroverEvent.BytesTransferred b -> {}
            case DroverEvent.Retry r -> {}
            case DroverEvent.Warning w -> {}
        }
    }

    /** The status text now. */
    public String line() {
        int done = ended.size();
        double secs = Math.max(1e-3, (nanoClock.getAsLong() - startNanos) / 1e9);
        double rate = done / secs;
        StringBuilder b = new StringBuilder(96);
        if (!phase.isEmpty()) {
            b.append(phase).append("  ");
        }
        b.append(done).append('/').append(total).append(" done");
        int f = failed.get();
        if (f > 0) {
            b.append(", ").append(f).append(" failed");
        }
        b.append(", ").append(Math.max(0, running.get())).append(" running");
        int c = connecting.get();
        if (c > 0) {
            b.append(", ").append(c).append(" connecting");
        }
        if (done > 0) {
            b.append(", ").append(rate >= 10 ? String.valueOf(Math.round(rate)) : String.format("%.1f", rate))
                    .append("/s");
            if (done < total) {
                long eta = Math.round((total - done) / rate);
                b.append(", ETA ").append(Durations.format(Duration.ofSeconds(eta)));
            }
        }
        b.append("  ").append(Durations.format(Duration.ofNanos(nanoClock.getAsLong() - startNanos)));
        return b.toString();
    }

    /** Stops redrawing and removes the line. */
    @Override
    public void close() {
        closed = true;
        if (ticker != null) {
            LockSupport.unpark(ticker);
            try {
                ticker.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        screen.clearStatus();
    }
}
