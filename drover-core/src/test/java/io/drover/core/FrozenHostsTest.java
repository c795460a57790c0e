package io.drover.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import io.drover.testkit.TestHost;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stopping a run while some hosts are frozen (SIGSTOPped sshd: connections open, nothing answered): the frozen
 * hosts' waits (kill confirmations, polite channel closes) run side by side and are bounded, so the run and the
 * group end promptly, and the live hosts' commands are killed.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FrozenHostsTest {
    @Test
    void cancellingARunWithFrozenHostsEndsPromptlyAndKillsTheLiveHostsCommands() throws Exception {
        String nap = "3" + (100_000 + new java.util.Random().nextInt(900_000)); // unique: only our sleeps count
        try (SshFleet fleet = Fleets.start(5, "fz"); Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            Cancellation cancel = Cancellation.create();
            AtomicReference<RunReport<Void>> report = new AtomicReference<>();
            Group g = Group.builder(ssh).hosts(fleet.names()).connect();
            List<TestHost> frozen = List.of(fleet.host("fz3"), fleet.host("fz4"), fleet.host("fz5"));
            try {
                Thread runner = Thread.ofVirtual().start(() -> report.set(g.run("nap", h -> {
                    h.shell("touch /tmp/up; exec sleep " + nap);
                    return null;
                }, RunOptions.defaults().withCancellation(cancel))));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (sleepers(nap) < 5) {
                    assertThat(System.nanoTime()).as("the command never ran on every host").isLessThan(deadline);
                    Thread.sleep(50);
                }
                frozen.forEach(TestHost::pause);
                long t0 = System.nanoTime();
                cancel.cancel("enough");
                runner.join(Duration.ofSeconds(60));
                assertThat(runner.isAlive()).isFalse();
                // one frozen host after another would take 3 x (kill wait + close wait) = over 30 s
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(25));
                assertThat(report.get().results()).hasSize(5).allMatch(r -> r instanceof HostResult.Cancelled);
                long closing = System.nanoTime();
                g.close();
                assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(15));
                // the live hosts' sleeps are gone; the frozen hosts' three cannot be reached
                long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (sleepers(nap) > 3) {
                    assertThat(System.nanoTime()).as("a live host's command survived").isLessThan(gone);
                    Thread.sleep(50);
                }
                for (String h : List.of("fz1", "fz2")) {
                    assertThat(Files.exists(fleet.host(h).tmp().orElseThrow().resolve("up"))).isTrue();
                }
            } finally {
                g.close();
                frozen.forEach(TestHost::resume);
            }
        }
    }

    /** How many {@code sleep NAP} processes run on this machine (the hosts' namespaces are visible from here). */
    private static long sleepers(String nap) {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/sleep")
                && List.of(nap).equals(p.info().arguments().map(List::of).orElse(List.of()))).count();
    }
}
