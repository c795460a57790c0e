package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A remote command's stdin on real OpenSSH hosts: bulk data, flushing, flow control, and a writer cut off. */
class StdinTest {
    @SshHosts(count = 1, prefix = "in")
    static SshFleet fleet;
    static Ssh ssh;

    @BeforeAll
    static void client() {
        ssh = fleet.closing(Ssh.builder().configFile(fleet.sshConfig()).build());
    }

    @Test
    void megabytesWrittenInPiecesOfEverySizeArriveIntactAndInOrder() throws Exception {
        Random random = new Random(42);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (RemoteProcess p = ssh.connect("in1").start(CommandRequest.of("sha256sum"))) {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p));
            OutputStream stdin = p.stdin();
            byte[] data = new byte[300_000];
            while (total < 24L * 1024 * 1024) {
                random.nextBytes(data);
                // single bytes, odd sizes, exactly a packet, and more than several packets at once
                int n = switch (random.nextInt(5)) {
                    case 0 -> 1;
                    case 1 -> 1 + random.nextInt(100);
                    case 2 -> 32768;
                    case 3 -> 1 + random.nextInt(70_000);
                    default -> data.length;
                };
                if (n == 1) {
                    stdin.write(data[0]);
                } else {
                    stdin.write(data, 0, n);
                }
                if (random.nextInt(10) == 0) {
                    stdin.flush();
                }
                sent.update(data, 0, n);
                total += n;
            }
            stdin.close();
            assertThat(out.get()).startsWith(HexFormat.of().formatHex(sent.digest()) + " ");
            assertThat(p.waitFor(Duration.ofSeconds(30))).contains(ExitStatus.code(0));
        }
    }

    @Test
    void flushSendsWhatIsBufferedWhileStdinStaysOpen() throws Exception {
        try (RemoteProcess p = ssh.connect("in1").start(CommandRequest.of("cat"))) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.stdout(), UTF_8));
            for (String word : new String[] {"one", "two", "three"}) {
                p.stdin().write((word + "\n").getBytes(UTF_8));
                p.stdin().flush();
                assertThat(lines.readLine()).isEqualTo(word);
            }
            p.stdin().close();
            assertThat(lines.readLine()).isNull();
            assertThat(p.waitFor(Duration.ofSeconds(30))).contains(ExitStatus.code(0));
        }
    }

    @Test
    void closingStdinAfterTheCommandExitedAndItsChannelClosedIsQuietWhenNothingWasLeftUnsent() throws Exception {
        try (RemoteProcess p = ssh.connect("in1").start(CommandRequest.of("true"))) {
            assertThat(p.waitFor(Duration.ofSeconds(30))).contains(ExitStatus.code(0));
            OutputStream stdin = p.stdin();
            // probe until the channel's close has reached the client: a flushed byte then has nowhere to go
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean refused = false;
            while (!refused && System.nanoTime() < deadline) {
                try {
                    stdin.write('x');
                    stdin.flush();
                    Thread.sleep(10);
                } catch (IOException e) {
                    refused = true;
                }
            }
            assertThat(refused).as("the channel never closed").isTrue();
            stdin.close(); // nothing buffered: no error
            stdin.close();
        }
    }

    @Test
    void aCommandThatDoesNotReadHoldsTheWriterBackAndKillingItReleasesTheWriter() throws Exception {
        RemoteProcess p = ssh.connect("in1").start(CommandRequest.of("sleep 600"));
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                while (true) {
                    p.stdin().write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            awaitBlocked(writer, written);
            // the remote window (2 MiB with OpenSSH) and the socket buffers, never the whole stream
            assertThat(written.get()).isLessThan(32L * 1024 * 1024);
            p.kill();
            writer.join(Duration.ofSeconds(20));
            assertThat(writer.isAlive()).as("writer still blocked after kill").isFalse();
            assertThat(failure.get()).isInstanceOf(IOException.class);
        } finally {
            p.close();
        }
    }

    /** Waits (with a deadline) until {@code t} waits and its count of written bytes stays put for half a second. */
    static void awaitBlocked(Thread t, AtomicLong written) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int stable = 0;
        long last = -1;
        while (stable < 5) {
            assertThat(System.nanoTime()).as("writer never blocked").isLessThan(deadline);
            Thread.State s = t.getState();
            long now = written.get();
            boolean waiting = s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
            stable = waiting && now == last ? stable + 1 : 0;
            last = now;
            Thread.sleep(100);
        }
    }

    static String drain(RemoteProcess p) {
        try {
            return new String(p.stdout().readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
