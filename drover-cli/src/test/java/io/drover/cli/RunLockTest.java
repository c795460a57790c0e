package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.cli.runs.RunRecord;
import io.drover.cli.runs.RunStore;
import io.drover.ssh.Ssh;
import io.drover.sync.ClusterLock;
import io.drover.sync.LockOptions;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import io.drover.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    void aRunWithLockIsRefusedAtOnceWhenAnotherHoldsItRunsNothingAndIsRetriedOnceTheLockIsFree() throws Exception {
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build();
                ClusterLock held = ClusterLock.acquire(ssh, List.of("rl2"),
                        LockOptions.builder().command("maintenance window")
                                // a loaded machine must not make the holder give the lock up mid-test
                                .heartbeat(Duration.ofSeconds(1), Duration.ofMinutes(5)).build())) {
            var r = cli.run("run", "-F", config, "-H", "rl[1-3]", "--lock", "--",
                    "flock -n /tmp/drover.lock true && echo free || echo held; touch /tmp/ran");
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("cluster lock /tmp/drover.lock is held on rl2 by " + held.holderLine())
                    .contains("recorded, nothing was run").contains("drover run --retry-failed");
            for (String h : fleet.names()) {
                assertThat(fleet.host(h).tmp().orElseThrow().resolve("ran")).doesNotExist();
            }
            RunRecord refused = new RunStore(cli.env().stateDir().resolve("runs"), InstantSource.system())
                    .find("last");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.options().lock()).isEqualTo(new RunRecord.Lock("/tmp/drover.lock", null));
            assertThat(refused.hosts()).extracting(RunRecord.HostEntry::host, RunRecord.HostEntry::result)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("rl1", "skipped"),
                            org.assertj.core.groups.Tuple.tuple("rl2", "failed"),
                            org.assertj.core.groups.Tuple.tuple("rl3", "skipped"));
            assertThat(refused.hosts().get(1).error()).contains("held by " + held.holderLine());
        }
        // the holder is gone: the retry runs on every host, under the lock again
        var retry = cli.run("run", "--retry-failed");
        assertThat(retry.code()).as(retry.toString()).isZero();
        assertThat(retry.out()).contains("rl1 | held", "rl2 | held", "rl3 | held").doesNotContain("free");
        for (String h : fleet.names()) {
            assertThat(fleet.host(h).tmp().orElseThrow().resolve("ran")).exists();
            Files.delete(fleet.host(h).tmp().orElseThrow().resolve("ran"));
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

    @Test
    void aRunWithLockConnectsToEveryHostOnceForTheLockAndTheCommand() {
        Map<String, Long> accepted = new HashMap<>();
        Map<String, Long> connections = new HashMap<>();
        for (String h : fleet.names()) {
            accepted.put(h, count(fleet.host(h), "Accepted publickey"));
            connections.put(h, count(fleet.host(h), "Connection from"));
        }
        var r = cli.run("run", "-F", config, "-H", "rl[1-3]", "--lock", "--",
                "flock -n /tmp/drover.lock true && echo free || echo held");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("rl1 | held", "rl2 | held", "rl3 | held");
        for (String h : fleet.names()) {
            assertThat(count(fleet.host(h), "Connection from") - connections.get(h)).as(h + " connections")
                    .isEqualTo(1);
            assertThat(count(fleet.host(h), "Accepted publickey") - accepted.get(h)).as(h + " logins").isEqualTo(1);
        }
    }

    @Test
    void aRetriedLockedRunTakesTheSameLockAgainOnTheHostsThatFailed() throws Exception {
        // rl2 fails the first time only; every run says whether the lock file is held while it runs
        Files.writeString(fleet.host("rl2").tmp().orElseThrow().resolve("fail-once"), "");
        String command = "flock -n /tmp/retry.lock true && echo free || echo held; "
                + "if [ -e /tmp/fail-once ]; then rm /tmp/fail-once; exit 3; fi";
        var first = cli.run("run", "-F", config, "-H", "rl[1-3]", "--lock-file", "/tmp/retry.lock", "--lock-timeout",
                "30s", "--", command);
        assertThat(first.code()).as(first.toString()).isEqualTo(1);
        assertThat(first.out()).contains("rl1 | held", "rl2 | held", "rl3 | held").doesNotContain("free");

        var retry = cli.run("run", "--retry-failed");
        assertThat(retry.code()).as(retry.toString()).isZero();
        assertThat(retry.out()).contains("rl2 | held").doesNotContain("free", "rl1", "rl3");
        RunStore store = new RunStore(cli.env().stateDir().resolve("runs"), InstantSource.system());
        List<RunRecord> records = store.list(2);
        assertThat(records).extracting(rec -> rec.options().lock())
                .containsExactly(new RunRecord.Lock("/tmp/retry.lock", "30000ms"),
                        new RunRecord.Lock("/tmp/retry.lock", "30000ms"));

        var unlocked = cli.run("run", "--retry-failed", records.get(1).id(), "--no-lock");
        assertThat(unlocked.code()).as(unlocked.toString()).isZero();
        assertThat(unlocked.out()).contains("rl2 | free").doesNotContain("held");
    }

    @Test
    void aRecordWrittenBeforeLocksWereRecordedIsRetriedWithoutALock() throws Exception {
        Path runs = cli.env().stateDir().resolve("runs");
        Files.createDirectories(runs);
        Files.writeString(runs.resolve("20261122-052850-745.json"), """
                {
                  "version" : 1, "id" : "20261122-052850-745", "started" : "2026-11-22T05:28:50.745521583Z",
                  "duration_ms" : 688, "command" : "run",
                  "args" : [ "flock -n /tmp/drover.lock true && echo free || echo held" ],
                  "selection" : { "hosts" : [ "rl1" ], "host_files" : [ ], "stdin_hosts" : false, "inventory" : null,
                    "limit" : null, "exclude" : [ ], "retry_of" : null },
                  "options" : { "ssh_config" : "%s", "user" : null, "port" : null, "ssh_options" : [ ],
                    "parallel" : null, "timeout" : null, "connect_timeout" : null, "sudo" : false, "cd" : null,
                    "env" : [ ], "stdin" : null, "pty" : false, "fail_fast" : false, "max_failures" : null },
                  "interrupted" : false, "exit_code" : 3,
                  "hosts" : [ { "host" : "rl1", "destination" : "rl1", "result" : "unreachable", "exit_code" : null,
                    "signal" : null, "duration_ms" : 0, "error" : "Connection refused" } ]
                }
                """.formatted(config));
        // held by someone else: a locked run would be refused; the old record's retry takes no lock and runs
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build();
                ClusterLock held = ClusterLock.acquire(ssh, List.of("rl1"), LockOptions.builder().command("other")
                        .heartbeat(Duration.ofSeconds(1), Duration.ofMinutes(5)).build())) {
            var r = cli.run("run", "--retry-failed");
            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(r.out()).contains("rl1 | held");
            assertThat(new RunStore(runs, InstantSource.system()).find("last").options().lock()).isNull();
        }
    }

    static long count(TestHost h, String needle) {
        return h.log().lines().filter(l -> l.contains(needle)).count();
    }
}
