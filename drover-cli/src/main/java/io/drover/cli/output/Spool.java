package io.drover.cli.output;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.api.Stream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One host's output held back for later (serial and folded output): kept in memory while small, moved to a
 * temporary file when it grows or when all spools together hold too much, so output of any size never sits whole
 * in the heap. Keeps a 64-bit hash of its content for grouping identical outputs. Thread-safe.
 */
final class Spool {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final char OUT = 'o';
    private static final char ERR = 'e';

    private final Budget budget;
    private final String name;
    private StringBuilder mem = new StringBuilder();
    private Path file;
    private long hash = FNV_OFFSET;
    private long length;
    private boolean deleted;

    /** The memory all spools of a run may use together, and their temporary directory. Thread-safe. */
    static final class Budget implements AutoCloseable {
        private final long totalChars;
        private final int perSpoolChars;
        private final AtomicLong used = new AtomicLong();
        private Path dir;

        /**
         * @param totalChars characters all spools may hold in memory together before the larger ones move to disk
         * @param perSpoolChars characters one spool may hold in memory
         */
        Budget(long totalChars, int perSpoolChars) {
            this.totalChars = totalChars;
            this.perSpoolChars = perSpoolChars;
        }

        static Budget standard() {
            return new Budget(16L << 20, 64 << 10);
        }

        synchronized Path dir() throws IOException {
            if (dir == null) {
                dir = Files.createTempDirectory("drover-spool-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return dir;
        }

        long used() {
            return used.get();
        }

        /** Deletes the temporary directory and whatever is left in it. */
        @Override
        public synchronized void close() {
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(p);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // best effort: a temp dir left behind is harmless
                }
                dir = null;
            }
        }
    }

    Spool(Budget budget, String name) {
        this.budget = budget;
        this.name = name;
    }

    /** Appends one line of {@code stream}. A line holding newlines is kept as several lines. */
    synchronized void add(Stream stream, String line) {
        if (deleted) {
            return;
        }
        char tag = stream == Stream.STDOUT ? OUT : ERR;
        int before = mem.length();
        mem.append(tag);
        hash = step(hash, tag);
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c == '\n') {
                mem.append('\n').append(tag);
                hash = step(step(hash, '\n'), tag);
            } else {
                mem.append(c);
                hash = step(hash, c);
            }
        }
        mem.append('\n');
        hash = step(hash, '\n');
        int added = mem.length() - before;
        length += added;
        long total = budget.used.addAndGet(added);
        if (mem.length() > budget.perSpoolChars || (total > budget.totalChars && mem.length() > 4096)) {
            spill();
        }
    }

    private static long step(long h, char c) {
        return (h ^ c) * FNV_PRIME;
    }

    private void spill() {
        try {
            if (file == null) {
                file = Files.createTempFile(budget.dir(), name.replaceAll("[^A-Za-z0-9._-]", "_") + "-", ".spool");
            }
            try (Writer w = Files.newBufferedWriter(file, UTF_8, StandardOpenOption.APPEND)) {
                w.append(mem);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool output of " + name + " to a temporary file", e);
        }
        budget.used.addAndGet(-mem.length());
        mem = new StringBuilder();
    }

    synchronized long hash() {
        return hash;
    }

    synchronized long length() {
        return length;
    }

    synchronized boolean isEmpty() {
        return length == 0;
    }

    /** Receives replayed lines. */
    interface LineSink {
        void line(Stream stream, String line);
    }

    /** Hands every line to {@code sink}, in order. */
    synchronized void replay(LineSink sink) {
        if (file == null) {
            int start = 0;
            for (int i = 0; i < mem.length(); i++) {
                if (mem.charAt(i) == '\n') {
                    sink.line(mem.charAt(start) == OUT ? Stream.STDOUT : Stream.STDERR, mem.substring(start + 1, i));
                    start = i + 1;
                }
            }
            return;
        }
        try (Reader r = open()) {
            char[] buf = new char[8192];
            StringBuilder line = new StringBuilder();
            int n;
            while ((n = r.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    char c = buf[i];
                    if (c == '\n') {
                        sink.line(line.charAt(0) == OUT ? Stream.STDOUT : Stream.STDERR, line.substring(1));
                        line.setLength(0);
                    } else {
                        line.append(c);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spooled output of " + name, e);
        }
    }

    /** Whether this spool holds exactly the same lines as {@code other}. */
    boolean sameContent(Spool other) {
        Spool first = System.identityHashCode(this) <= System.identityHashCode(other) ? this : other;
        Spool second = first == this ? other : this;
        synchronized (first) {
            synchronized (second) {
                if (hash != other.hash || length != other.length) {
                    return false;
                }
                if (file == null && other.file == null) {
                    return mem.compareTo(other.mem) == 0;
                }
                try (Reader a = open(); Reader b = other.open()) {
                    char[] x = new char[8192];
                    char[] y = new char[8192];
                    while (true) {
                        int n = readFully(a, x);
                        int m = readFully(b, y);
                        if (n != m || !java.util.Arrays.equals(x, 0, n, y, 0, m)) {
                            return false;
                        }
                        if (n < x.length) {
                            return true;
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot compare spooled output of " + name, e);
                }
            }
        }
    }

    private static int readFully(Reader r, char[] buf) throws IOException {
        int at = 0;
        while (at < buf.length) {
            int n = r.read(buf, at, buf.length - at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        return at;
    }

    private Reader open() throws IOException {
        Reader tail = new StringReader(mem.toString());
        if (file == null) {
            return tail;
        }
        Reader head = Files.newBufferedReader(file, UTF_8);
        return new Reader() {
            private boolean inHead = true;

            @Override
            public int read(char[] cbuf, int off, int len) throws IOException {
                if (inHead) {
                    int n = head.read(cbuf, off, len);
                    if (n >= 0) {
                        return n;
                    }
                    inHead = false;
                }
                return tail.read(cbuf, off, len);
            }

            @Override
            public void close() throws IOException {
                head.close();
            }
        };
    }

    /** Frees the memory and deletes the file. Later adds are ignored. */
    synchronized void delete() {
        deleted = true;
        budget.used.addAndGet(-mem.length());
        mem = new StringBuilder();
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the budget's close removes the directory
            }
            file = null;
        }
    }
}
