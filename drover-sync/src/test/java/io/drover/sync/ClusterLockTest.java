package io.drover.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.api.HostResult;
import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import io.drover.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cluster lock on five real OpenSSH hosts, each with its own /tmp. */
@Timeout(120)
class ClusterLockTest {
    @SshHosts(count = 5, prefix = "lk")
    static SshFleet fleet;
    static Ssh ssh;
    static Ssh otherSsh;

    @BeforeAll
    static void clients() {
        assumeTrue(SshFleet.namespacesAvailable(), "needs namespaces (root): hosts with their own /tmp");
        ssh = fleet.closing(Ssh.builder().configFile(fleet.sshConfig()).build());
        otherSsh = fleet.closing(Ssh.builder().configFile(fleet.sshConfig()).build());
    }

    @AfterEach
    void everyHostIsBackAndUnlocked() throws Exception {
        long t0 = System.nanoTime();
        for (TestHost h : fleet.hosts()) {
            if (!h.isRunning()) {
                h.start();
            }
        }
        awaitNoHolderProcesses(fleet.names(), Duration.ofSeconds(20));
        System.out.println("after each: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /** Lock options whose holder line names this fleet, so that only this test's holders are counted. */
    static LockOptions.Builder options(String command) {
        return LockOptions.builder().command(command + " @" + fleet.directory())
                .heartbeat(Duration.ofMillis(500), Duration.ofSeconds(5));
    }

    /**
     * This test's lock holder processes on the hosts (all visible from here: the hosts' PID namespaces are nested in
     * ours; other drovers on this machine are told apart by the fleet directory in the holder line).
     */
    static List<ProcessHandle> holderProcesses() {
        return ProcessHandle.allProcesses().filter(p -> {
            String c = p.info().commandLine().orElse("");
            return c.contains("drover-lock") && c.contains(fleet.directory().toString());
        }).toList();
    }

    static void awaitNoHolderProcesses(List<String> hosts, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!holderProcesses().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("lock holders still running: " + holderProcesses().stream()
                        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aSecondLockOnOverlappingHostsFailsAtOnceNamingTheHolderAndReleasesWhatItTook() throws Exception {
        try (ClusterLock first = ClusterLock.acquire(ssh, List.of("lk3", "lk4"), options("deploy v1").build())) {
            assertThat(first.hosts()).containsExactly("lk3", "lk4");
            assertThat(Files.readString(fleet.host("lk3").tmp().orElseThrow().resolve("drover.lock")))
                    .isEqualTo(first.holderLine() + "\n").contains("deploy v1").contains(" pid ")
                    .contains(System.getProperty("user.name") + "@");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> ClusterLock.acquire(otherSsh, fleet.names(), options("deploy v2").build()))
                    .isInstanceOfSatisfying(ClusterLockException.class, e -> {
                        assertThat(e.busy()).isTrue();
                        assertThat(e.unreachable()).isFalse();
                        assertThat(e.holders()).containsOnlyKeys("lk3", "lk4");
                        assertThat(e.holders().get("lk3")).isEqualTo(first.holderLine());
                        assertThat(e.getMessage()).contains("held on lk3,lk4 by " + first.holderLine());
                        assertThat(e.results()).hasSize(5);
                        assertThat(e.results().get(0).isOk()).isTrue();
                        assertThat(e.results().get(2)).isInstanceOf(HostResult.Failed.class);
                    });
            // "at once": no waiting for the holder (the bound is generous for a loaded machine)
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
            // the refused attempt released lk1, lk2 and lk5 again: a third drover takes them
            try (ClusterLock third = ClusterLock.acquire(otherSsh, List.of("lk1", "lk2", "lk5"),
                    options("third").build())) {
                assertThat(third.isLost()).isFalse();
            }
            assertThat(first.isLost()).isFalse();
        }
    }

    @Test
    void interruptingAnAcquireThatWaitsForAHungHostCancelsItAndReleasesTheOthers() throws Exception {
        fleet.host("lk5").pause(); // its TCP handshake completes, its SSH one never does
        try (Ssh patient = Ssh.builder().configFile(fleet.sshConfig()).option("ConnectTimeout", "600").build()) {
            java.util.concurrent.CompletableFuture<Throwable> failure = new java.util.concurrent.CompletableFuture<>();
            Thread taker = Thread.ofVirtual().start(() -> {
                try {
                    ClusterLock.acquire(patient, fleet.names(), options("patient").build()).close();
                    failure.complete(null);
                } catch (Throwable t) {
                    failure.complete(t);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (holderProcesses().size() < 4) {
                assertThat(System.nanoTime()).as("lk1..lk4 never held the lock").isLessThan(deadline);
                Thread.sleep(50);
            }
            taker.interrupt();
            // far sooner than the 600 s connect timeout: the wait for lk5 is given up
            Throwable t = failure.get(60, TimeUnit.SECONDS);
            assertThat(t).isInstanceOfSatisfying(ClusterLockException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("interrupted while taking the cluster lock /tmp/drover.lock");
                assertThat(e.results().get(4)).isInstanceOf(HostResult.Cancelled.class);
                assertThat(e.busy()).isFalse();
            });
            awaitNoHolderProcesses(fleet.names(), Duration.ofSeconds(20));
        } finally {
            fleet.host("lk5").resume();
        }
    }

    @Test
    void closingTheLockEndsEveryHolderProcessAndFreesTheLock() throws Exception {
        ClusterLock lock = ClusterLock.acquire(ssh, fleet.names(), options("hold").build());
        assertThat(holderProcesses()).hasSize(5);
        lock.close();
        awaitNoHolderProcesses(fleet.names(), Duration.ofSeconds(10));
        try (ClusterLock again = ClusterLock.acquire(otherSsh, fleet.names(), options("again").build())) {
            assertThat(again.hosts()).hasSize(5);
        }
    }

    @Test
    void releasingWhileAHostIsFrozenDoesNotWaitForItAndFreesTheOthers() throws Exception {
        ClusterLock lock = ClusterLock.acquire(ssh, fleet.names(), options("frozen release").build());
        fleet.host("lk5").pause();
        try {
            Thread.sleep(3000); // six heartbeats missed, still short of the 5 s heartbeat timeout: not lost yet
            assertThat(lock.isLost()).isFalse();
            long t0 = System.nanoTime();
            lock.close();
            // waiting for lk5's holder to end politely, then for its kill, took 5 s before
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
            try (ClusterLock again = ClusterLock.acquire(otherSsh, List.of("lk1", "lk2", "lk3", "lk4"),
                    options("again").build())) {
                assertThat(again.hosts()).hasSize(4);
            }
        } finally {
            fleet.host("lk5").resume();
        }
    }

    @Test
    void aPausedHostLosesTheLockWithinTheHeartbeatTimeout() throws Exception {
        try (ClusterLock lock = ClusterLock.acquire(ssh, fleet.names(), options("pause").build())) {
            var lost = lock.lost();
            // healthy for several heartbeat timeouts first
            assertThat(lost.completeOnTimeout(null, 3, TimeUnit.SECONDS).get()).isNull();
            assertThat(lock.isLost()).isFalse();
            long paused = System.nanoTime();
            fleet.host("lk2").pause();
            try {
                LockLoss loss = lock.lost().get(30, TimeUnit.SECONDS);
                System.out.println("lock loss noticed " + (System.nanoTime() - paused) / 1_000_000
                        + " ms after pause");
                assertThat(loss.host()).isEqualTo("lk2");
                assertThat(loss.reason()).contains("no heartbeat");
                assertThat(lock.loss()).contains(loss);
            } finally {
                fleet.host("lk2").resume();
            }
        }
    }

    @Test
    void aHostThatDiesLosesTheLock() throws Exception {
        try (ClusterLock lock = ClusterLock.acquire(ssh, fleet.names(), options("die").build())) {
            long killed = System.nanoTime();
            fleet.host("lk5").kill();
            LockLoss loss = lock.lost().get(30, TimeUnit.SECONDS);
            System.out.println("lock loss noticed " + (System.nanoTime() - killed) / 1_000_000 + " ms after kill: "
                    + loss.reason());
            assertThat(loss.host()).isEqualTo("lk5");
        }
    }

    @Test
    void removingTheLockFileUnderTheHolderLosesTheLock() throws Exception {
        try (ClusterLock lock = ClusterLock.acquire(ssh, List.of("lk1"), options("rm").build())) {
            Files.delete(fleet.host("lk1").tmp().orElseThrow().resolve("drover.lock"));
            LockLoss loss = lock.lost().get(30, TimeUnit.SECONDS);
            assertThat(loss.reason()).contains("removed or replaced");
        }
    }

    @Test
    void anUnreachableHostFailsTheLockAndTheOthersAreReleased() throws Exception {
        fleet.host("lk4").stop();
        assertThatThrownBy(() -> ClusterLock.acquire(ssh, fleet.names(), options("x").build()))
                .isInstanceOfSatisfying(ClusterLockException.class, e -> {
                    assertThat(e.unreachable()).isTrue();
                    assertThat(e.busy()).isFalse();
                    assertThat(e.getMessage()).contains("lk4 (unreachable");
                });
        awaitNoHolderProcesses(fleet.names(), Duration.ofSeconds(10));
    }

    @Test
    void aLockFileThatCannotBeOpenedIsReportedWithTheReason() {
        assertThatThrownBy(() -> ClusterLock.acquire(ssh, List.of("lk1"),
                options("x").path("/nonexistent-dir/drover.lock").build()))
                .isInstanceOfSatisfying(ClusterLockException.class, e -> assertThat(e.getMessage())
                        .contains("cannot open the lock file /nonexistent-dir/drover.lock: ")
                        .containsAnyOf("No such file or directory", "Directory nonexistent"));
    }

    @Test
    void aDirectoryCanBeTheLockTargetThoughItNamesNoHolder() throws Exception {
        try (ClusterLock first = ClusterLock.acquire(ssh, List.of("lk1"), options("dir").path("/root").build())) {
            assertThatThrownBy(() -> ClusterLock.acquire(otherSsh, List.of("lk1"), options("dir2").path("/root")
                    .build())).isInstanceOfSatisfying(ClusterLockException.class, e -> {
                        assertThat(e.busy()).isTrue();
                        assertThat(e.getMessage()).contains("cluster lock /root is held on lk1 by an unknown holder");
                    });
            assertThat(first.isLost()).isFalse();
        }
    }

    @Test
    void badLockOptionsAreRefused() {
        assertThatThrownBy(() -> LockOptions.builder().path("relative.lock")).isInstanceOf(SyncException.class)
                .hasMessageContaining("'relative.lock' must be an absolute path");
        assertThatThrownBy(() -> LockOptions.builder().heartbeat(Duration.ofSeconds(2), Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least twice");
        assertThatThrownBy(() -> ClusterLock.acquire(ssh, List.of(), LockOptions.defaults()))
                .isInstanceOf(SyncException.class);
    }

    static Path tmpOf(String host) {
        return fleet.host(host).tmp().orElseThrow();
    }
}
