package io.drover.core;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import io.drover.api.DroverEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Uploads and downloads over the host's SFTP file system. Remote files are written under a temporary name beside
 * the target and moved into place by a shell batch ({@code mv -fT}, which is {@code rename(2)}: atomic, and never
 * moves into a directory the target names); symbolic links are made with {@code ln -s} at a temporary name and moved
 * the same way. Directory mtimes are set last, deepest first, since moving files into a directory changes its mtime.
 */
final class Transfers {
    static final long PROGRESS_STEP = 1 << 20;
    private static final int RENAME_BATCH = 200;
    private static final int BUFFER = 64 * 1024;

    private Transfers() {}

    static void upload(HostSession s, Upload u) {
        Path src = u.source();
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(src, BasicFileAttributes.class, NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new DroverException("upload source " + src + " does not exist");
        } catch (IOException e) {
            throw new DroverException("cannot read upload source " + src + ": " + e, e);
        }
        Uploader up = new Uploader(s, u, s.fileSystem());
        try {
            up.run(attrs);
        } catch (IOException e) {
            up.cleanup();
            s.checkUsable();
            throw new DroverException("upload of " + src + " to " + u.target() + " on " + s.name() + " failed: " + e, e);
        } catch (RuntimeException e) {
            up.cleanup();
            if (!(e instanceof CancellationException)) {
                s.checkUsable();
            }
            throw e;
        }
    }

    static Path download(HostSession s, Download d) {
        Path local = d.localPathFor(s.name());
        Downloader down = new Downloader(s, d, s.fileSystem(), local);
        try {
            down.run();
            return local;
        } catch (IOException e) {
            down.cleanup();
            s.checkUsable();
            throw new DroverException("download of " + d.source() + " from " + s.name() + " to " + local + " failed: " + e, e);
        } catch (RuntimeException e) {
            down.cleanup();
            if (!(e instanceof CancellationException)) {
                s.checkUsable();
            }
            throw e;
        }
    }

    private static final class Uploader {
        private final HostSession s;
        private final Upload u;
        private final FileSystem fs;
        private final List<String> moves = new ArrayList<>();
        private final List<Path> temporaries = new ArrayList<>();
        private final List<Path> pendingTemporaries = new ArrayList<>();
        private final List<Timed> dirTimes = new ArrayList<>();

        Uploader(HostSession s, Upload u, FileSystem fs) {
            this.s = s;
            this.u = u;
            this.fs = fs;
        }

        void run(BasicFileAttributes attrs) throws IOException {
            RemotePath target = u.target();
            Path src = u.source();
            if (target.parent().isPresent()) {
                ensureParents(target.parent().get());
            }
            if (attrs.isDirectory()) {
                tree(src, target);
            } else if (attrs.isSymbolicLink()) {
                link(src, target);
            } else if (attrs.isRegularFile()) {
                file(src, attrs, target);
            } else {
                throw new DroverException("cannot upload " + src + ": it is not a regular file, directory or symbolic link");
            }
            flush();
            for (int i = dirTimes.size() - 1; i >= 0; i--) {
                Timed t = dirTimes.get(i);
                setTimes(t.path(), t.attrs());
            }
        }

        private void ensureParents(RemotePath dir) throws IOException {
            List<RemotePath> missing = new ArrayList<>();
            RemotePath p = dir;
            while (true) {
                Optional<PosixFileAttributes> a = stat(remote(p));
                if (a.isPresent()) {
                    if (!a.get().isDirectory()) {
                        throw new DroverException("cannot upload to " + u.target() + " on " + s.name() + ": " + p
                                + " exists and is not a directory");
                    }
                    break;
                }
                missing.add(p);
                Optional<RemotePath> parent = p.parent();
                if (parent.isEmpty()) {
                    break;
                }
                p = parent.get();
            }
            for (int i = missing.size() - 1; i >= 0; i--) {
                Path d = remote(missing.get(i));
                Files.createDirectory(d);
                Files.setPosixFilePermissions(d, permissions(u.dirMode()));
            }
        }

