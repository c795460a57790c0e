package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.ssh.Ssh;
import io.drover.sync.ClusterLock;
import io.drover.sync.LockOptions;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover lock} as separate drover processes (the built CLI on the test class path) against four real
 * OpenSSH hosts (lc1..lc4): contention between two drovers, release on Ctrl-C, loss when a host freezes.
 */
@Timeout(240)
class LockCommandTest {
    @SshHosts(count = 4, prefix = "lc")
    static SshFleet fleet;
    static String config;

    @TempDir
    Path tmp;

    final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void fleetConfig() {
        assumeTrue(SshFleet.namespacesAvailable(), "needs root with unshare (hosts with their own /tmp)");
        config = fleet.sshConfig().toString();
    }

    @AfterEach
    void noDroverLeft() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        fleet.hosts().forEach(h -> h.resume());
    }

    /** A drover process: {@code java -cp <test class path> io.drover.cli.Main args}, output into files. */
    record Drover(Process process, Path out, Path err) {
        String stderr() throws IOException {
            return Files.readString(err, UTF_8);
        }

        String stdout() throws IOException {
            return Files.readString(out, UTF_8);
        }

        /** Polls stderr until it contains {@code text}; fails when the process ends first or the deadline passes. */
        void awaitStderr(String text, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!stderr().contains(text)) {
                if (!process.isAlive()) {
                    throw new AssertionError("drover exited " + process.exitValue() + " before saying '" + text
                            + "':\n" + stderr());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("drover did not say '" + text + "' within " + timeout + ":\n" + stderr());
                }
                Thread.sleep(50);
            }
        }

        int awaitExit(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("drover still running after " + timeout + ":\n" + stderr());
            }
            return process.exitValue();
        }

        void interrupt() throws Exception {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private Drover drover(String name, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // env restores SIGINT's default: a test run started in the background by a non-interactive shell
        // inherits SIGINT ignored, and a JVM cannot catch a signal it was started ignoring (Ctrl-C tests).
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT", java, "-cp", classPath,
                "io.drover.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());
        Process p = pb.start();
        started.add(p);
        return new Drover(p, out, err);
    }

    /**
     * Lock holder processes of this test's drovers (the hosts' PID namespaces are nested in this one, so they are
     * visible; a holder's command line carries the drover command line, which names this fleet's ssh_config).
     */
    static List<ProcessHandle> holders() {
        return ProcessHandle.allProcesses().filter(p -> {
            String c = p.info().commandLine().orElse("");
            return c.contains("drover-lock") && c.contains(LockOptions.DEFAULT_PATH) && c.contains(config);
        }).toList();
    }

    static void awaitNoHolders(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!holders().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("lock holders left on the hosts: " + holders().stream()
                        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aSecondDroverFailsAtOnceNamingTheHolderAndCtrlCReleasesTheLockEverywhere() throws Exception {
        Drover first = drover("first", "lock", "-F", config, "-H", "lc[1-3]", "--hold");
        first.awaitStderr("holding the cluster lock /tmp/drover.lock on lc[1-3] (3 hosts)", Duration.ofSeconds(90));
        assertThat(holders()).hasSize(3);

        Drover second = drover("second", "lock", "-F", config, "-H", "lc[2-4]", "--hold");
        assertThat(second.awaitExit(Duration.ofSeconds(90))).as("second drover: %s", second.stderr()).isEqualTo(1);
        assertThat(second.stderr())
                .contains("cluster lock /tmp/drover.lock is held on lc2,lc3 by ")
                .contains(" pid " + first.process().pid() + " since ")
                .contains(": drover lock -F " + config + " -H lc[1-3] --hold");
        assertThat(first.process().isAlive()).isTrue();
        // the second drover took lc4 for a moment and gave it back
        assertThat(holders()).hasSize(3);

        first.interrupt();
        assertThat(first.awaitExit(Duration.ofSeconds(60))).as("first drover: %s", first.stderr())
                .isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(first.stderr()).contains("interrupted: releasing the cluster lock /tmp/drover.lock");
        awaitNoHolders(Duration.ofSeconds(20));
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build();
                ClusterLock again = ClusterLock.acquire(ssh, fleet.names(), LockOptions.defaults())) {
            assertThat(again.hosts()).hasSize(4);
        }
    }

    @Test
    void aHolderWhoseHostFreezesLosesTheLockAndExitsFour() throws Exception {
        Drover d = drover("frozen", "lock", "-F", config, "-H", "lc[1-4]", "--hold", "--lock-timeout", "4s");
        d.awaitStderr("holding the cluster lock", Duration.ofSeconds(90));
        fleet.host("lc3").pause();
        try {
            assertThat(d.awaitExit(Duration.ofSeconds(60))).as(d.stderr()).isEqualTo(ExitCodes.LOCK_LOST);
            assertThat(d.stderr()).contains("cluster lock lost on lc3: no heartbeat");
        } finally {
            fleet.host("lc3").resume();
        }
        awaitNoHolders(Duration.ofSeconds(30));
    }

    @Test
    void aLocalCommandRunsWhileTheLockIsHeldAndItsExitCodeIsDrovers() throws Exception {
        Cli cli = Cli.in(tmp.resolve("state"));
        var r = cli.run("lock", "-F", config, "-H", "lc[1-2]", "--", "sh", "-c",
                "echo \"hosts=$DROVER_LOCK_HOSTS file=$DROVER_LOCK_FILE\"; "
                        + "ls /proc/*/cmdline >/dev/null; exit 3");
        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).contains("hosts=lc1,lc2 file=/tmp/drover.lock");
        awaitNoHolders(Duration.ofSeconds(20));
    }

    @Test
    void ctrlCDuringASyncStopsTheRemoteCommandsReleasesTheLockAndExits130() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("f"), "x", UTF_8);
        String nap = "3" + (100_000 + new java.util.Random().nextInt(900_000)); // unique: only our sleeps count
        Drover d = drover("sync", "sync", "-F", config, "-H", "lc[1-2]", "--root", "/root/interrupted", src + "/",
                "--then", "echo started; exec sleep " + nap);
        d.awaitStderr("", Duration.ofSeconds(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(d.stdout().contains("lc1 | started") && d.stdout().contains("lc2 | started"))) {
            assertThat(d.process().isAlive()).as(d.stderr()).isTrue();
            assertThat(System.nanoTime()).as("the --then commands never started: %s", d.stdout()).isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(sleepers(nap)).hasSize(2);
        d.interrupt();
        assertThat(d.awaitExit(Duration.ofSeconds(60))).as(d.stderr()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(d.stderr()).contains("interrupted").contains("cancelled");
        long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!sleepers(nap).isEmpty()) {
            assertThat(System.nanoTime()).as("remote commands left running: %s", sleepers(nap)).isLessThan(gone);
            Thread.sleep(50);
        }
        awaitNoHolders(Duration.ofSeconds(20));
        var runs = new io.drover.cli.runs.RunStore(tmp.resolve("state/drover/runs"),
                java.time.InstantSource.system()).list(10);
        assertThat(runs).singleElement().satisfies(r -> {
            assertThat(r.command()).isEqualTo("sync");
            assertThat(r.interrupted()).isTrue();
            assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERRUPTED);
        });
    }

    @Test
    void ctrlCWhileRunLockWaitsForAHungHostGivesTheLockBackRecordsTheRunAndExits130() throws Exception {
        fleet.host("lc4").pause(); // its TCP handshake completes, its SSH one never does
        try {
            // a connect timeout far beyond the test's wait: only the interrupt can end the wait for lc4
            Drover d = drover("hung", "run", "-F", config, "-o", "ConnectTimeout=600", "-H", "lc[1-4]", "--lock",
                    "--", "touch /tmp/ran-locked");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (holders().size() < 3) {
                assertThat(d.process().isAlive()).as(d.stderr()).isTrue();
                assertThat(System.nanoTime()).as("lc1..lc3 never held the lock: %s", d.stderr()).isLessThan(deadline);
                Thread.sleep(50);
            }
            d.interrupt();
            assertThat(d.awaitExit(Duration.ofSeconds(60))).as(d.stderr()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(d.stderr()).contains("interrupted while taking the cluster lock /tmp/drover.lock")
                    .contains("4 cancelled");
            awaitNoHolders(Duration.ofSeconds(20));
            for (String h : List.of("lc1", "lc2", "lc3")) {
                assertThat(fleet.host(h).tmp().orElseThrow().resolve("ran-locked")).as(h).doesNotExist();
            }
            var runs = new io.drover.cli.runs.RunStore(tmp.resolve("state/drover/runs"),
                    java.time.InstantSource.system()).list(10);
            assertThat(runs).singleElement().satisfies(r -> {
                assertThat(r.interrupted()).isTrue();
                assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERRUPTED);
                assertThat(r.hosts()).hasSize(4).allMatch(h -> h.result().equals("cancelled"));
            });
        } finally {
            fleet.host("lc4").resume();
        }
    }

    /** The {@code sleep NAP} the interrupted sync started on the hosts. */
    static List<ProcessHandle> sleepers(String nap) {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/sleep")
                && List.of(nap).equals(p.info().arguments().map(List::of).orElse(List.of()))).toList();
    }

    @Test
    void lockNeedsHoldOrACommand() {
        Cli cli = Cli.in(tmp.resolve("state"));
        var r = cli.run("lock", "-F", config, "-H", "lc1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--hold, or -- COMMAND");
        var both = cli.run("lock", "-F", config, "-H", "lc1", "--hold", "--", "true");
        assertThat(both.code()).isEqualTo(2);
        var badFile = cli.run("lock", "-F", config, "-H", "lc1", "--hold", "--lock-file", "rel.lock");
        assertThat(badFile.code()).isEqualTo(2);
        assertThat(badFile.err()).contains("--lock-file 'rel.lock' must be an absolute path");
    }
}
