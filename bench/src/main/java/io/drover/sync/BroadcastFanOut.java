package io.drover.sync;

import io.drover.bench.jmh.JvmFlags;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The local half of {@code drover upload} (drover-sync, package-private, hence this package): a 100 MiB file (W3's
 * size, random bytes, in the page cache) written as one tar stream by {@link TarWriter}.
 *
 * <ul>
 *   <li>{@link #tarStream}: the tar stream alone, into a sink that counts bytes;</li>
 *   <li>{@link #broadcastTo100Readers}: the tar stream cut into 64 KiB chunks by {@link ChunkStream} and published to
 *       a {@link Broadcast} with {@code FileSync}'s defaults (8 MiB window), read by 100 readers, one virtual thread
 *       each, as {@code FileSync.transfer} runs them. A reader touches one byte of each chunk and releases it: the
 *       SSH channel write that a real reader does next (copy, encrypt: see {@code CipherThroughput}) is left out, so
 *       this is the cost of the fan-out itself (locking, hand-offs between 101 threads, chunk bookkeeping).</li>
 * </ul>
 *
 * <p>Why it matters: W3 sends one 100 MiB stream to 100 hosts; the producer and the fan-out must deliver far faster
 * than the hosts' channels consume, or they become the bottleneck of every upload. One operation is one byte of the
 * source stream, so <b>ops/s = stream bytes per second</b> (with 100 readers, each of those bytes reaches every
 * reader). Forked with the launcher's flags for transfers (C2, 512 MiB heap).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC, JvmFlags.HEAP_512M})
public class BroadcastFanOut {
    /** W3's file: 100 MiB. */
    static final int FILE_BYTES = 100 * 1024 * 1024;
    static final int READERS = 100;
    /** FileSync's chunk size and default window. */
    private static final int CHUNK = 64 * 1024;
    private static final long WINDOW = 8L * 1024 * 1024;

    private Path dir;
    private Path file;
    private TarWriter tar;
    private long streamBytes;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("drover-jmh-sync");
        file = dir.resolve("payload.bin");
        byte[] block = new byte[1024 * 1024];
        Random random = new Random(3);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < FILE_BYTES / block.length; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        tar = new TarWriter(List.of(Source.named(file)), false, warning -> {
            throw new IllegalStateException("unexpected warning: " + warning);
        });
        streamBytes = tarStream();
        if (streamBytes < FILE_BYTES) {
            throw new IllegalStateException("tar stream of " + streamBytes + " bytes for a " + FILE_BYTES + " file");
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    /** Writes the tar stream of the 100 MiB file into a counting sink; returns its length. */
    @Benchmark
    @OperationsPerInvocation(FILE_BYTES)
    public long tarStream() throws IOException {
        Counting sink = new Counting();
        tar.write(sink);
        return sink.count;
    }

    /** Writes the tar stream through a broadcast to 100 readers and waits until every reader has it all. */
    @Benchmark
    @OperationsPerInvocation(FILE_BYTES)
    public long broadcastTo100Readers() throws Exception {
        Broadcast broadcast = new Broadcast(WINDOW, Duration.ofMinutes(5), InstantSource.system(), Duration.ofMillis(200));
        List<Drain> drains = new ArrayList<>(READERS);
        for (int i = 0; i < READERS; i++) {
            Drain d = new Drain(broadcast.join("reader-" + i, cause -> {}));
            d.thread = Thread.ofVirtual().name("drover-jmh-reader-" + i).start(d);
            drains.add(d);
        }
        ChunkStream out = new ChunkStream(broadcast, CHUNK);
        tar.write(out);
        out.flush();
        broadcast.finish();
        long check = 0;
        for (Drain d : drains) {
            d.thread.join();
            if (d.failure != null) {
                throw new IllegalStateException("reader failed", d.failure);
            }
            if (d.bytes != streamBytes) {
                throw new IllegalStateException("a reader got " + d.bytes + " of " + streamBytes + " bytes");
            }
            check += d.touched;
        }
        return check;
    }

    /** One reader: takes every chunk, touches one byte of it, releases it. */
    private static final class Drain implements Runnable {
        private final Broadcast.Reader reader;
        Thread thread;
        long bytes;
        long touched;
        Throwable failure;

        Drain(Broadcast.Reader reader) {
            this.reader = reader;
        }

        @Override
        public void run() {
            try {
                byte[] chunk;
                while ((chunk = reader.next()) != null) {
                    touched += chunk[chunk.length - 1];
                    bytes += chunk.length;
                    reader.consumed();
                }
            } catch (InterruptedException | RuntimeException e) {
                failure = e;
            }
        }
    }

    /** Counts what is written and keeps nothing. */
    private static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            count += len;
        }
    }
}
