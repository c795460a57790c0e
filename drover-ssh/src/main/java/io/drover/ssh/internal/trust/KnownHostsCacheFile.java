package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What earlier runs learnt about one known_hosts file's hashed lines: for each name looked up, which of the file's
 * hashed lines name it (often none), so that this run checks only those lines' HMACs instead of every line's.
 *
 * <p><b>It never changes an answer.</b> The cache holds the length and SHA-256 of the part of the file it describes (a
 * prefix ending at a line end); it is used only while the file still starts with exactly those bytes. Lines appended
 * since (accept-new, ssh) are checked by HMAC as usual, and each name's answer records how many of the file's hashed
 * lines it covers. Any other change (a line removed, a key replaced, a file rewritten) discards the cache. A cached
 * "this line names the host" is re-checked by HMAC before it is believed; a cached "these are all" is believed only for
 * the lines it covers. A cache file that is unreadable, truncated, from another format, or fails its SHA-256 is
 * ignored and rebuilt; no cache problem is ever an error for the user (the answer is then computed in full).
 *
 * <p><b>Privacy.</b> Names are never stored: each is stored as HMAC-SHA1(k, name) with a random 32-byte key {@code k}
 * per cache file, like {@code HashKnownHosts} stores HMAC-SHA1(salt, name) per line. Someone who reads the cache can
 * test a guessed name against all of its entries with one HMAC, where the hashed file costs one HMAC per line; that
 * is the price of an O(1) lookup (the reason for the cache). Files are {@code rw-------} in a {@code rwx------}
 * directory.
 *
 * <p><b>Concurrency.</b> Written by {@link #flush} (at exit, see {@link KnownHostsCache}) under an exclusive lock on a
 * sidecar {@code .lock} file: the cache on disk is re-read, merged with this process's answers when both describe the
 * same file, and replaced atomically (temporary file + rename). Readers never lock: they see the old or the new file.
 * Processes that saw different versions of the known_hosts file do not merge: the last writer wins, which costs the
 * next run time, never correctness. Thread-safe.
 */
final class KnownHostsCacheFile {
    private static final byte[] MAGIC = "drover known_hosts cache\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final int KEY_BYTES = 32;
    private static final int DIGEST_BYTES = 32;
    /** Larger cache files are not read (ignored and replaced). */
    private static final long MAX_FILE_BYTES = 64L << 20;
    /** Answers kept per file at most; those refreshed by this process are kept first. */
    static final int MAX_ENTRIES = 200_000;

    private static final SecureRandom RANDOM = new SecureRandom();
    /** File locks are per process: threads of one process writing the same cache file take turns here first. */
    private static final ConcurrentHashMap<Path, Object> WRITERS = new ConcurrentHashMap<>();

    /** A name as stored: HMAC-SHA1(key, name), as five words. */
    record Token(int w0, int w1, int w2, int w3, int w4) {}

    /**
     * One name's answer: the ordinals (among the file's hashed lines, 0-based, ascending) of the lines that name it,
     * complete for the first {@code covered} hashed lines.
     */
    record Entry(int covered, int[] ordinals) {
        Entry {
            requireNonNull(ordinals, "ordinals is null");
        }
    }

    /** The part of the known_hosts file a cache describes: its first {@code length} bytes, ending at a line end. */
    record Prefix(long length, byte[] sha256, int hashedLines) {
        Prefix {
            requireNonNull(sha256, "sha256 is null");
        }

        boolean sameAs(Prefix o) {
            return o != null && length == o.length && hashedLines == o.hashedLines
                    && MessageDigest.isEqual(sha256, o.sha256);
        }
    }

    /** A parsed cache file. */
    private record Stored(byte[] key, Prefix prefix, Map<Token, Entry> entries) {}

    private final Path path;
    private final byte[] key;
    private final int[] tokenPads = new int[Sha1.PADS];
    /** The prefix the cache read at open described (a prefix of {@link #current}), or null. */
    private final Prefix loaded;
    /** The known_hosts content this process read, up to its last line end. */
    private final Prefix current;
    private final ConcurrentHashMap<Token, Entry> entries;
    private volatile boolean dirty;

    private KnownHostsCacheFile(Path path, byte[] key, Prefix loaded, Prefix current, Map<Token, Entry> entries) {
        this.path = path;
        this.key = key;
        this.loaded = loaded;
        this.current = current;
        this.entries = new ConcurrentHashMap<>(entries);
        Sha1.padStates(key, 0, key.length, tokenPads, 0, new int[Sha1.SCHEDULE]);
    }

    /**
     * The cache at {@code path} for a known_hosts file whose content is {@code content} and whose hashed lines are at
     * the (1-based, ascending) line numbers {@code hashedLines}; an empty cache (to be written by {@link #flush}) when
     * the file at {@code path} is missing, unusable, or describes other content.
     */
    static KnownHostsCacheFile open(Path path, byte[] content, int[] hashedLines) {
        requireNonNull(path, "path is null");
        requireNonNull(content, "content is null");
        int end = lastLineEnd(content, content.length);
        Stored stored = read(path);
        MessageDigest sha = sha256();
        Prefix loaded = null;
        int lines = 0;
        if (stored != null && stored.prefix().length() <= end) {
            int length = (int) stored.prefix().length();
            sha.update(content, 0, length);
            lines = newlines(content, 0, length);
            Prefix onDisk = new Prefix(length, digestOfCopy(sha), hashedWithin(lines, hashedLines));
            if (lastLineEnd(content, length) == length && onDisk.sameAs(stored.prefix())) {
                loaded = onDisk;
            }
            sha.update(content, length, end - length);
            lines += newlines(content, length, end);
        } else {
            sha.update(content, 0, end);
            lines = newlines(content, 0, end);
        }
        Prefix current = new Prefix(end, sha.digest(), hashedWithin(lines, hashedLines));
        if (loaded == null) {
            byte[] key = new byte[KEY_BYTES];
            RANDOM.nextBytes(key);
            return new KnownHostsCacheFile(path, key, null, current, Map.of());
        }
        return new KnownHostsCacheFile(path, stored.key(), loaded, current, stored.entries());
    }

    /** The cache file. */
    Path path() {
        return path;
    }

    /** Whether answers learnt since the last {@link #flush} are not on disk yet. */
    boolean dirty() {
        return dirty;
    }

    /**
     * Appends to {@code out} the ordinals in {@code [start, end)} of {@code names} (this file's hashed lines: ordinal
     * {@code start + i} is the file's hashed line {@code i}) that name the probe's name, ascending; checks only what
     * the cache does not answer, and remembers the answer.
     */
    void lookup(HashedNames.Probe probe, HashedNames names, int start, int end, HashedNames.IntList out) {
        Token token = token(probe);
        Entry cached = entries.get(token);
        int from = 0;
        if (cached != null && cached.covered() <= end - start && confirmed(cached, probe, names, start)) {
            for (int o : cached.ordinals()) {
                out.add(start + o);
            }
            from = cached.covered();
        } else {
            cached = null;
        }
        int before = out.size();
        names.scan(probe, start + from, end, out);
        if (cached == null || cached.covered() < current.hashedLines()) {
            HashedNames.IntList known = new HashedNames.IntList();
            if (cached != null) {
                for (int o : cached.ordinals()) {
                    known.add(o);
                }
            }
            for (int i = before; i < out.size(); i++) {
                int o = out.get(i) - start;
                if (o < current.hashedLines()) { // a last line without its line end is not described by the cache
                    known.add(o);
                }
            }
            entries.put(token, new Entry(current.hashedLines(), known.toArray()));
            dirty = true;
        }
    }

    /** Whether every line the cache says names the probe's name does (false: the cache is not believed). */
    private static boolean confirmed(Entry cached, HashedNames.Probe probe, HashedNames names, int start) {
        for (int o : cached.ordinals()) {
            if (!names.matches(start + o, probe)) {
                return false;
            }
        }
        return true;
    }

    private Token token(HashedNames.Probe probe) {
        int[] d = new int[Sha1.STATE];
        Sha1.hmac(tokenPads, 0, probe.message, probe.inner, d, 0);
        return new Token(d[0], d[1], d[2], d[3], d[4]);
    }

    /**
     * Writes this process's answers, merged with those another process wrote meanwhile for the same file content, to
     * the cache file (atomically). Does nothing when nothing was learnt. Never throws: a cache that cannot be written
     * only costs the next run time.
     */
    synchronized void flush() {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            Path dir = path.getParent();
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            Path lock = dir.resolve(path.getFileName() + ".lock");
            synchronized (WRITERS.computeIfAbsent(path, p -> new Object())) {
                try (FileChannel channel = FileChannel.open(
                                lock,
                                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                                PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
                        FileLock ignored = channel.lock()) {
                    Stored other = read(path);
                    if (other != null && Arrays.equals(other.key(), key)
                            && (other.prefix().sameAs(loaded) || other.prefix().sameAs(current))) {
                        other.entries().forEach((t, e) -> entries.merge(t, e, (mine, theirs) ->
                                theirs.covered() > mine.covered() ? theirs : mine));
                    }
                    replace(path, encode());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not an error for the user: the next flush retries, and a run that cannot save only costs the next
            // run the time to learn it again
            dirty = true;
        }
    }

    private byte[] encode() throws IOException {
        List<Map.Entry<Token, Entry>> kept = new ArrayList<>(entries.entrySet());
        if (kept.size() > MAX_ENTRIES) {
            // keep the answers that cover the most (those this process refreshed), drop the stalest
            kept.sort((a, b) -> Integer.compare(b.getValue().covered(), a.getValue().covered()));
            kept = kept.subList(0, MAX_ENTRIES);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + kept.size() * 40);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(FORMAT);
        out.write(key);
        out.writeLong(current.length());
        out.write(current.sha256());
        out.writeInt(current.hashedLines());
        out.writeInt(kept.size());
        for (Map.Entry<Token, Entry> e : kept) {
            Token t = e.getKey();
            out.writeInt(t.w0());
            out.writeInt(t.w1());
            out.writeInt(t.w2());
            out.writeInt(t.w3());
            out.writeInt(t.w4());
            out.writeInt(e.getValue().covered());
            out.writeInt(e.getValue().ordinals().length);
            for (int o : e.getValue().ordinals()) {
                out.writeInt(o);
            }
        }
        out.flush();
        out.write(sha256().digest(bytes.toByteArray()));
        out.flush();
        return bytes.toByteArray();
    }

    /** The cache stored at {@code path}, or null when there is none or it is not a valid cache file. */
    private static Stored read(Path path) {
        byte[] bytes;
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                return null;
            }
            bytes = Files.readAllBytes(path);
        } catch (IOException | RuntimeException e) { // NoSuchFileException: no cache yet
            return null;
        }
        try {
            return decode(bytes);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Parses a cache file; throws IllegalArgumentException or BufferUnderflowException when it is not valid. */
    private static Stored decode(byte[] bytes) {
        if (bytes.length < MAGIC.length + DIGEST_BYTES) {
            throw new IllegalArgumentException("too short");
        }
        MessageDigest sha = sha256();
        sha.update(bytes, 0, bytes.length - DIGEST_BYTES);
        byte[] stored = Arrays.copyOfRange(bytes, bytes.length - DIGEST_BYTES, bytes.length);
        if (!MessageDigest.isEqual(sha.digest(), stored)) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - DIGEST_BYTES);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC) || in.getInt() != FORMAT) {
            throw new IllegalArgumentException("not a drover known_hosts cache of format " + FORMAT);
        }
        byte[] key = new byte[KEY_BYTES];
        in.get(key);
        long length = in.getLong();
        byte[] digest = new byte[DIGEST_BYTES];
        in.get(digest);
        int hashed = in.getInt();
        int count = in.getInt();
        if (length < 0 || hashed < 0 || count < 0 || count > in.remaining() / 28) {
            throw new IllegalArgumentException("bad header");
        }
        Map<Token, Entry> entries = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            Token token = new Token(in.getInt(), in.getInt(), in.getInt(), in.getInt(), in.getInt());
            int covered = in.getInt();
            int n = in.getInt();
            if (covered < 0 || covered > hashed || n < 0 || n > covered || n > in.remaining() / 4) {
                throw new IllegalArgumentException("bad entry");
            }
            int[] ordinals = new int[n];
            for (int j = 0; j < n; j++) {
                ordinals[j] = in.getInt();
                if (ordinals[j] < 0 || ordinals[j] >= covered || (j > 0 && ordinals[j] <= ordinals[j - 1])) {
                    throw new IllegalArgumentException("bad ordinal");
                }
            }
            if (entries.put(token, new Entry(covered, ordinals)) != null) {
                throw new IllegalArgumentException("repeated entry");
            }
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes");
        }
        return new Stored(key, new Prefix(length, digest, hashed), entries);
    }

    /** Writes {@code content} to a temporary sibling ({@code rw-------}) and renames it over {@code file}. */
    private static void replace(Path file, byte[] content) throws IOException {
        Path tmp = Files.createTempFile(
                file.getParent(), "." + file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        try {
            Files.write(tmp, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The length of {@code content[0..limit)} up to and including its last line end (0 when it has none). */
    private static int lastLineEnd(byte[] content, int limit) {
        for (int i = limit - 1; i >= 0; i--) {
            if (content[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static int newlines(byte[] content, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (content[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    /** How many of the hashed lines lie within the first {@code lines} lines. */
    private static int hashedWithin(int lines, int[] hashedLines) {
        int n = 0;
        while (n < hashedLines.length && hashedLines[n] <= lines) {
            n++;
        }
        return n;
    }

    private static byte[] digestOfCopy(MessageDigest sha) {
        try {
            return ((MessageDigest) sha.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 cannot be cloned", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** For tests: the answers held, by token. */
    Map<Token, Entry> entries() {
        return Map.copyOf(entries);
    }

    /** For tests: this process's view of the file. */
    Prefix current() {
        return current;
    }

    /** For tests: whether a valid cache for a prefix of the file was read at open. */
    Optional<Prefix> loaded() {
        return Optional.ofNullable(loaded);
    }

    @Override
    public String toString() {
        return "KnownHostsCacheFile[" + path + ", " + entries.size() + " names]";
    }
}
