package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The directory where drover remembers, between runs, which hashed known_hosts lines ({@code HashKnownHosts yes})
 * name which hosts: one {@link KnownHostsCacheFile} per known_hosts file with at least {@value #MIN_HASHED_LINES}
 * hashed lines, named after the file's path. Without it every run checks every host against every hashed line (one
 * HMAC-SHA1 each: ~3 ms per host for 10,000 lines under C1); with it a host looked up by an earlier run costs a few
 * HMACs. The cache never changes an answer (see {@link KnownHostsCacheFile}).
 *
 * <p>What was learnt is written when the JVM exits (a shutdown hook) or on {@link #flush}; a process killed before
 * that just leaves the next run to learn it again. Thread-safe.
 */
public final class KnownHostsCache {
    /** Fewer hashed lines than this are checked in full every time (under ~40 µs per host with C1): no cache file. */
    public static final int MIN_HASHED_LINES = 128;
    /** Set to {@code no} to keep no cache (for users who want no record of the names looked up, even hashed). */
    public static final String DISABLE_VARIABLE = "DROVER_KNOWN_HOSTS_CACHE";

    private static final Set<KnownHostsCache> LIVE =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private static boolean hookAdded;

    private final Path dir;
    private final int minHashedLines;
    private final Set<KnownHostsCacheFile> opened =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private KnownHostsCache(Path dir, int minHashedLines) {
        this.dir = requireNonNull(dir, "dir is null").toAbsolutePath().normalize();
        if (minHashedLines < 1) {
            throw new IllegalArgumentException("minHashedLines (" + minHashedLines + ") must be 1 or more");
        }
        this.minHashedLines = minHashedLines;
    }

    /** A cache in {@code dir} (created, {@code rwx------}, when first written). */
    public static KnownHostsCache in(Path dir) {
        return new KnownHostsCache(dir, MIN_HASHED_LINES);
    }

    /** A cache in {@code dir} for files with at least {@code minHashedLines} hashed lines (tests use small files). */
    static KnownHostsCache in(Path dir, int minHashedLines) {
        return new KnownHostsCache(dir, minHashedLines);
    }

    /**
     * The cache the XDG base directory specification puts in {@code $XDG_CACHE_HOME/drover} ({@code XDG_CACHE_HOME}
     * when set to an absolute path, else {@code $HOME/.cache}, {@code HOME} defaulting to {@code userHome}); none when
     * {@value #DISABLE_VARIABLE} is {@code no}.
     */
    public static Optional<KnownHostsCache> fromEnvironment(Map<String, String> env, String userHome) {
        requireNonNull(env, "env is null");
        requireNonNull(userHome, "userHome is null");
        if ("no".equalsIgnoreCase(env.getOrDefault(DISABLE_VARIABLE, ""))) {
            return Optional.empty();
        }
        String xdg = env.getOrDefault("XDG_CACHE_HOME", "");
        Path base;
        if (!xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            base = Path.of(xdg);
        } else {
            String home = env.getOrDefault("HOME", "");
            base = Path.of(home.isEmpty() ? userHome : home, ".cache");
        }
        return Optional.of(in(base.resolve("drover")));
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /**
     * The cache file for the known_hosts file {@code file} read as {@code content}, whose hashed lines are at the
     * (1-based, ascending) line numbers {@code hashedLines}; empty when it has too few hashed lines to be worth one.
     */
    Optional<KnownHostsCacheFile> open(Path file, byte[] content, int[] hashedLines) {
        if (hashedLines.length < minHashedLines) {
            return Optional.empty();
        }
        KnownHostsCacheFile cache;
        try {
            cache = KnownHostsCacheFile.open(dir.resolve(fileName(file)), content, hashedLines);
        } catch (RuntimeException e) {
            return Optional.empty(); // never an error for the user: this run checks every line instead
        }
        opened.add(cache);
        register(this);
        return Optional.of(cache);
    }

    /** {@code known_hosts-} and 16 bytes of the SHA-256 of the file's absolute path, in hex. */
    static String fileName(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(file.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return "known_hosts-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Writes what was learnt since the last flush for every file opened through this cache. Never throws. */
    public void flush() {
        List<KnownHostsCacheFile> files;
        synchronized (opened) {
            files = new ArrayList<>(opened);
        }
        files.forEach(KnownHostsCacheFile::flush);
    }

    private static void register(KnownHostsCache cache) {
        LIVE.add(cache);
        synchronized (LIVE) {
            if (hookAdded) {
                return;
            }
            hookAdded = true;
        }
        try {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform()
                    .name("drover-known-hosts-cache")
                    .unstarted(KnownHostsCache::flushAll));
        } catch (IllegalStateException | SecurityException e) {
            // the JVM is already exiting: nothing learnt by this process will be saved, which only costs time
        }
    }

    private static void flushAll() {
        List<KnownHostsCache> caches;
        synchronized (LIVE) {
            caches = new ArrayList<>(LIVE);
        }
        caches.forEach(KnownHostsCache::flush);
    }

    @Override
    public String toString() {
        return "KnownHostsCache[" + dir + "]";
    }
}
