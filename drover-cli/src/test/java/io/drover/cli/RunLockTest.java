package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.ssh.Ssh;
import io.drover.sync.ClusterLock;
import io.drover.sync.LockOptions;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code drover run --lock} in-process against three real OpenSSH hosts (rl1..rl3). */
@Timeout(180)
class RunLockTest {
    @SshHosts(count = 3, prefix = "rl")
    static SshFleet fleet;

    @TempDir
    Path tmp;

    Cli cli;
    String config;

    @BeforeEach
    void setUp() {
        assumeTrue(SshFleet.namespacesAvailable(), "needs root with unshare (hosts with their own /tmp)");
        cli = Cli.in(tmp.resolve("state"));
        config = fleet.sshConfig().toString();
    }

    @Test
    void aRunWithLockHoldsTheLockFileOnEveryHostWhileTheCommandRuns() {
        var r = cli.run("run", "-F", config, "-H", "rl[1-3]", "--lock", "--",
                "flock -n /tmp/drover.lock true && echo free || echo held");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("rl1 | held", "rl2 | held", "rl3 | held").doesNotContain("free");
        var after = cli.run("run", "-F", config, "-H", "rl[1-3]", "--", "flock -n /tmp/drover.lock true && echo free");
        assertThat(after.code()).as(after.toString()).isZero();
        assertThat(after.out()).contains("rl1 | free", "rl2 | free", "rl3 | free");
    }

    @Test
    void aRunWithLockIsRefusedAtOnceWhenAnotherHoldsItAndRunsNothing() throws Exception {
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build();
                ClusterLock held = ClusterLock.acquire(ssh, List.of("rl2"),
                        LockOptions.builder().command("maintenance window")
                                // a loaded machine must not make the holder give the lock up mid-test
                                .heartbeat(Duration.ofSeconds(1), Duration.ofMinutes(5)).build())) {
            var r = cli.run("run", "-F", config, "-H", "rl[1-3]", "--lock", "--", "touch /tmp/ran");
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("cluster lock /tmp/drover.lock is held on rl2 by " + held.holderLine());
            for (String h : fleet.names()) {
                assertThat(fleet.host(h).tmp().orElseThrow().resolve("ran")).doesNotExist();
            }
        }
    }

    @Test
    void aRunWhoseLockIsLostStopsAndExitsFour() throws Exception {
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run("run", "-F", config, "-H",
                "rl[1-3]", "--lock", "--lock-timeout", "4s", "--", "touch /tmp/started; sleep 60"));
        Path marker = fleet.host("rl3").tmp().orElseThrow().resolve("started");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(marker)) {
            assertThat(System.nanoTime()).as("the command never started").isLessThan(deadline);
            assertThat(run).isNotDone();
            Thread.sleep(50);
        }
        fleet.host("rl3").pause();
        try {
            var r = run.get(90, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("cluster lock lost on rl3");
        } finally {
            fleet.host("rl3").resume();
        }
    }
}
