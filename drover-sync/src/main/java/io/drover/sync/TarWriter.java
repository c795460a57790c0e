package io.drover.sync;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes local sources as one POSIX (pax) tar stream: directories, regular files and symlinks (never followed) with
 * their permission bits (setuid, setgid and sticky included) and modification times to the 100 ns pax resolution;
 * long and non-ASCII names and sizes over 8 GiB through pax headers; with {@code owner}, numeric uid/gid and user and
 * group names, otherwise uid/gid 0 and no names. Entries of a directory are written in name order, so the same tree
 * gives the same stream. Sockets, FIFOs and devices are skipped with a warning. Memory does not grow with the tree:
 * files are streamed and only the current directory path is held.
 *
 * <p>Not thread-safe; one stream per instance at a time.
 */
final class TarWriter {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int COPY_BUFFER = 64 * 1024;

    /** What a scan found: how many entries and how many content bytes the stream will carry. */
    record Totals(long entries, long bytes) {}

    private final List<Source> sources;
    private final boolean owner;
    private final Consumer<String> warnings;

    TarWriter(List<Source> sources, boolean owner, Consumer<String> warnings) {
        this.sources = List.copyOf(sources);
        this.owner = owner;
        this.warnings = requireNonNull(warnings, "warnings is null");
        if (this.sources.isEmpty()) {
            throw new SyncException("no sources given");
        }
    }

    /**
     * Checks every source exists and is readable and that no two land on the same remote path, and counts what will
     * be sent. Reads metadata only.
     *
     * @throws SyncException naming the first missing or unreadable path, or the overlapping sources
     */
    Totals scan() {
        NavigableSet<String> targets = new TreeSet<>();
        for (Source s : sources) {
            if (!Files.exists(s.path(), NOFOLLOW)) {
                throw new SyncException("source " + s.path() + " does not exist");
            }
            if (s.target().isEmpty()) {
                if (!Files.isDirectory(s.path(), NOFOLLOW)) {
                    throw new SyncException("source " + s.path() + " is not a directory, so its contents cannot be "
                            + "sent (drop the trailing '/')");
                }
                for (Path child : sortedChildren(s.path())) {
                    claim(targets, child.getFileName().toString(), s);
                }
            } else {
                claim(targets, s.target(), s);
            }
        }
        long[] counts = new long[2];
        for (Source s : sources) {
            walk(s.path(), s.target().isEmpty() ? "" : s.target(), (path, name, attrs) -> {
                if (!attrs.isSymbolicLink() && !Files.isReadable(path)) {
                    throw new SyncException("cannot read " + path + " (permission denied)");
                }
                counts[0]++;
                if (attrs.isRegularFile()) {
                    counts[1] += attrs.size();
                }
            });
        }
        return new Totals(counts[0], counts[1]);
    }

    private static void claim(NavigableSet<String> targets, String target, Source source) {
        if (targets.contains(target)) {
            throw new SyncException("two sources land on the same remote path '" + target + "' (the second is "
                    + source.path() + "): rename one, or use --relative");
        }
        String above = target;
        for (int slash = above.lastIndexOf('/'); slash > 0; slash = above.lastIndexOf('/')) {
            above = above.substring(0, slash);
            if (targets.contains(above)) {
                throw new SyncException("source " + source.path() + " lands at '" + target + "', inside '" + above
                        + "' which another source already sends");
            }
        }
        String below = targets.ceiling(target + "/");
        if (below != null && below.startsWith(target + "/")) {
            throw new SyncException("source " + source.path() + " lands at '" + target + "', which would contain '"
                    + below + "' that another source already sends");
        }
        targets.add(target);
    }

