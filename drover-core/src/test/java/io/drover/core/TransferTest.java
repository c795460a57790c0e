package io.drover.core;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.assertj.core.api.Assertions.assertThat;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import io.drover.testkit.TestHost;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload and download over SFTP on real OpenSSH hosts: trees, modes, mtimes, links, naming, atomicity. */
class TransferTest {
    private static final Instant OLD = Instant.parse("2021-03-04T05:06:07Z");

    /** What a tree looks like, file by file: kind, SHA-256 or link target, mode, mtime in seconds. */
    static Map<String, String> describe(Path root, boolean withDirTimes) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String rel = root.relativize(p).toString();
                if (rel.contains(".drover-")) {
                    out.put(rel, "TEMPORARY LEFT BEHIND");
                } else if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, NOFOLLOW_LINKS)) {
                    out.put(rel, "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                            + (withDirTimes && !rel.isEmpty() ? " " + Files.getLastModifiedTime(p).toInstant().getEpochSecond() : ""));
                } else {
                    out.put(rel, "file " + sha256(p) + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                            + " " + Files.getLastModifiedTime(p).toInstant().getEpochSecond());
                }
            }
        }
        return out;
    }

    static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tree with empty, small and multi-MiB files, odd modes, nested dirs, and three kinds of links. */
    static Path sampleTree(Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("tree"));
        Random random = new Random(42);
        Path sub = Files.createDirectories(root.resolve("a/b c"));
        Files.write(root.resolve("empty"), new byte[0]);
        byte[] big = new byte[3 << 20];
        random.nextBytes(big);
        Files.write(sub.resolve("big.bin"), big);
        Files.writeString(root.resolve("a/secret.key"), "top secret\n");
        Files.setPosixFilePermissions(root.resolve("a/secret.key"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(root.resolve("a/link-rel"), Path.of("../run.sh"));
        Files.createSymbolicLink(root.resolve("link-abs"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("no/such/target"));
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwx------"));
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            int i = 0;
            for (Path p : all) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, FileTime.from(OLD.plusSeconds(3600L * i++)));
                }
            }
        }
        return root;
    }

    @Test
    void aTreeIsUploadedAndDownloadedIntactOnEveryHost(@TempDir Path dir) throws Exception {
        SshFleet fleet = Fleets.shared();
        Path tree = sampleTree(dir);
        Map<String, String> expected = describe(tree, true);
        Path dest = dir.resolve("back/tree");
        try (Group g = Group.builder(Fleets.sharedSsh()).hosts(Fleets.first(2)).connect()) {
            RunReport<Path> report = g.run("round trip", host -> {
                host.shell("rm -rf /tmp/tree");
                host.upload(Upload.builder(tree, RemotePath.of("/tmp/tree")).preserveModes().build());
                return host.download(Download.builder(RemotePath.of("/tmp/tree"), dest).preserveModes().build());
            });
            assertThat(report.allOk()).as(report.problems().toString()).isTrue();
            assertThat(report.values()).containsExactly(Map.entry("w1", dir.resolve("back/tree.w1")),
                    Map.entry("w2", dir.resolve("back/tree.w2")));
        }
        for (String h : List.of("w1", "w2")) {
            Path remote = fleet.host(h).tmp().orElseThrow().resolve("tree");
            assertThat(describe(remote, true)).as("on %s", h).isEqualTo(expected);
            assertThat(describe(dir.resolve("back/tree." + h), true)).as("downloaded from %s", h).isEqualTo(expected);
        }
    }

    @Test
    void withoutPreservingFilesGet644AndDirectories755(@TempDir Path dir) throws Exception {
        SshFleet fleet = Fleets.shared();
        Path tree = sampleTree(dir);
        try (Group g = Group.builder(Fleets.sharedSsh()).host("w3").connect()) {
            RunReport<Void> report = g.run("defaults", host -> {
                host.shell("rm -rf /tmp/plain");
                host.upload(Upload.of(tree, "/tmp/plain/deeper/tree"));
                return null;
            });
            assertThat(report.allOk()).as(report.problems().toString()).isTrue();
        }
        Path remote = fleet.host("w3").tmp().orElseThrow().resolve("plain/deeper/tree");
        Map<String, String> got = describe(remote, false);
        assertThat(got.get("a/secret.key")).endsWith("rw-r--r-- " + Files.getLastModifiedTime(tree.resolve("a/secret.key")).toInstant().getEpochSecond());
        assertThat(got.get("run.sh")).contains(" rw-r--r-- ");
        assertThat(got.get("a/b c")).isEqualTo("dir rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(remote.getParent()))).isEqualTo("rwxr-xr-x");
        assertThat(got.get("a/link-rel")).isEqualTo("link -> ../run.sh");
    }

    @Test
    void uploadingALinkReplacesTheLinkAndNeverWritesIntoTheDirectoryItPointsTo(@TempDir Path dir) throws Exception {
        SshFleet fleet = Fleets.shared();
        Path local = Files.createSymbolicLink(dir.resolve("current"), Path.of("releases/2"));
        try (Group g = Group.builder(Fleets.sharedSsh()).host("w4").connect()) {
            RunReport<Void> report = g.run("switch release", host -> {
                host.shell("rm -rf /tmp/app && mkdir -p /tmp/app/releases/1 /tmp/app/releases/2 && ln -s releases/1 /tmp/app/current");
                host.upload(Upload.of(local, "/tmp/app/current"));
                return null;
            });
            assertThat(report.allOk()).as(report.problems().toString()).isTrue();
        }
        Path app = fleet.host("w4").tmp().orElseThrow().resolve("app");
        assertThat(Files.readSymbolicLink(app.resolve("current"))).isEqualTo(Path.of("releases/2"));
        try (Stream<Path> inOld = Files.list(app.resolve("releases/1"))) {
            assertThat(inOld).isEmpty();
        }
    }

    @Test
    void downloadsCanGoToADirectoryPerHost(@TempDir Path dir) {
        try (Group g = Group.builder(Fleets.sharedSsh()).hosts(Fleets.first(3)).connect()) {
            RunReport<Path> report = g.run("hostnames", host -> {
                host.shell("hostname > /tmp/name");
                return host.download(Download.builder(RemotePath.of("/tmp/name"), dir).naming(Download.Naming.DIRECTORY).build());
            });
            assertThat(report.allOk()).isTrue();
        }
        for (String h : Fleets.first(3)) {
            assertThat(dir.resolve(h).resolve("name")).hasContent(h);
        }
    }

    @Test
    void progressIsReportedAtLeastEveryMibAndEndsAtTheFileSize(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("five-mib");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(5L << 20);
        }
        RecordingListener events = new RecordingListener();
        try (Group g = Group.builder(Fleets.sharedSsh()).host("w5").listener(events).connect()) {
            assertThat(g.run("progress", host -> {
                host.upload(Upload.of(file, "/tmp/five-mib"));
                return null;
            }).allOk()).isTrue();
        }
        List<DroverEvent.BytesTransferred> progress = events.of(DroverEvent.BytesTransferred.class);
        assertThat(progress).hasSizeGreaterThanOrEqualTo(5);
        assertThat(progress).allSatisfy(p -> {
            assertThat(p.path()).isEqualTo("/tmp/five-mib");
            assertThat(p.total()).isEqualTo(5L << 20);
        });
        assertThat(progress.getLast().done()).isEqualTo(5L << 20);
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i).done() - progress.get(i - 1).done()).isBetween(0L, (1L << 20) + 65536);
        }
    }

    @Test
    void aSourceThatDoesNotExistFailsNamingIt(@TempDir Path dir) {
        try (Group g = Group.builder(Fleets.sharedSsh()).host("w1").connect()) {
            HostResult<Object> r = g.run("missing", host -> {
                host.upload(Upload.of(dir.resolve("nope"), "/tmp/nope"));
                return null;
            }).results().getFirst();
            assertThat(r).isInstanceOfSatisfying(HostResult.Failed.class,
                    f -> assertThat(f.message()).isEqualTo("upload source " + dir.resolve("nope") + " does not exist"));
            HostResult<Path> d = g.run("missing remote", host -> host.download(Download.of("/no/such", dir.resolve("x"))))
                    .results().getFirst();
            assertThat(d).isInstanceOfSatisfying(HostResult.Failed.class,
                    f -> assertThat(f.message()).isEqualTo("download source /no/such does not exist on w1"));
        }
    }

    @Test
    void aFileIsNeverUploadedOverADirectory(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (Group g = Group.builder(Fleets.sharedSsh()).host("w1").connect()) {
            HostResult<Object> r = g.run("over a dir", host -> {
                host.shell("mkdir -p /tmp/adir/inside");
                host.upload(Upload.of(file, "/tmp/adir"));
                return null;
            }).results().getFirst();
            assertThat(r).isInstanceOfSatisfying(HostResult.Failed.class, f -> assertThat(f.message())
                    .isEqualTo("cannot upload file " + file + " to /tmp/adir on w1: it is a directory"));
        }
        assertThat(Fleets.shared().host("w1").tmp().orElseThrow().resolve("adir/inside")).isDirectory();
    }

    @Test
    void anUploadCutByAHostCrashLeavesTheOldFileIntact(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(1L << 30); // sparse: cheap to make, and far more than gets through before the crash
        }
        try (SshFleet fleet = Fleets.start(1, "crash"); Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            TestHost host = fleet.hosts().getFirst();
            Path target = host.tmp().orElseThrow().resolve("big");
            Files.writeString(target, "old content\n");
            CountDownLatch halfway = new CountDownLatch(1);
            AtomicReference<RunReport<Void>> report = new AtomicReference<>();
            try (Group g = Group.builder(ssh).host(host.name()).listener(e -> {
                if (e instanceof DroverEvent.BytesTransferred b && b.done() >= 4L << 20) {
                    halfway.countDown();
                }
            }).connect()) {
                Thread runner = Thread.ofVirtual().start(() -> report.set(g.run("upload", h -> {
                    h.upload(Upload.of(big, "/tmp/big"));
                    return null;
                })));
                assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
                host.kill();
                runner.join(java.time.Duration.ofSeconds(60));
                assertThat(runner.isAlive()).isFalse();
            }
            assertThat(report.get().results().getFirst()).isInstanceOf(HostResult.Failed.class);
            assertThat(target).hasContent("old content");
            try (Stream<Path> files = Files.list(target.getParent())) {
                List<Path> leftovers = files.filter(p -> !p.equals(target) && p.getFileName().toString().contains("big")).toList();
                // at most the temporary, under its own name, holding part of the new content
                assertThat(leftovers).allSatisfy(p -> assertThat(p.getFileName().toString()).matches("\\.big\\.drover-[0-9a-f]{8}"));
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 180, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void cancellingADownloadFromAFrozenHostEndsItAtOnceAndLeavesNoTemporary(@TempDir Path dir) throws Exception {
        try (SshFleet fleet = Fleets.start(1, "frozen"); Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            TestHost host = fleet.hosts().getFirst();
            try (RandomAccessFile f = new RandomAccessFile(host.tmp().orElseThrow().resolve("big").toFile(), "rw")) {
                f.setLength(2L << 30); // sparse: far more than gets through before the host freezes
            }
            CountDownLatch under = new CountDownLatch(1);
            Cancellation cancel = Cancellation.create();
            AtomicReference<RunReport<Path>> report = new AtomicReference<>();
            try (Group g = Group.builder(ssh).host(host.name()).listener(e -> {
                if (e instanceof DroverEvent.BytesTransferred b && b.done() >= 4L << 20) {
                    under.countDown();
                }
            }).connect()) {
                Thread runner = Thread.ofVirtual().start(() -> report.set(g.run("download",
                        h -> h.download(Download.of("/tmp/big", dir.resolve("big"))),
                        RunOptions.defaults().withCancellation(cancel))));
                assertThat(under.await(60, TimeUnit.SECONDS)).isTrue();
                host.pause();
                try {
                    cancel.cancel("enough");
                    // the reads in flight are never answered: only cutting the SFTP channel ends the task
                    runner.join(java.time.Duration.ofSeconds(60));
                    assertThat(runner.isAlive()).as("the download still waits for the frozen host").isFalse();
                } finally {
                    host.resume();
                }
            }
            assertThat(report.get().results().getFirst()).isInstanceOf(HostResult.Cancelled.class);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.toList()).as("nothing half-written").isEmpty();
            }
        }
    }

    @Test
    void aReaderNeverSeesHalfAFileWhileUploadsReplaceIt(@TempDir Path dir) throws Exception {
        SshFleet fleet = Fleets.shared();
        int size = 2 << 20;
        Path a = Files.write(dir.resolve("a"), "a".repeat(size).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path b = Files.write(dir.resolve("b"), "b".repeat(size).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path seenByReader = fleet.host("w6").tmp().orElseThrow().resolve("flip");
        Files.copy(a, seenByReader, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.util.concurrent.atomic.AtomicBoolean uploading = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        List<String> torn = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            while (uploading.get()) {
                try {
                    byte[] content = Files.readAllBytes(seenByReader);
                    reads.incrementAndGet();
                    if (content.length != size || content[0] != content[size - 1]) {
                        torn.add(content.length + " bytes, first " + (char) content[0]);
                    }
                } catch (IOException e) {
                    torn.add(e.toString());
                }
            }
        });
        try (Group g = Group.builder(Fleets.sharedSsh()).host("w6").connect()) {
            RunReport<Void> report = g.run("flip", host -> {
                for (int i = 0; i < 10; i++) {
                    host.upload(Upload.of(i % 2 == 0 ? b : a, "/tmp/flip"));
                }
                return null;
            });
            assertThat(report.allOk()).as(report.problems().toString()).isTrue();
        } finally {
            uploading.set(false);
            reader.join();
        }
        assertThat(torn).isEmpty();
        assertThat(reads.get()).isGreaterThan(10);
        assertThat(seenByReader).hasSameBinaryContentAs(a);
    }
}