        private void tree(Path src, RemotePath target) throws IOException {
            Files.walkFileTree(src, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                            s.checkUsable();
                            String rel = src.relativize(dir).toString();
                            RemotePath r = rel.isEmpty() ? target : target.resolve(rel);
                            Path remote = remote(r);
                            Optional<PosixFileAttributes> existing = stat(remote);
                            if (existing.isEmpty()) {
                                Files.createDirectory(remote);
                                Files.setPosixFilePermissions(remote, permissions(dirMode(dir)));
                                dirTimes.add(new Timed(remote, a));
                            } else if (!existing.get().isDirectory()) {
                                throw new DroverException("cannot upload directory " + dir + " to " + r + " on "
                                        + s.name() + ": it exists and is not a directory");
                            } else if (!rel.isEmpty()) {
                                Files.setPosixFilePermissions(remote, permissions(dirMode(dir)));
                                dirTimes.add(new Timed(remote, a));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                            s.checkUsable();
                            RemotePath r = target.resolve(src.relativize(file).toString());
                            if (a.isSymbolicLink()) {
                                link(file, r);
                            } else if (a.isRegularFile()) {
                                file(file, a, r);
                            } else {
                                throw new DroverException("cannot upload " + file
                                        + ": it is not a regular file, directory or symbolic link");
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        }

        private void file(Path local, BasicFileAttributes a, RemotePath r) throws IOException {
            Path remote = remote(r);
            Optional<PosixFileAttributes> existing = lstat(remote);
            if (existing.isPresent() && existing.get().isDirectory()) {
                throw new DroverException("cannot upload file " + local + " to " + r + " on " + s.name()
                        + ": it is a directory");
            }
            Path tmp = remote.resolveSibling(temporaryName(r.fileName()));
            temporaries.add(tmp);
            // created empty with its final mode first: the content is never readable with a wider mode
            Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            Files.setPosixFilePermissions(tmp, permissions(fileMode(local)));
            try (InputStream in = Files.newInputStream(local);
                    OutputStream out = s.track(Files.newOutputStream(tmp, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING))) {
                try {
                    copy(s, in, out, r.path(), a.size());
                } finally {
                    s.untrack(out);
                }
            }
            setTimes(tmp, a);
            move("mv -fT -- " + Shell.quote(tmp.toString()) + " " + Shell.quote(r.path()));
            pendingTemporaries.add(tmp);
        }

        private void link(Path local, RemotePath r) throws IOException {
            String text = Files.readSymbolicLink(local).toString();
            String tmp = remote(r).resolveSibling(temporaryName(r.fileName())).toString();
            // two lines, not "a && b": under set -e a failing left side of && would not stop the script
            move("ln -s -- " + Shell.quote(text) + " " + Shell.quote(tmp) + "\nmv -fT -- " + Shell.quote(tmp) + " "
                    + Shell.quote(r.path()));
        }

        private void move(String line) {
            moves.add(line);
            if (moves.size() >= RENAME_BATCH) {
                flush();
            }
        }

        /** Moves every pending temporary into place with one remote shell. */
        private void flush() {
            if (moves.isEmpty()) {
                return;
            }
            String script = "set -e\n" + String.join("\n", moves) + "\n";
            try {
                s.run(Shell.builder("sh -s").stdin(script).emitLines(false).build());
            } catch (CommandFailedException e) {
                throw new DroverException("cannot move uploaded files into place under " + u.target() + " on "
                        + s.name() + ": " + e.stderrTail().strip(), e);
            }
            moves.clear();
            temporaries.removeAll(pendingTemporaries);
            pendingTemporaries.clear();
        }

        /** Best effort: removes temporaries not moved into place (impossible when the connection is gone). */
        void cleanup() {
            for (Path tmp : temporaries) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException ignored) {
                    // the connection may be gone; the temporary's name says what it is
                }
            }
        }

        private int fileMode(Path local) throws IOException {
            return u.preserveModes() ? mode(Files.getPosixFilePermissions(local, NOFOLLOW_LINKS)) : u.fileMode();
        }

        private int dirMode(Path local) throws IOException {
            return u.preserveModes() ? mode(Files.getPosixFilePermissions(local, NOFOLLOW_LINKS)) : u.dirMode();
        }

        private Path remote(RemotePath r) {
            return fs.getPath(r.path());
        }
    }

    private static final class Downloader {
        private final HostSession s;
        private final Download d;
        private final FileSystem fs;
        private final Path local;
        private final List<Path> temporaries = new ArrayList<>();
        private final List<Timed> dirTimes = new ArrayList<>();

        Downloader(HostSession s, Download d, FileSystem fs, Path local) {
            this.s = s;
            this.d = d;
            this.fs = fs;
            this.local = local;
        }