    /**
     * Writes the whole stream to {@code out} and finishes the archive (the two zero blocks); does not close
     * {@code out}.
     *
     * @throws IOException when {@code out} fails or a source cannot be read
     */
    void write(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosing(out), "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        Set<String> impliedDone = new HashSet<>();
        boolean rootWritten = false;
        byte[] buffer = new byte[COPY_BUFFER];
        try {
            for (Source s : sources) {
                if (s.target().isEmpty()) {
                    if (!rootWritten) {
                        rootWritten = true;
                        PosixFileAttributes attrs = Files.readAttributes(s.path(), PosixFileAttributes.class, NOFOLLOW);
                        putDirectory(tar, "./", s.path(), attrs);
                    }
                } else {
                    writeImpliedDirectories(tar, s, impliedDone);
                }
                walkIo(s.path(), s.target(), (path, name, attrs) -> {
                    if (name.isEmpty()) {
                        return; // the contents-of root: written above as ./
                    }
                    if (attrs.isDirectory()) {
                        putDirectory(tar, name + "/", path, attrs);
                    } else if (attrs.isSymbolicLink()) {
                        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                        e.setLinkName(Files.readSymbolicLink(path).toString());
                        describe(e, path, attrs);
                        tar.putArchiveEntry(e);
                        tar.closeArchiveEntry();
                    } else if (attrs.isRegularFile()) {
                        putFile(tar, name, path, attrs, buffer);
                    } else {
                        warnings.accept("skipped " + path + ": not a regular file, directory or symlink");
                    }
                });
            }
            tar.finish();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** With --relative, the parents of a nested target carry their local directories' modes and times. */
    private void writeImpliedDirectories(TarArchiveOutputStream tar, Source s, Set<String> done) throws IOException {
        String[] parts = s.target().split("/");
        if (parts.length < 2) {
            return;
        }
        Path local = s.path().toAbsolutePath().normalize();
        List<Path> ancestors = new ArrayList<>();
        for (int i = parts.length - 1; i >= 1; i--) {
            if (local.getFileName() == null || !local.getFileName().toString().equals(parts[i])) {
                return; // the target does not mirror the local path: let tar create the parents
            }
            local = local.getParent();
            ancestors.addFirst(local);
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            prefix.append(parts[i]);
            String name = prefix.toString();
            prefix.append('/');
            if (done.add(name)) {
                Path dir = ancestors.get(i);
                PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class);
                putDirectory(tar, name + "/", dir, attrs);
            }
        }
    }

    private void putDirectory(TarArchiveOutputStream tar, String name, Path path, PosixFileAttributes attrs)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_DIR);
        describe(e, path, attrs);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private void putFile(TarArchiveOutputStream tar, String name, Path path, PosixFileAttributes attrs, byte[] buffer)
            throws IOException {
        long size = attrs.size();
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
        describe(e, path, attrs);
        e.setSize(size);
        tar.putArchiveEntry(e);
        long left = size;
        try (InputStream in = Files.newInputStream(path, NOFOLLOW)) {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                tar.write(buffer, 0, n);
                left -= n;
            }
            if (left == 0 && in.read() >= 0) {
                warnings.accept(path + " grew while it was read: sent its first " + size + " bytes");
            }
        }
        if (left > 0) {
            warnings.accept(path + " shrank while it was read: padded with " + left + " zero bytes");
            java.util.Arrays.fill(buffer, (byte) 0);
            while (left > 0) {
                int n = (int) Math.min(buffer.length, left);
                tar.write(buffer, 0, n);
                left -= n;
            }
        }
        tar.closeArchiveEntry();
    }

    private void describe(TarArchiveEntry e, Path path, PosixFileAttributes attrs) throws IOException {
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid", NOFOLLOW);
        int mode = (Integer) unix.get("mode") & 07777;
        e.setMode(modeBits(e) | mode);
        FileTime mtime = attrs.lastModifiedTime();
        e.setLastModifiedTime(mtime);
        if (owner) {
            e.setUserId(((Integer) unix.get("uid")).longValue());
            e.setGroupId(((Integer) unix.get("gid")).longValue());
            e.setUserName(attrs.owner().getName());
            e.setGroupName(attrs.group().getName());
        } else {
            e.setUserId(0L);
            e.setGroupId(0L);
            e.setUserName("");
            e.setGroupName("");
        }
    }

    private static int modeBits(TarArchiveEntry e) {
        if (e.isDirectory()) {
            return TarArchiveEntry.DEFAULT_DIR_MODE & ~07777;
        }
        if (e.isSymbolicLink()) {
            return 0120000;
        }
        return TarArchiveEntry.DEFAULT_FILE_MODE & ~07777;
    }

    @FunctionalInterface
    private interface Visitor {
        void visit(Path path, String name, PosixFileAttributes attrs) throws IOException;
    }

    private static void walk(Path root, String rootName, Visitor visitor) {
        try {
            walkIo(root, rootName, visitor);
        } catch (NoSuchFileException e) {
            throw new SyncException("source " + e.getFile() + " disappeared while it was read", e);
        } catch (IOException e) {
            throw new SyncException("cannot read " + root + ": " + e, e);
        }
    }

    /** Depth-first, pre-order, children in name order; symlinks are visited, not followed. */
    private static void walkIo(Path root, String rootName, Visitor visitor) throws IOException {
        record Item(Path path, String name) {}
        Deque<Item> stack = new ArrayDeque<>();
        stack.push(new Item(root, rootName));
        while (!stack.isEmpty()) {
            Item item = stack.pop();
            PosixFileAttributes attrs = Files.readAttributes(item.path(), PosixFileAttributes.class, NOFOLLOW);
            visitor.visit(item.path(), item.name(), attrs);
            if (attrs.isDirectory()) {
                List<Path> children = sortedChildren(item.path());
                for (int i = children.size() - 1; i >= 0; i--) {
                    Path c = children.get(i);
                    String n = c.getFileName().toString();
                    stack.push(new Item(c, item.name().isEmpty() ? n : item.name() + "/" + n));
                }
            }
        }
    }

    private static List<Path> sortedChildren(Path dir) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        } catch (IOException e) {
            throw new SyncException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return children;
    }

    /** Keeps the tar stream's close and finish from closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
