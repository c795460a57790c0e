package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.SshException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends host keys to a known_hosts file so that any number of threads and processes appending at once never
 * corrupt it nor list a key twice.
 *
 * <p>How: callers queue their line per file; whoever holds the in-process lock takes every queued line (group commit),
 * takes an exclusive {@link FileChannel#lock() lock} on the sidecar file {@code <file>.lock} (other processes),
 * re-reads the file, drops lines already listed, writes the whole new content to a temporary file in the same
 * directory, fsyncs it, renames it over the file atomically, and fsyncs the directory. The file's permissions are
 * kept; a new file gets {@code rw-r--r--}, a new directory {@code rwx------}. A path that exists but is not a regular
 * file (e.g. {@code /dev/null}) is never written. Thread-safe.
 */
public final class KnownHostsWriter {

    /** What happened to one appended key. */
    public sealed interface Outcome {
        /** The line was written. */
        record Added(KnownHostsEntry entry) implements Outcome {}

        /** The key was already listed for the name (by another thread or process, or earlier). */
        record AlreadyListed(KnownHostsEntry entry) implements Outcome {}

        /** Meanwhile the file came to list a different key of that type, or revoke this one: nothing written. */
        record Conflict(HostKeyVerdict verdict) implements Outcome {}

        /** The file is not a regular file (e.g. {@code /dev/null}); nothing written, as ssh would write nothing. */
        record NotRecorded(String reason) implements Outcome {}
    }

    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> NEW_DIR = PosixFilePermissions.fromString("rwx------");
    private static final ConcurrentHashMap<Path, FileState> STATES = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Request(String name, PublicKey key, boolean hash, CompletableFuture<Outcome> result) {}

    private static final class FileState {
        final ReentrantLock lock = new ReentrantLock();
        final ConcurrentLinkedQueue<Request> pending = new ConcurrentLinkedQueue<>();
    }

    private KnownHostsWriter() {}

    /**
     * Appends {@code name keytype base64} (the name hashed when {@code hash}) to {@code file} unless the key is
     * already listed for the name. Blocks until the line is durable. For a certificate the certified plain key is
     * written.
     *
     * @throws SshException of kind CONFIG naming the file when it cannot be read or written
     */
    public static Outcome append(Path file, String name, PublicKey key, boolean hash) {
        requireNonNull(file, "file is null");
        requireNonNull(name, "name is null");
        requireNonNull(key, "key is null");
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ',')) {
            throw new IllegalArgumentException("name (" + name + ") must be non-empty, without blanks or commas");
        }
        Path target = resolve(file);
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            return new Outcome.NotRecorded(file + " is not a regular file");
        }
        FileState state = STATES.computeIfAbsent(target, p -> new FileState());
        Request request = new Request(name, Fingerprints.plain(key), hash, new CompletableFuture<>());
        state.pending.add(request);
        state.lock.lock();
        try {
            if (!request.result().isDone()) {
                List<Request> batch = new ArrayList<>();
                for (Request r; (r = state.pending.poll()) != null; ) {
                    batch.add(r);
                }
                try {
                    writeBatch(target, batch);
                } catch (RuntimeException | Error e) {
                    batch.forEach(r -> r.result().completeExceptionally(e)); // nobody may wait forever
                    if (e instanceof Error error) {
                        throw error;
                    }
                }
            }
        } finally {
            state.lock.unlock();
        }
        try {
            return request.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            // unreachable: the future is complete once the lock section ends
            Thread.currentThread().interrupt();
            throw new SshException(SshException.Kind.CONFIG, "interrupted while recording a host key", e);
        }
    }

    /** The file itself when it is a symlink to one (write where ssh would), else the absolute normalized path. */
    private static Path resolve(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(abs)) {
            try {
                return abs.toRealPath();
            } catch (IOException e) {
                return abs; // dangling link: creating the file replaces the link, as rename would
            }
        }
        return abs;
    }

    private static void writeBatch(Path file, List<Request> batch) {
        Path dir = file.getParent();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(NEW_DIR));
            }
            Path lockFile = dir.resolve(file.getFileName() + ".lock");
            try (FileChannel lockChannel = FileChannel.open(
                            lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = lockChannel.lock()) {
                writeLocked(file, batch);
            }
        } catch (IOException e) {
            throw new SshException(
                    SshException.Kind.CONFIG, "cannot record host keys in " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeLocked(Path file, List<Request> batch) throws IOException {
        String old = KnownHosts.read(file).orElse("");
        KnownHosts current = KnownHosts.parse(file, old);
        int lines = lineCount(old);
        StringBuilder added = new StringBuilder();
        List<Runnable> completions = new ArrayList<>();
        for (Request r : batch) {
            HostKeyVerdict verdict = current.verify(new HostKeyTarget(r.name(), r.name()), r.key(), Instant.EPOCH);
            Outcome outcome =
                    switch (verdict) {
                        case HostKeyVerdict.Known k -> new Outcome.AlreadyListed(k.entry());
                        case HostKeyVerdict.CertAuthorityMatch m -> new Outcome.AlreadyListed(m.authority());
                        case HostKeyVerdict.Changed c -> new Outcome.Conflict(c);
                        case HostKeyVerdict.Revoked rv -> new Outcome.Conflict(rv);
                        case HostKeyVerdict.Unknown u -> {
                            byte[] blob = Fingerprints.blob(r.key());
                            String type = Fingerprints.blobType(blob);
                            String hosts = r.hash() ? KnownHostsEntry.hashName(r.name(), salt()) : r.name();
                            added.append(hosts)
                                    .append(' ')
                                    .append(type)
                                    .append(' ')
                                    .append(Base64.getEncoder().encodeToString(blob))
                                    .append('\n');
                            KnownHostsEntry entry = new KnownHostsEntry(
                                    file, ++lines, KnownHostsEntry.Marker.NONE, hosts, type, blob, "");
                            current = current.plus(List.of(entry));
                            yield new Outcome.Added(entry);
                        }
                    };
            completions.add(() -> r.result().complete(outcome));
        }
        if (!added.isEmpty()) {
            String separator = old.isEmpty() || old.endsWith("\n") ? "" : "\n";
            replace(file, old + separator + added);
        }
        completions.forEach(Runnable::run);
    }

    private static int lineCount(String content) {
        if (content.isEmpty()) {
            return 0;
        }
        int n = (int) content.chars().filter(c -> c == '\n').count();
        return content.endsWith("\n") ? n : n + 1;
    }

    private static byte[] salt() {
        byte[] salt = new byte[20];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /** Writes {@code content} to a temporary sibling, fsyncs it, renames it over {@code file}, fsyncs the directory. */
    private static void replace(Path file, String content) throws IOException {
        Path dir = file.getParent();
        Set<PosixFilePermission> perms = Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                ? Files.getPosixFilePermissions(file)
                : NEW_FILE;
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, perms);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // directories cannot be opened for fsync on every platform; the rename itself is atomic
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