        void run() throws IOException {
            Path remote = fs.getPath(d.source().path());
            PosixFileAttributes a = lstat(remote).orElseThrow(() -> new DroverException(
                    "download source " + d.source() + " does not exist on " + s.name()));
            if (local.getParent() != null) {
                Files.createDirectories(local.getParent());
            }
            if (a.isDirectory()) {
                tree(remote);
            } else if (a.isSymbolicLink()) {
                link(remote, local);
            } else if (a.isRegularFile()) {
                file(remote, a, local, d.source().path());
            } else {
                throw new DroverException("cannot download " + d.source() + " from " + s.name()
                        + ": it is not a regular file, directory or symbolic link");
            }
            for (int i = dirTimes.size() - 1; i >= 0; i--) {
                Timed t = dirTimes.get(i);
                setTimes(t.path(), t.attrs());
            }
        }

        private void tree(Path root) throws IOException {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                            s.checkUsable();
                            Path l = localFor(root, dir);
                            if (Files.exists(l, NOFOLLOW_LINKS) && !Files.isDirectory(l, NOFOLLOW_LINKS)) {
                                throw new DroverException("cannot download directory " + dir + " from " + s.name()
                                        + " to " + l + ": it exists and is not a directory");
                            }
                            Files.createDirectories(l);
                            Files.setPosixFilePermissions(l, permissions(d.preserveModes() ? mode(a) : d.dirMode()));
                            dirTimes.add(new Timed(l, a));
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                            s.checkUsable();
                            Path l = localFor(root, file);
                            if (a.isSymbolicLink()) {
                                link(file, l);
                            } else if (a.isRegularFile()) {
                                file(file, a, l, file.toString());
                            } else {
                                throw new DroverException("cannot download " + file + " from " + s.name()
                                        + ": it is not a regular file, directory or symbolic link");
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        }

        private Path localFor(Path root, Path remote) {
            Path l = local;
            for (Path segment : root.relativize(remote)) {
                String name = segment.toString();
                if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
                    throw new DroverException("refusing remote name \"" + name + "\" under " + root + " on " + s.name());
                }
                l = l.resolve(name);
            }
            return l;
        }

        private void file(Path remote, BasicFileAttributes a, Path l, String label) throws IOException {
            Path tmp = l.resolveSibling(temporaryName(l.getFileName().toString()));
            temporaries.add(tmp);
            try (InputStream in = s.track(Files.newInputStream(remote));
                    OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                try {
                    copy(s, in, out, label, a.size());
                } finally {
                    s.untrack(in);
                }
            }
            Files.setPosixFilePermissions(tmp, permissions(d.preserveModes() ? mode(a) : d.fileMode()));
            setTimes(tmp, a);
            Files.move(tmp, l, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporaries.remove(tmp);
        }

        private void link(Path remote, Path l) throws IOException {
            String text = Files.readSymbolicLink(remote).toString();
            Path tmp = l.resolveSibling(temporaryName(l.getFileName().toString()));
            temporaries.add(tmp);
            Files.createSymbolicLink(tmp, Path.of(text));
            Files.move(tmp, l, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporaries.remove(tmp);
        }

        void cleanup() {
            for (Path tmp : temporaries) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private record Timed(Path path, BasicFileAttributes attrs) {}

    private static void copy(HostSession s, InputStream in, OutputStream out, String label, long total)
            throws IOException {
        Events events = s.events();
        byte[] buf = new byte[BUFFER];
        long done = 0;
        long next = PROGRESS_STEP;
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            done += n;
            if (done >= next && events.enabled()) {
                events.emit(new DroverEvent.BytesTransferred(events.now(), s.name(), label, done, total));
                next = done + PROGRESS_STEP;
            }
        }
        if (events.enabled()) {
            events.emit(new DroverEvent.BytesTransferred(events.now(), s.name(), label, done, total));
        }
    }

    private static void setTimes(Path p, BasicFileAttributes a) throws IOException {
        FileTime mtime = a.lastModifiedTime();
        FileTime atime = a.lastAccessTime() == null ? mtime : a.lastAccessTime();
        Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW_LINKS).setTimes(mtime, atime, null);
    }

    static Optional<PosixFileAttributes> lstat(Path p) throws IOException {
        return attributes(p, true);
    }

    static Optional<PosixFileAttributes> stat(Path p) throws IOException {
        return attributes(p, false);
    }

    private static Optional<PosixFileAttributes> attributes(Path p, boolean noFollow) throws IOException {
        try {
            return Optional.of(noFollow
                    ? Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW_LINKS)
                    : Files.readAttributes(p, PosixFileAttributes.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (!Files.exists(p, NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static String temporaryName(String name) {
        String base = name.length() > 200 ? name.substring(0, 200) : name;
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return "." + base + ".drover-" + HexFormat.of().formatHex(random);
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    static int mode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    private static int mode(BasicFileAttributes a) {
        return a instanceof PosixFileAttributes p ? mode(p.permissions()) : Upload.DEFAULT_FILE_MODE;
    }
}
