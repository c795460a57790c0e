package io.drover.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import io.drover.testkit.TestHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Uploads and syncs to five real OpenSSH hosts, each with its own /root, checked file by file. */
@Timeout(180)
class FileSyncTest {
    @SshHosts(count = 5, prefix = "fs")
    static SshFleet fleet;
    static Ssh ssh;

    @TempDir
    Path tmp;

    @BeforeAll
    static void client() {
        assumeTrue(SshFleet.namespacesAvailable(), "needs namespaces (root): hosts with their own /root");
        ssh = fleet.closing(Ssh.builder().configFile(fleet.sshConfig()).build());
    }

    @AfterEach
    void everyHostIsBack() {
        for (TestHost h : fleet.hosts()) {
            if (!h.isRunning()) {
                h.start();
            }
            h.resume();
        }
    }

    static Path home(String host) {
        return fleet.host(host).home().orElseThrow();
    }

    static Map<String, String> remote(String host, String dir) {
        return TreeSnapshot.of(home(host).resolve(dir));
    }

    /** Stages and set-aside trees a sync of /root/ROOT left on the host. */
    static List<String> leftovers(String host, String root) throws IOException {
        try (Stream<Path> s = Files.list(home(host))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".drover-stage." + root + ".")
                    || n.startsWith(".drover-old." + root + ".")).toList();
        }
    }

    @Test
    void aSyncGivesEveryHostTheSameTreeWithModesMtimesSymlinksAndLongNames() throws Exception {
        Path src = SampleTree.create(tmp.resolve("v1"), 1);
        RunReport<Void> report = FileSync.sync(ssh).hosts(fleet.names()).sources(List.of(Source.contentsOf(src)))
                .root("/root/app").build().run();
        assertThat(report.problems()).isEmpty();
        Map<String, String> expected = TreeSnapshot.of(src);
        for (String h : fleet.names()) {
            assertThat(remote(h, "app")).as(h).isEqualTo(expected);
            assertThat(leftovers(h, "app")).as(h).isEmpty();
        }
    }

    @Test
    void aSecondSyncReplacesTheWholeTreeSoRemovedFilesDisappear() throws Exception {
        Path v1 = Files.createDirectories(tmp.resolve("v1"));
        SampleTree.write(v1.resolve("old-only"), "old");
        SampleTree.write(v1.resolve("both"), "one");
        Path v2 = Files.createDirectories(tmp.resolve("v2"));
        SampleTree.write(v2.resolve("both"), "two");
        List<String> hosts = fleet.names().subList(0, 2);
        assertThat(FileSync.sync(ssh).hosts(hosts).sources(List.of(Source.contentsOf(v1))).root("/root/site")
                .build().run().allOk()).isTrue();
        assertThat(FileSync.sync(ssh).hosts(hosts).sources(List.of(Source.contentsOf(v2))).root("/root/site")
                .build().run().allOk()).isTrue();
        for (String h : hosts) {
            assertThat(remote(h, "site")).isEqualTo(TreeSnapshot.of(v2));
            assertThat(leftovers(h, "site")).isEmpty();
        }
    }

    @Test
    void aHostKilledMidSyncKeepsItsOldTreeWhileTheOthersGetTheNewOne() throws Exception {
        Path v1 = SampleTree.create(tmp.resolve("v1"), 1);
        assertThat(FileSync.sync(ssh).hosts(fleet.names()).sources(List.of(Source.contentsOf(v1))).root("/root/big")
                .build().run().allOk()).isTrue();
        Map<String, String> old = TreeSnapshot.of(v1);

        Path v2 = SampleTree.create(tmp.resolve("v2"), 2);
        byte[] large = new byte[48 * 1024 * 1024];
        new Random(7).nextBytes(large);
        Files.write(v2.resolve("large.bin"), large);
        AtomicBoolean killed = new AtomicBoolean();
        RunReport<Void> report = FileSync.sync(ssh).hosts(fleet.names()).sources(List.of(Source.contentsOf(v2)))
                .root("/root/big").listener(e -> {
                    // fs3 dies for good once it has taken 16 MiB of the 48 MiB: strictly mid-transfer
                    if (e instanceof DroverEvent.BytesTransferred b && b.host().equals("fs3")
                            && b.done() >= 16L * 1024 * 1024 && killed.compareAndSet(false, true)) {
                        fleet.host("fs3").kill();
                    }
                }).build().run();

        assertThat(killed).isTrue();
        assertThat(report.result("fs3").orElseThrow()).isInstanceOf(HostResult.Unreachable.class);
        assertThat(report.results()).filteredOn(r -> !r.host().equals("fs3")).allMatch(HostResult::isOk);
        Map<String, String> fresh = TreeSnapshot.of(v2);
        for (String h : List.of("fs1", "fs2", "fs4", "fs5")) {
            assertThat(remote(h, "big")).as(h).isEqualTo(fresh);
        }
        fleet.host("fs3").start();
        assertThat(remote("fs3", "big")).isEqualTo(old);
        assertThat(leftovers("fs3", "big")).singleElement().asString().startsWith(".drover-stage.big.");

        // the next sync reaches fs3 and cleans up after the interrupted one
        assertThat(FileSync.sync(ssh).hosts(List.of("fs3")).sources(List.of(Source.contentsOf(v2)))
                .root("/root/big").build().run().allOk()).isTrue();
        assertThat(remote("fs3", "big")).isEqualTo(fresh);
        assertThat(leftovers("fs3", "big")).isEmpty();
    }

    @Test
    void aHostThatFreezesMidTransferIsDroppedAfterTheStallTimeoutAndTheOthersFinish() throws Exception {
        Path v = SampleTree.create(tmp.resolve("v"), 3);
        byte[] large = new byte[48 * 1024 * 1024];
        new Random(9).nextBytes(large);
        Files.write(v.resolve("large.bin"), large);
        AtomicBoolean paused = new AtomicBoolean();
        RunReport<Void> report;
        try {
            report = FileSync.sync(ssh).hosts(fleet.names()).sources(List.of(Source.contentsOf(v)))
                    .root("/root/stall").stallTimeout(java.time.Duration.ofSeconds(10)).listener(e -> {
                        if (e instanceof DroverEvent.BytesTransferred b && b.host().equals("fs2")
                                && b.done() >= 8L * 1024 * 1024 && paused.compareAndSet(false, true)) {
                            fleet.host("fs2").pause();
                        }
                    }).build().run();
        } finally {
            fleet.host("fs2").resume();
        }
        assertThat(paused).isTrue();
        assertThat(report.result("fs2").orElseThrow()).isInstanceOfSatisfying(HostResult.TimedOut.class,
                t -> assertThat(t.timeout()).isEqualTo(java.time.Duration.ofSeconds(10)));
        Map<String, String> expected = TreeSnapshot.of(v);
        for (String h : List.of("fs1", "fs3", "fs4", "fs5")) {
            assertThat(report.result(h).orElseThrow().isOk()).as("%s", report).isTrue();
            assertThat(remote(h, "stall")).as(h).isEqualTo(expected);
        }
        assertThat(Files.exists(home("fs2").resolve("stall"))).isFalse();
    }

    @Test
    void aSwitchCutShortBetweenItsTwoRenamesIsRepairedByTheNextRun() throws Exception {
        Path v1 = Files.createDirectories(tmp.resolve("v1"));
        SampleTree.write(v1.resolve("version"), "1");
        assertThat(FileSync.sync(ssh).hosts(List.of("fs1")).sources(List.of(Source.contentsOf(v1)))
                .root("/root/cut").build().run().allOk()).isTrue();
        // what a switch leaves when it dies after moving the old tree aside and before moving the new one in
        Files.move(home("fs1").resolve("cut"), home("fs1").resolve(".drover-old.cut.0123456789ab"));
        Files.createDirectories(home("fs1").resolve(".drover-stage.cut.0123456789ab"));
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        RunReport<Void> failing = FileSync.sync(ssh).hosts(List.of("fs1")).sources(List.of(Source.contentsOf(broken)))
                .root("/root/cut").then("exit 3").build().run();
        // the run first put the old tree back, then synced (and its --then failed, which does not undo the sync)
        assertThat(failing.result("fs1").orElseThrow()).isInstanceOf(HostResult.Failed.class);
        assertThat(leftovers("fs1", "cut")).isEmpty();
        assertThat(Files.exists(home("fs1").resolve("cut"))).isTrue();
    }

    @Test
    void withAllOrNothingNoHostSwitchesWhenOneFailedToStage() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("aon"));
        SampleTree.write(src.resolve("f"), "new");
        // on fs2 the root's parent is a file: staging fails there
        SampleTree.write(home("fs2").resolve("aon"), "in the way");
        RunReport<Void> strict = FileSync.sync(ssh).hosts(List.of("fs1", "fs2")).sources(List.of(
                Source.contentsOf(src))).root("/root/aon/app").allOrNothing(true).build().run();
        assertThat(strict.result("fs2").orElseThrow()).isInstanceOfSatisfying(HostResult.Failed.class,
                f -> assertThat(f.message()).contains("extracting failed"));
        assertThat(strict.result("fs1").orElseThrow()).isInstanceOfSatisfying(HostResult.Cancelled.class,
                c -> assertThat(c.reason()).contains("fs2 failed").contains("all-or-nothing"));
        Path fs1Parent = home("fs1").resolve("aon");
        try (Stream<Path> left = Files.list(fs1Parent)) {
            assertThat(left).as("fs1 got nothing in place and kept no stage").isEmpty();
        }
        RunReport<Void> lenient = FileSync.sync(ssh).hosts(List.of("fs1", "fs2")).sources(List.of(
                Source.contentsOf(src))).root("/root/aon/app").build().run();
        assertThat(lenient.result("fs1").orElseThrow().isOk()).isTrue();
        assertThat(Files.readString(fs1Parent.resolve("app/f"))).isEqualTo("new");
        assertThat(lenient.result("fs2").orElseThrow().isOk()).isFalse();
    }

    @Test
    void anUploadAddsFilesReplacingEachInPlaceAndLeavesOtherFilesAlone() throws Exception {
        Path dest = Files.createDirectories(home("fs2").resolve("dest/conf"));
        SampleTree.write(dest.resolve("unrelated"), "keep me");
        SampleTree.write(dest.resolve("app.conf"), "old");
        Path src = Files.createDirectories(tmp.resolve("conf"));
        SampleTree.write(src.resolve("app.conf"), "new");
        SampleTree.write(src.resolve("extra.conf"), "extra");
        SampleTree.run("chmod", "0640", src.resolve("app.conf").toString());
        RunReport<Void> report = FileSync.upload(ssh).hosts(List.of("fs2", "fs4")).sources(List.of(Source.named(src)))
                .root("/root/dest").build().run();
        assertThat(report.problems()).isEmpty();
        assertThat(Files.readString(dest.resolve("unrelated"))).isEqualTo("keep me");
        for (String h : List.of("fs2", "fs4")) {
            Path conf = home(h).resolve("dest/conf");
            assertThat(Files.readString(conf.resolve("app.conf"))).isEqualTo("new");
            assertThat(TreeSnapshot.of(conf).get("app.conf")).isEqualTo(TreeSnapshot.of(src).get("app.conf"));
            assertThat(Files.readString(conf.resolve("extra.conf"))).isEqualTo("extra");
            try (Stream<Path> s = Files.list(home(h).resolve("dest"))) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactly("conf");
            }
        }
    }

    @Test
    void anUploadOfSingleFilesADotfileAndASymlinkRenamesEachIntoPlaceAndLeavesNoStageBehind() throws Exception {
        Path dest = Files.createDirectories(home("fs3").resolve("flat"));
        SampleTree.write(dest.resolve("unrelated"), "keep me");
        SampleTree.write(dest.resolve("a.txt"), "old");
        Path src = Files.createDirectories(tmp.resolve("flat-src"));
        SampleTree.write(src.resolve("a.txt"), "new");
        SampleTree.write(src.resolve(".hidden"), "dot");
        SampleTree.write(src.resolve("-dash"), "dash");
        SampleTree.run("chmod", "0600", src.resolve("a.txt").toString());
        Files.createSymbolicLink(src.resolve("link"), Path.of("a.txt"));
        List<Source> sources = Stream.of("a.txt", ".hidden", "-dash", "link").map(n -> Source.named(src.resolve(n)))
                .toList();
        RunReport<Void> report = FileSync.upload(ssh).hosts(List.of("fs3")).sources(sources).root("/root/flat").build()
                .run();
        assertThat(report.problems()).isEmpty();
        assertThat(Files.readString(dest.resolve("unrelated"))).isEqualTo("keep me");
        assertThat(Files.readString(dest.resolve("a.txt"))).isEqualTo("new");
        assertThat(TreeSnapshot.of(dest).get("a.txt")).isEqualTo(TreeSnapshot.of(src).get("a.txt"));
        assertThat(Files.readString(dest.resolve(".hidden"))).isEqualTo("dot");
        assertThat(Files.readString(dest.resolve("-dash"))).isEqualTo("dash");
        assertThat(Files.readSymbolicLink(dest.resolve("link"))).isEqualTo(Path.of("a.txt"));
        try (Stream<Path> s = Files.list(dest)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("unrelated", "a.txt",
                    ".hidden", "-dash", "link");
        }
    }

    @Test
    void theThenCommandRunsInTheRootOnEveryHostAndItsFailureFailsTheHost() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("s"));
        SampleTree.write(src.resolve("marker"), "here");
        List<String> lines = new CopyOnWriteArrayList<>();
        RunReport<Void> report = FileSync.sync(ssh).hosts(fleet.names()).sources(List.of(Source.contentsOf(src)))
                .root("/root/then").then("cat marker; echo \" on $(hostname)\"; [ $(hostname) != fs4 ]")
                .listener(e -> {
                    if (e instanceof DroverEvent.OutputLine l) {
                        lines.add(l.host() + ":" + l.line());
                    }
                }).build().run();
        assertThat(lines).contains("fs1:here on fs1", "fs5:here on fs5");
        assertThat(report.problems()).singleElement().satisfies(r -> {
            assertThat(r.host()).isEqualTo("fs4");
            assertThat(((HostResult.Failed<Void>) r).exitCode()).hasValue(1);
        });
    }

    @Test
    void theSyncToolProtocolHoldsEveryHostAtABarrierUntilAllHaveReachedIt() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("tool"));
        SampleTree.write(src.resolve("barrier.sh"), """
                read -r prefix hello
                [ "$hello" = HELLO ] || { echo "bad hello: $prefix $hello" >&2; exit 3; }
                n=0 nodes= current=
                while read -r p kind node mark; do
                  [ "$p" = "$prefix" ] || continue
                  case $kind in
                    NODE) n=$((n + 1)); nodes="$nodes $node"; [ "$mark" = CURRENT ] && current=$node ;;
                    START) break ;;
                  esac
                done
                echo "nodes:$nodes current:$current"
                [ "$current" = fs3 ] && sleep 1
                echo "phase1 done"
                echo "$prefix SYNC phase1"
                seen=
                while [ $(echo $seen | wc -w) -lt $n ] && read -r p kind from text; do
                  [ "$p" = "$prefix" ] && [ "$kind" = SYNC ] && [ "$text" = phase1 ] && seen="$seen $from"
                done
                echo "barrier passed, heard from$seen"
                """);
        List<String> events = new CopyOnWriteArrayList<>();
        RunReport<Void> report = FileSync.sync(ssh).hosts(fleet.names()).sources(List.of(Source.contentsOf(src)))
                .root("/root/tool").syncTool("sh barrier.sh").listener(e -> {
                    if (e instanceof DroverEvent.OutputLine l) {
                        events.add(l.host() + ":" + l.line());
                    }
                }).build().run();
        assertThat(report.problems()).isEmpty();
        for (String h : fleet.names()) {
            assertThat(events).contains(h + ":nodes: fs1 fs2 fs3 fs4 fs5 current:" + h);
        }
        int lastPhase1 = -1;
        int firstBarrier = Integer.MAX_VALUE;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).endsWith(":phase1 done")) {
                lastPhase1 = Math.max(lastPhase1, i);
            }
            if (events.get(i).contains(":barrier passed")) {
                firstBarrier = Math.min(firstBarrier, i);
                assertThat(events.get(i).split("from ")[1].split(" ")).containsExactlyInAnyOrderElementsOf(
                        fleet.names());
            }
        }
        assertThat(events).filteredOn(l -> l.contains("barrier passed")).hasSize(5);
        assertThat(lastPhase1).as("every host finished phase 1 before any passed the barrier: %s", events)
                .isLessThan(firstBarrier);
    }

    @Test
    void aSyncToolFailingOnOneHostAbortsTheOthersWaitingAtTheBarrier() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("tool"));
        SampleTree.write(src.resolve("t.sh"), """
                read -r prefix hello
                [ "$(hostname)" = fs2 ] && exit 7
                echo "$prefix SYNC ready"
                while read -r line; do :; done
                """);
        RunReport<Void> report = FileSync.sync(ssh).hosts(fleet.names().subList(0, 3))
                .sources(List.of(Source.contentsOf(src))).root("/root/tool2").syncTool("sh t.sh").build().run();
        assertThat(report.result("fs2").orElseThrow()).isInstanceOfSatisfying(HostResult.Failed.class,
                f -> assertThat(f.exitCode()).hasValue(7));
        assertThat(report.result("fs1").orElseThrow()).isInstanceOfSatisfying(HostResult.Cancelled.class,
                c -> assertThat(c.reason()).contains("fs2"));
        assertThat(report.result("fs3").orElseThrow()).isInstanceOf(HostResult.Cancelled.class);
    }

    @Test
    void withOwnerFilesKeepTheirUidAndGidOnTheHostsAndWithoutItTheyBelongToTheRemoteUser() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("owned"));
        SampleTree.write(src.resolve("f"), "x");
        SampleTree.run("chown", "-R", "12345:23456", src.toString());
        for (boolean owner : new boolean[] {true, false}) {
            String dir = owner ? "owned" : "unowned";
            assertThat(FileSync.sync(ssh).hosts(List.of("fs1")).sources(List.of(Source.contentsOf(src)))
                    .root("/root/" + dir).owner(owner).build().run().allOk()).isTrue();
            Path f = home("fs1").resolve(dir + "/f");
            assertThat(Files.getAttribute(f, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(owner ? 12345 : 0);
            assertThat(Files.getAttribute(f, "unix:gid", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(owner ? 23456 : 0);
            // the root directory itself is the source directory's ("./" in the stream)
            assertThat(Files.getAttribute(home("fs1").resolve(dir), "unix:uid")).isEqualTo(owner ? 12345 : 0);
        }
    }

    @Test
    void anUnreachableHostIsReportedAndTheOthersStillSync() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("s"));
        SampleTree.write(src.resolve("f"), "x");
        fleet.host("fs5").stop();
        RunReport<Void> report = FileSync.sync(ssh).hosts(List.of("fs1", "fs5")).sources(List.of(Source.contentsOf(src)))
                .root("/root/unreach").build().run();
        assertThat(report.result("fs1").orElseThrow().isOk()).isTrue();
        assertThat(report.result("fs5").orElseThrow()).isInstanceOf(HostResult.Unreachable.class);
    }

    @Test
    void badRootsAreRefusedBeforeAnyHostIsContacted() {
        assertThatThrownBy(() -> FileSync.sync(ssh).root("srv/app")).isInstanceOf(SyncException.class)
                .hasMessageContaining("'srv/app' must be absolute");
        assertThatThrownBy(() -> FileSync.sync(ssh).root("/")).isInstanceOf(SyncException.class)
                .hasMessageContaining("'/' cannot be synced");
        assertThatThrownBy(() -> FileSync.sync(ssh).root("/srv/../etc")).isInstanceOf(SyncException.class)
                .hasMessageContaining("normalized");
        assertThat(FileSync.upload(ssh).root("/srv/app///").hosts(List.of("x")).sources(List.of(
                Source.named(tmp))).build().root()).isEqualTo("/srv/app");
        assertThatThrownBy(() -> FileSync.upload(ssh).root("/srv").hosts(List.of("x")).sources(List.of(
                Source.named(tmp.resolve("missing")))).build()).isInstanceOf(SyncException.class)
                .hasMessageContaining("missing does not exist");
    }
}
