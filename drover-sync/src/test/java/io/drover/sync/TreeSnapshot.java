package io.drover.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every entry of a local tree as one comparable line: type, permission bits (setuid/setgid/sticky included),
 * modification time (to the 100 ns tar keeps), and SHA-256 of a file's content or a symlink's target.
 */
final class TreeSnapshot {
    private TreeSnapshot() {}

    static Map<String, String> of(Path root) {
        return of(root, true);
    }

    /** @param withRootTimes whether the root directory's own mode and mtime are part of the snapshot */
    static Map<String, String> of(Path root, boolean withRootTimes) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) {
                    if (!withRootTimes) {
                        continue;
                    }
                    rel = ".";
                }
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isOther()) {
                    continue;
                }
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                long mtime100ns = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) / 100;
                String what;
                if (a.isSymbolicLink()) {
                    what = "link -> " + Files.readSymbolicLink(p);
                } else if (a.isDirectory()) {
                    what = "dir " + Integer.toOctalString(mode) + " " + mtime100ns;
                } else {
                    what = "file " + Integer.toOctalString(mode) + " " + mtime100ns + " " + sha256(p);
                }
                out.put(rel, what);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
