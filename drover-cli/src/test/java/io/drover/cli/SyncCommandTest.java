package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.cli.runs.RunRecord;
import io.drover.cli.runs.RunStore;
import io.drover.ssh.Ssh;
import io.drover.sync.ClusterLock;
import io.drover.sync.LockOptions;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code drover sync} and {@code drover upload} in-process against four real OpenSSH hosts (cs1..cs4). */
@Timeout(180)
class SyncCommandTest {
    @SshHosts(count = 4, prefix = "cs")
    static SshFleet fleet;
    static String config;

    @TempDir
    Path tmp;

    Cli cli;

    @BeforeAll
    static void fleetConfig() {
        assumeTrue(SshFleet.namespacesAvailable(),
                "needs root with unshare (hosts with their own hostname, /root and /tmp)");
        config = fleet.sshConfig().toString();
    }

    @BeforeEach
    void setUp() {
        cli = Cli.in(tmp.resolve("state"));
    }

    static Path home(String host) {
        return fleet.host(host).home().orElseThrow();
    }

    private Path tree(String name, String content) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("version"), content, UTF_8);
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/app.conf"), "setting=" + content + "\n", UTF_8);
        return dir;
    }

    private List<RunRecord> records() {
        return new RunStore(tmp.resolve("state/drover/runs"), InstantSource.system()).list(100);
    }

    @Test
    void syncReplacesTheTreeOnEveryHostAndIsRecorded() throws Exception {
        Path v1 = tree("v1", "one");
        var r = cli.run("sync", "-F", config, "-H", "cs[1-4]", "--root", "/root/app", v1 + "/");
        assertThat(r.code()).as(r.toString()).isZero();
        for (String h : fleet.names()) {
            assertThat(Files.readString(home(h).resolve("app/version"))).isEqualTo("one");
            assertThat(Files.readString(home(h).resolve("app/conf/app.conf"))).isEqualTo("setting=one\n");
        }
        assertThat(r.err()).contains("4").contains("ok");
        assertThat(records()).singleElement().satisfies(rec -> {
            assertThat(rec.command()).isEqualTo("sync");
            assertThat(rec.args()).containsExactly("--root", "/root/app", v1 + "/");
            assertThat(rec.exitCode()).isZero();
            assertThat(rec.hosts()).hasSize(4).allMatch(RunRecord.HostEntry::ok);
        });
    }

    @Test
    void uploadAddsTheFilesUnderDestAndKeepsWhatWasThere() throws Exception {
        Files.createDirectories(home("cs2").resolve("etc-up"));
        Files.writeString(home("cs2").resolve("etc-up/keep"), "kept", UTF_8);
        Path conf = tree("up", "u");
        var r = cli.run("upload", "-F", config, "-H", "cs2", conf.resolve("conf").toString(),
                conf.resolve("version").toString(), "/root/etc-up");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(Files.readString(home("cs2").resolve("etc-up/keep"))).isEqualTo("kept");
        assertThat(Files.readString(home("cs2").resolve("etc-up/version"))).isEqualTo("u");
        assertThat(Files.readString(home("cs2").resolve("etc-up/conf/app.conf"))).isEqualTo("setting=u\n");
    }

    @Test
    void aThenCommandFailingOnOneHostExitsOneAndShowsTheOutputWithHostPrefixes() throws Exception {
        Path v = tree("v", "then");
        var r = cli.run("sync", "-F", config, "-H", "cs[1-3]", "--root", "/root/then", v + "/", "--then",
                "echo v=$(cat version); [ $(hostname) != cs2 ]");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("cs1").contains("v=then");
        assertThat(r.err()).contains("cs2");
        assertThat(records()).singleElement().satisfies(rec -> assertThat(rec.hosts())
                .filteredOn(h -> !h.ok()).extracting(RunRecord.HostEntry::host).containsExactly("cs2"));
        // run --retry-failed does not replay a sync, and says how to redo it where it failed
        var retry = cli.run("run", "--retry-failed");
        assertThat(retry.code()).as(retry.toString()).isEqualTo(2);
        assertThat(retry.err()).contains("was a 'sync', not a 'run'")
                .contains("give the same drover sync with -H 'cs2'");
    }

    @Test
    void aSyncIsRefusedAtOnceWhenAnotherDroverHoldsTheLockAndChangesNothing() throws Exception {
        Path v1 = tree("v1", "before");
        assertThat(cli.run("sync", "-F", config, "-H", "cs[1-4]", "--root", "/root/locked", v1 + "/").code()).isZero();
        Path v2 = tree("v2", "after");
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build();
                ClusterLock held = ClusterLock.acquire(ssh, List.of("cs3"),
                        LockOptions.builder().command("maintenance window").build())) {
            var r = cli.run("sync", "-F", config, "-H", "cs[1-4]", "--root", "/root/locked", v2 + "/");
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("cluster lock /tmp/drover.lock is held on cs3 by " + held.holderLine());
            for (String h : fleet.names()) {
                assertThat(Files.readString(home(h).resolve("locked/version"))).isEqualTo("before");
            }
            var unlocked = cli.run("sync", "-F", config, "-H", "cs[1-4]", "--root", "/root/locked", v2 + "/",
                    "--no-lock");
            assertThat(unlocked.code()).as(unlocked.toString()).isZero();
            assertThat(Files.readString(home("cs3").resolve("locked/version"))).isEqualTo("after");
        }
    }

    @Test
    void aSyncWhoseLockIsLostStopsTheHostsAndExitsFour() throws Exception {
        Path v = tree("v", "lost");
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run("sync", "-F", config, "-H",
                "cs[1-4]", "--root", "/root/lose", v + "/", "--lock-timeout", "4s", "--then",
                "touch /tmp/then-started; sleep 60"));
        Path marker = fleet.host("cs4").tmp().orElseThrow().resolve("then-started");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(marker)) {
            assertThat(System.nanoTime()).as("the --then command never started").isLessThan(deadline);
            assertThat(run).isNotDone();
            Thread.sleep(50);
        }
        fleet.host("cs4").pause();
        try {
            var r = run.get(90, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("cluster lock lost on cs4");
            assertThat(records()).singleElement().satisfies(rec -> assertThat(rec.exitCode()).isEqualTo(4));
        } finally {
            fleet.host("cs4").resume();
        }
    }

    @Test
    void badInputExitsTwoBeforeContactingAnyHost() throws Exception {
        Path v = tree("v", "x");
        var relative = cli.run("sync", "-F", config, "-H", "cs1", "--root", "srv/app", v + "/");
        assertThat(relative.code()).isEqualTo(2);
        assertThat(relative.err()).contains("'srv/app' must be absolute");
        var missing = cli.run("sync", "-F", config, "-H", "cs1", "--root", "/srv/app", tmp.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope does not exist");
        var noDest = cli.run("upload", "-F", config, "-H", "cs1", v.toString());
        assertThat(noDest.code()).isEqualTo(2);
        var noRoot = cli.run("sync", "-F", config, "-H", "cs1", v.toString());
        assertThat(noRoot.code()).isEqualTo(2);
        assertThat(noRoot.err()).contains("--root");
        var contradiction = cli.run("sync", "-F", config, "-H", "cs1", "--root", "/root/x", "--no-lock", "--lock",
                v.toString());
        assertThat(contradiction.code()).isEqualTo(2);
        assertThat(contradiction.err()).contains("--no-lock contradicts --lock");
        assertThat(records()).isEmpty();
    }

    @Test
    void everyNewCommandHasExamplesInItsHelp() {
        for (String c : List.of("sync", "upload", "lock")) {
            var r = cli.run(c, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Examples:").contains("drover " + c + " -");
        }
        assertThat(cli.run("--help").out()).contains("sync").contains("upload").contains("lock");
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
