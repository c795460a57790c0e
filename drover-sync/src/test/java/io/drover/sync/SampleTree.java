package io.drover.sync;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A local tree with what a tar stream must keep: modes (setuid, sticky, private), sub-second mtimes, symlinks
 * (relative, absolute, dangling, to a directory), empty files and directories, names over 100 bytes, a path over
 * 255 bytes, non-ASCII names, a binary file, and a FIFO (which must be skipped).
 */
final class SampleTree {
    private SampleTree() {}

    static Path create(Path root, long seed) throws IOException, InterruptedException {
        Files.createDirectories(root);
        Random random = new Random(seed);
        Path bin = Files.createDirectories(root.resolve("bin"));
        write(bin.resolve("run.sh"), "#!/bin/sh\necho run " + seed + "\n");
        write(root.resolve("secret"), "s3cr3t-" + seed);
        write(root.resolve("setuid-tool"), "tool");
        write(root.resolve("empty"), "");
        Files.createDirectories(root.resolve("empty-dir"));
        Path sticky = Files.createDirectories(root.resolve("shared"));
        byte[] binary = new byte[300_000 + random.nextInt(1000)];
        random.nextBytes(binary);
        Files.write(root.resolve("blob.bin"), binary);
        String longName = "n".repeat(150) + ".txt";
        Path deep = root;
        for (int i = 0; i < 6; i++) {
            deep = deep.resolve("deep-directory-" + "d".repeat(40) + i);
        }
        Files.createDirectories(deep);
        write(deep.resolve(longName), "deep " + seed);
        write(root.resolve("ünïcødé-名前.txt"), "unicode " + seed);
        Files.createSymbolicLink(root.resolve("link-rel"), Path.of("bin/run.sh"));
        Files.createSymbolicLink(root.resolve("link-abs"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(root.resolve("link-dangling"), Path.of("does/not/exist"));
        Files.createSymbolicLink(root.resolve("link-dir"), Path.of("bin"));
        run("chmod", "0755", bin.resolve("run.sh").toString());
        run("chmod", "0600", root.resolve("secret").toString());
        run("chmod", "4755", root.resolve("setuid-tool").toString());
        run("chmod", "1777", sticky.toString());
        run("chmod", "0750", bin.toString());
        run("mkfifo", root.resolve("a-fifo").toString());
        // sub-second mtimes (multiples of 100 ns, what pax keeps), set deepest first so parents keep theirs
        Instant base = Instant.parse("2024-03-01T10:00:00Z").plusSeconds(seed * 1000);
        try (var walk = Files.walk(root)) {
            var all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            int i = 0;
            for (Path p : all) {
                if (Files.isSymbolicLink(p) || (!Files.isRegularFile(p) && !Files.isDirectory(p))) {
                    continue;
                }
                Files.setLastModifiedTime(p, FileTime.from(base.plusSeconds(i).plusNanos(123_456_700L * (i % 7 + 1))));
                i++;
            }
        }
        return root;
    }

    static void write(Path p, String s) throws IOException {
        Files.writeString(p, s, UTF_8);
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
