package io.drover.sync;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One producer's byte stream delivered to many readers, each chunk stored once and shared: memory is bounded by
 * {@code window} bytes whatever the number of readers (plus one chunk).
 *
 * <p>Flow control: the producer may run ahead of the slowest reader by at most {@code window} bytes, then waits for
 * it, so a slow reader slows the stream for everyone down to its own pace (the transfer finishes when the slowest
 * host has it all, however it is scheduled). A reader that accepts nothing at all for {@code stallTimeout} while the
 * producer waits for it is dropped ("stalled") so that the others go on; a reader may also drop itself (its host
 * died). Dropping a reader releases the chunks only it still held.
 *
 * <p>Thread-safe: one producer thread, one thread per reader.
 */
final class Broadcast {
    private final long window;
    private final Duration stallTimeout;
    private final InstantSource clock;
    private final Duration poll;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when chunks were released (the producer waits on it). */
    private final Condition space = lock.newCondition();
    /** Signalled when a chunk was added or the stream ended (readers wait on it). */
    private final Condition data = lock.newCondition();
    /** Chunks not yet consumed by every live reader; index 0 has sequence number {@code firstSeq}. */
    private final ArrayList<Chunk> chunks = new ArrayList<>();
    private final List<Reader> readers = new ArrayList<>();
    private int live;
    private long firstSeq;
    private long nextSeq;
    private long held;
    private boolean finished;
    private Throwable aborted;

    private static final class Chunk {
        final byte[] data;
        int pending;

        Chunk(byte[] data, int pending) {
            this.data = data;
            this.pending = pending;
        }
    }

