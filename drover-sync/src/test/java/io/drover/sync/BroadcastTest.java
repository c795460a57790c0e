package io.drover.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BroadcastTest {
    private static final int CHUNK = 1024;

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void produce(Broadcast b, byte[] data) throws InterruptedException {
        for (int off = 0; off < data.length; off += CHUNK) {
            byte[] c = java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + CHUNK));
            if (!b.publish(c)) {
                return;
            }
        }
        b.finish();
    }

    private static Thread reader(Broadcast.Reader r, ByteArrayOutputStream into, Semaphore pace,
            AtomicReference<Throwable> failure) {
        return Thread.ofVirtual().start(() -> {
            try {
                byte[] c;
                while (true) {
                    if (pace != null) {
                        pace.acquire();
                    }
                    c = r.next();
                    if (c == null) {
                        break;
                    }
                    into.write(c, 0, c.length);
                    r.consumed();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
    }

    @Test
    void everyReaderReceivesTheWholeStreamInOrder() throws Exception {
        Broadcast b = new Broadcast(8 * CHUNK, Duration.ofMinutes(1), new FakeClock(), Duration.ofMillis(20));
        byte[] data = randomBytes(200 * CHUNK + 17, 1);
        List<ByteArrayOutputStream> outs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < 7; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            outs.add(out);
            threads.add(reader(b.join("h" + i, t -> {}), out, null, failure));
        }
        produce(b, data);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        for (ByteArrayOutputStream out : outs) {
            assertThat(out.toByteArray()).isEqualTo(data);
        }
        assertThat(b.held()).isZero();
    }

    @Test
    void theProducerNeverRunsMoreThanTheWindowAheadOfTheSlowestReader() throws Exception {
        long window = 8 * CHUNK;
        Broadcast b = new Broadcast(window, Duration.ofMinutes(1), new FakeClock(), Duration.ofMillis(20));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Semaphore slowPace = new Semaphore(0);
        ByteArrayOutputStream fast = new ByteArrayOutputStream();
        ByteArrayOutputStream slow = new ByteArrayOutputStream();
        Thread tf = reader(b.join("fast", t -> {}), fast, null, failure);
        Thread ts = reader(b.join("slow", t -> {}), slow, slowPace, failure);
        byte[] data = randomBytes(100 * CHUNK, 2);
        AtomicLong maxHeld = new AtomicLong();
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                produce(b, data);
            } catch (InterruptedException e) {
                failure.set(e);
            }
        });
        // the slow reader takes one chunk at a time; between steps the window must stay bounded
        while (producer.isAlive() || ts.isAlive()) {
            maxHeld.accumulateAndGet(b.held(), Math::max);
            slowPace.release();
            Thread.sleep(1);
        }
        tf.join();
        assertThat(failure.get()).isNull();
        assertThat(maxHeld.get()).isLessThanOrEqualTo(window);
        assertThat(fast.toByteArray()).isEqualTo(data);
        assertThat(slow.toByteArray()).isEqualTo(data);
    }

    @Test
    void aReaderThatAcceptsNothingForTheStallTimeoutIsDroppedAndTheOthersFinish() throws Exception {
        FakeClock clock = new FakeClock();
        Broadcast b = new Broadcast(4 * CHUNK, Duration.ofSeconds(60), clock, Duration.ofMillis(10));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ByteArrayOutputStream good = new ByteArrayOutputStream();
        Thread tg = reader(b.join("good", t -> {}), good, null, failure);
        CountDownLatch droppedCallback = new CountDownLatch(1);
        AtomicReference<Throwable> droppedWhy = new AtomicReference<>();
        Broadcast.Reader stuck = b.join("stuck", t -> {
            droppedWhy.set(t);
            droppedCallback.countDown();
        });
        byte[] data = randomBytes(50 * CHUNK, 3);
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                produce(b, data);
            } catch (InterruptedException e) {
                failure.set(e);
            }
        });
        // the producer fills the window and waits for "stuck"; nothing happens until the clock passes the timeout
        awaitHeldAtLeast(b, 4 * CHUNK);
        clock.advance(Duration.ofSeconds(59));
        assertThat(droppedCallback.await(100, TimeUnit.MILLISECONDS)).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(droppedCallback.await(10, TimeUnit.SECONDS)).isTrue();
        producer.join();
        tg.join();
        assertThat(failure.get()).isNull();
        assertThat(good.toByteArray()).isEqualTo(data);
        assertThat(droppedWhy.get()).isInstanceOf(Broadcast.StalledException.class)
                .hasMessageContaining("stuck").hasMessageContaining("60s");
        assertThat(stuck.dropReason()).containsSame(droppedWhy.get());
        assertThatThrownBy(stuck::next).isInstanceOf(Broadcast.DroppedException.class);
    }

    @Test
    void aReaderThatFailsReleasesItsChunksAndTheProducerStopsWhenNoneIsLeft() throws Exception {
        Broadcast b = new Broadcast(4 * CHUNK, Duration.ofMinutes(1), new FakeClock(), Duration.ofMillis(10));
        Broadcast.Reader only = b.join("only", t -> {});
        assertThat(b.publish(new byte[CHUNK])).isTrue();
        assertThat(b.held()).isEqualTo(CHUNK);
        only.fail(new RuntimeException("host died"));
        assertThat(b.held()).isZero();
        assertThat(b.publish(new byte[CHUNK])).isFalse();
    }

    @Test
    void anAbortDropsEveryReaderWithTheCause() throws Exception {
        Broadcast b = new Broadcast(4 * CHUNK, Duration.ofMinutes(1), new FakeClock(), Duration.ofMillis(10));
        Broadcast.Reader r = b.join("r", t -> {});
        b.publish(new byte[CHUNK]);
        b.abort(new SyncException("cannot read /x"));
        assertThatThrownBy(r::next).isInstanceOf(Broadcast.DroppedException.class).hasMessageContaining("/x");
    }

    @Test
    void readersCannotJoinAfterTheStreamStarted() throws Exception {
        Broadcast b = new Broadcast(4 * CHUNK, Duration.ofMinutes(1), new FakeClock(), Duration.ofMillis(10));
        b.join("first", t -> {});
        b.publish(new byte[1]);
        assertThatThrownBy(() -> b.join("late", t -> {})).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("late");
    }

    private static void awaitHeldAtLeast(Broadcast b, long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.held() < bytes) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("window never filled: held " + b.held());
            }
            Thread.sleep(5);
        }
    }
}
