package io.drover.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.ssh.CommandRequest;
import io.drover.ssh.ExitStatus;
import io.drover.ssh.RemoteProcess;
import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packet buffers behind a command's stdin: bounded process-wide, and every one given back. */
class ChannelStdinTest {
    @SshHosts(count = 1, prefix = "cs")
    static SshFleet fleet;
    static Ssh ssh;

    @BeforeAll
    static void client() {
        ssh = fleet.closing(Ssh.builder().configFile(fleet.sshConfig()).build());
    }

    @Test
    void manyStreamsWritingAtOnceShareTheProcessWideBuffersAndGiveEveryOneBack() throws Exception {
        int streams = 8; // below sshd's MaxSessions (10)
        List<RemoteProcess> processes = new ArrayList<>();
        List<CompletableFuture<String>> outputs = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            RemoteProcess p = ssh.connect("cs1").start(CommandRequest.of("wc -c"));
            processes.add(p);
            outputs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.stdout().readAllBytes()).trim();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        byte[] chunk = new byte[100_000];
        List<Thread> writers = new ArrayList<>();
        for (RemoteProcess p : processes) {
            writers.add(Thread.ofVirtual().start(() -> {
                try (OutputStream in = p.stdin()) {
                    for (int k = 0; k < 40; k++) {
                        in.write(chunk);
                        assertThat(ChannelStdin.Pool.INSTANCE.taken()).isLessThanOrEqualTo(ChannelStdin.Pool.MAX_BUFFERS);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (Thread t : writers) {
            t.join();
        }
        for (int i = 0; i < streams; i++) {
            assertThat(outputs.get(i).get()).isEqualTo(String.valueOf(40 * chunk.length));
            assertThat(processes.get(i).waitFor(Duration.ofSeconds(30))).contains(ExitStatus.code(0));
            processes.get(i).close();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ChannelStdin.Pool.INSTANCE.taken() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ChannelStdin.Pool.INSTANCE.taken()).as("buffers not given back").isZero();
    }

    @Test
    void aTakerWaitsWhileEveryBufferIsOutAndGivesUpWhenItsStreamFails() throws Exception {
        ChannelStdin.Pool pool = new ChannelStdin.Pool();
        List<ByteArrayBuffer> all = new ArrayList<>();
        for (int i = 0; i < ChannelStdin.Pool.MAX_BUFFERS; i++) {
            all.add(pool.take(() -> {}));
        }
        assertThat(pool.taken()).isEqualTo(ChannelStdin.Pool.MAX_BUFFERS);
        CompletableFuture<ByteArrayBuffer> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.take(() -> {});
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(waiter).isNotDone();
        pool.give(all.removeLast());
        assertThat(waiter.get()).isNotNull();
        AtomicBoolean broken = new AtomicBoolean();
        CompletableFuture<Void> failing = CompletableFuture.runAsync(() -> {
            try {
                pool.take(() -> {
                    if (broken.get()) {
                        throw new IOException("channel 7 is closed");
                    }
                });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        broken.set(true);
        assertThatThrownBy(failing::join).hasRootCauseMessage("channel 7 is closed");
        assertThat(pool.taken()).isEqualTo(ChannelStdin.Pool.MAX_BUFFERS);
    }
}