    /**
     * @param window how many bytes the producer may be ahead of the slowest live reader
     * @param stallTimeout how long a reader holding back the producer may accept nothing before it is dropped
     * @param clock measures the stall (tests pass a fake one)
     * @param poll how often a waiting producer re-checks the clock for stalled readers
     */
    Broadcast(long window, Duration stallTimeout, InstantSource clock, Duration poll) {
        if (window < 1) {
            throw new IllegalArgumentException("window (" + window + ") must be positive");
        }
        this.window = window;
        this.stallTimeout = requireNonNull(stallTimeout, "stallTimeout is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.poll = requireNonNull(poll, "poll is null");
    }

    /** Adds a reader; all readers must join before the first {@link #publish}. */
    Reader join(String name, Consumer<Throwable> onDropped) {
        lock.lock();
        try {
            if (nextSeq > 0) {
                throw new IllegalStateException("reader " + name + " joined after the stream started");
            }
            Reader r = new Reader(name, onDropped);
            readers.add(r);
            live++;
            return r;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a chunk for every live reader; {@code data} must not be changed afterwards. Blocks while the window is
     * full, dropping readers that stall meanwhile.
     *
     * @return false when no live reader is left (the producer should stop)
     */
    boolean publish(byte[] chunk) throws InterruptedException {
        requireNonNull(chunk, "chunk is null");
        while (true) {
            List<Reader> dropped = new ArrayList<>();
            lock.lock();
            try {
                if (live == 0) {
                    return false;
                }
                if (held == 0 || held + chunk.length <= window) {
                    chunks.add(new Chunk(chunk, live));
                    nextSeq++;
                    held += chunk.length;
                    data.signalAll();
                    return true;
                }
                dropStalled(dropped);
                if (dropped.isEmpty()) {
                    space.await(poll.toNanos(), TimeUnit.NANOSECONDS);
                }
            } finally {
                lock.unlock();
            }
            notifyDropped(dropped);
        }
    }

    /** Ends the stream: readers get the rest, then the end. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            data.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream with an error: every live reader is dropped with {@code cause}. */
    void abort(Throwable cause) {
        List<Reader> dropped = new ArrayList<>();
        lock.lock();
        try {
            aborted = cause;
            for (Reader r : readers) {
                if (r.drop(cause)) {
                    dropped.add(r);
                }
            }
            data.signalAll();
        } finally {
            lock.unlock();
            notifyDropped(dropped);
        }
    }

    /** Bytes currently held for readers (for tests and progress). */
    long held() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: drops live readers that hold the oldest chunk and made no progress for stallTimeout. */
    private void dropStalled(List<Reader> dropped) {
        Instant now = clock.instant();
        for (Reader r : readers) {
            if (r.dropReason == null && r.cursor == firstSeq
                    && Duration.between(r.lastProgress, now).compareTo(stallTimeout) >= 0) {
                r.drop(new StalledException(r.name, stallTimeout));
                dropped.add(r);
            }
        }
    }

    private static void notifyDropped(List<Reader> dropped) {
        for (Reader r : dropped) {
            try {
                r.onDropped.accept(r.dropReason);
            } catch (RuntimeException ignored) {
                // a callback failing must not stop the stream for the others
            }
        }
    }

    /** Under the lock: releases chunks no live reader needs any more. */
    private void trim() {
        int n = 0;
        while (n < chunks.size() && chunks.get(n).pending == 0) {
            held -= chunks.get(n).data.length;
            n++;
        }
        if (n > 0) {
            chunks.subList(0, n).clear();
            firstSeq += n;
            space.signalAll();
        }
    }

    /** A reader accepted nothing for too long while the others waited for it. */
    static final class StalledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StalledException(String name, Duration timeout) {
            super(name + " accepted no data for " + timeout.toSeconds() + "s while the other hosts waited (stalled)");
        }
    }

    /** One reader's cursor into the stream. Used by one thread. */
    final class Reader {
        private final String name;
        private final Consumer<Throwable> onDropped;
        private long cursor;
        private Instant lastProgress;
        private Throwable dropReason;
        private long consumedBytes;

        private Reader(String name, Consumer<Throwable> onDropped) {
            this.name = name;
            this.onDropped = requireNonNull(onDropped, "onDropped is null");
            this.lastProgress = clock.instant();
        }

        /**
         * The next chunk, waiting for the producer; null at the end of the stream. Call {@link #consumed()} once it
         * is delivered.
         *
         * @throws DroppedException when this reader was dropped (stalled, or the stream aborted)
         */
        byte[] next() throws InterruptedException {
            lock.lock();
            try {
                while (true) {
                    if (dropReason != null) {
                        throw new DroppedException(dropReason);
                    }
                    if (cursor < nextSeq) {
                        return chunkAt(cursor).data;
                    }
                    if (finished) {
                        return null;
                    }
                    data.await();
                }
            } finally {
                lock.unlock();
            }
        }

        /** The chunk returned by {@link #next()} was delivered: frees it once every live reader has it. */
        void consumed() {
            lock.lock();
            try {
                if (dropReason != null) {
                    return;
                }
                Chunk c = chunkAt(cursor);
                c.pending--;
                consumedBytes += c.data.length;
                cursor++;
                lastProgress = clock.instant();
                trim();
            } finally {
                lock.unlock();
            }
        }

        /** Leaves the stream (its host failed): the others go on. Idempotent. */
        void fail(Throwable reason) {
            lock.lock();
            try {
                drop(reason);
            } finally {
                lock.unlock();
            }
        }

        /** Under the lock: marks dropped and releases the chunks this reader still held. */
        private boolean drop(Throwable reason) {
            if (dropReason != null) {
                return false;
            }
            dropReason = requireNonNull(reason, "reason is null");
            live--;
            for (long s = cursor; s < nextSeq; s++) {
                chunkAt(s).pending--;
            }
            trim();
            space.signalAll();
            return true;
        }

        private Chunk chunkAt(long seq) {
            return chunks.get((int) (seq - firstSeq));
        }

        Optional<Throwable> dropReason() {
            lock.lock();
            try {
                return Optional.ofNullable(dropReason);
            } finally {
                lock.unlock();
            }
        }

        long consumedBytes() {
            lock.lock();
            try {
                return consumedBytes;
            } finally {
                lock.unlock();
            }
        }

        String name() {
            return name;
        }
    }

    /** Thrown to a dropped reader; the cause says why. */
    static final class DroppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
