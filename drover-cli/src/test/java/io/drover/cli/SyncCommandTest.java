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
        // run --retry-failed does not replay a sync, and says what does
        String id = records().getFirst().id();
        var wrong = cli.run("run", "--retry-failed", id);
        assertThat(wrong.code()).as(wrong.toString()).isEqualTo(2);
        assertThat(wrong.err()).contains("was a 'sync', not a 'run'; retry it with drover sync --retry-failed " + id);
    }

    @Test
    void syncRetryFailedSendsTheSameFilesWithTheSameOptionsToTheHostsThatWereNotOk() throws Exception {
        Path v = tree("retried", "again");
        // cs3 refuses the --then command once: the first sync fails there only
        Files.writeString(fleet.host("cs3").tmp().orElseThrow().resolve("refuse-once"), "");
        String then = "if [ -e /tmp/refuse-once ]; then rm /tmp/refuse-once; exit 5; fi; echo v=$(cat version)";
        var first = cli.run("sync", "-F", config, "-H", "cs[1-3]", "--root", "/root/retried", v + "/", "--then", then);
        assertThat(first.code()).as(first.toString()).isEqualTo(1);
        assertThat(first.err()).contains("again on the 1 host not ok: drover sync --retry-failed");
        String firstId = records().getFirst().id();
        Files.writeString(v.resolve("version"), "changed locally since", UTF_8); // the retry sends the files anew
        Files.writeString(home("cs1").resolve("retried/version"), "cs1 untouched by the retry", UTF_8);

        var retry = cli.run("sync", "--retry-failed");
        assertThat(retry.code()).as(retry.toString()).isZero();
        assertThat(retry.out()).contains("cs3 | v=changed locally since").doesNotContain("cs1", "cs2");
        assertThat(Files.readString(home("cs3").resolve("retried/version"))).isEqualTo("changed locally since");
        assertThat(Files.readString(home("cs3").resolve("retried/conf/app.conf"))).isEqualTo("setting=again\n");
        assertThat(Files.readString(home("cs1").resolve("retried/version"))).isEqualTo("cs1 untouched by the retry");
        RunRecord rec = records().getFirst();
        assertThat(rec.command()).isEqualTo("sync");
        assertThat(rec.selection().retryOf()).isNotNull();
        assertThat(rec.options().transfer().root()).isEqualTo("/root/retried");
        assertThat(rec.options().transfer().sources()).containsExactly(new RunRecord.Sent(v.toString(), ""));

        var nothing = cli.run("sync", "--retry-failed");
        assertThat(nothing.code()).isZero();
        assertThat(nothing.err()).contains("nothing to retry");
        var withSources = cli.run("sync", "--retry-failed", "--root", "/root/x", v + "/");
        assertThat(withSources.code()).isEqualTo(2);
        assertThat(withSources.err()).contains("leave out the --root and SRC");
        var upload = cli.run("upload", "--retry-failed", firstId);
        assertThat(upload.code()).isEqualTo(2);
        assertThat(upload.err()).contains("was a 'sync', not an 'upload'; retry it with drover sync");
    }

    @Test
    void uploadRetryFailedReachesAHostThatWasDownAndRelativeSourcesNeedNoWorkingDirectory() throws Exception {
        Path f = Files.createDirectories(tmp.resolve("up/etc/app"));
        Files.writeString(f.resolve("app.conf"), "x=1\n", UTF_8);
        // given relative to this process's working directory; the record keeps it absolute
        String source = Path.of("").toAbsolutePath().relativize(tmp.resolve("up")) + "/./etc/app/app.conf";
        fleet.host("cs4").stop();
        RunRecord rec;
        try {
            var first = cli.run("upload", "-F", config, "-H", "cs[3-4]", "--relative", source, "/root/uploaded");
            assertThat(first.code()).as(first.toString()).isEqualTo(3);
            rec = records().getFirst();
        } finally {
            fleet.host("cs4").start();
        }
        assertThat(rec.options().transfer().sources()).containsExactly(
                new RunRecord.Sent(Path.of(source).toAbsolutePath().toString(), "etc/app/app.conf"));
        assertThat(Path.of(rec.options().transfer().sources().getFirst().path())).isAbsolute();
        var retry = cli.run("upload", "--retry-failed", rec.id());
        assertThat(retry.code()).as(retry.toString()).isZero();
        assertThat(Files.readString(home("cs4").resolve("uploaded/etc/app/app.conf"))).isEqualTo("x=1\n");
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
