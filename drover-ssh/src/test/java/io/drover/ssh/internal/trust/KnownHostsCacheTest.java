package io.drover.ssh.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of hashed known_hosts lookups between runs, on real files hashed by the real {@code ssh-keygen -H}: each
 * "run" is a fresh {@link KnownHostsCache} and {@link KnownHosts#load}, as a new drover process would make. Answers
 * are compared with an uncached load of the same file; {@link KnownHosts#hashedChecks} shows whether the cache
 * answered (an answer from the cache costs one HMAC per line it names, a scan one per hashed line).
 */
class KnownHostsCacheTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final int DUMMIES = 300;

    @TempDir
    static Path keys;

    static String ed;
    static String ed2;
    static String rsa;
    static PublicKey edKey;
    static PublicKey ed2Key;
    static PublicKey rsaKey;

    @TempDir
    Path dir;

    Path file;
    Path cacheDir;
    private final List<KnownHostsCache> caches = new ArrayList<>();

    @BeforeAll
    static void generateKeys() throws Exception {
        Path e = Tools.keygen(keys.resolve("ed"), "ed25519", 0, "");
        Path e2 = Tools.keygen(keys.resolve("ed2"), "ed25519", 0, "");
        Path r = Tools.keygen(keys.resolve("rsa"), "rsa", 2048, "");
        ed = Tools.keyField(Path.of(e + ".pub"));
        ed2 = Tools.keyField(Path.of(e2 + ".pub"));
        rsa = Tools.keyField(Path.of(r + ".pub"));
        edKey = Tools.publicKey(Path.of(e + ".pub"));
        ed2Key = Tools.publicKey(Path.of(e2 + ".pub"));
        rsaKey = Tools.publicKey(Path.of(r + ".pub"));
    }

    /** 300 dummy hosts, h1 (ed25519 and rsa), h2..h6, [h5]:2222, a pattern line; hashed by ssh-keygen -H. */
    @BeforeEach
    void hashedFile() throws Exception {
        file = dir.resolve("known_hosts");
        cacheDir = dir.resolve("cache");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < DUMMIES; i++) {
            text.append("d").append(i).append(".example.org ").append(i % 2 == 0 ? ed2 : ed).append('\n');
            if (i == 100) {
                text.append("h1 ").append(ed).append('\n').append("h2 ").append(ed).append('\n');
                text.append("*.pattern.net ").append(ed).append('\n');
            }
        }
        text.append("h1 ").append(rsa).append('\n');
        for (String h : List.of("h3", "h4", "h5", "h6", "[h5]:2222")) {
            text.append(h).append(' ').append(ed).append('\n');
        }
        Files.writeString(file, text);
        Tools.ok("ssh-keygen", "-H", "-f", file.toString());
        Files.deleteIfExists(Path.of(file + ".old"));
        assertThat(Files.readString(file)).doesNotContain("h1 ").contains("*.pattern.net");
    }

    @AfterEach
    void flushBeforeTheTemporaryDirectoryGoes() {
        caches.forEach(KnownHostsCache::flush); // else the exit hook would write into a deleted directory
    }

    /** A new process's view: a fresh cache object on the same directory (threshold 1 line) and a fresh load. */
    private KnownHosts run() {
        KnownHostsCache cache = KnownHostsCache.in(cacheDir, 1);
        caches.add(cache);
        return KnownHosts.load(List.of(file), Optional.of(cache));
    }

    /** Writes what the runs so far learnt, as their exit would. */
    private void exitRuns() {
        caches.forEach(KnownHostsCache::flush);
    }

    private Path cacheFile() {
        return cacheDir.resolve(KnownHostsCache.fileName(file));
    }

    private static List<String> lines(KnownHosts kh, String name) {
        return kh.matching(name).stream().map(e -> e.line() + " " + e.marker() + " " + e.keyType()).toList();
    }

    private static HostKeyTarget target(String name) {
        return HostKeyTarget.of(name, 22, Optional.empty());
    }

    private static final List<String> NAMES = List.of(
            "h1", "h2", "h3", "H4", "h5", "[h5]:2222", "h6", "d0.example.org", "d299.example.org", "a.pattern.net",
            "absent", "[absent]:2222", "d300.example.org");

    @Test
    void hashedLinesAreFoundAsWithoutACacheAndALaterRunAsksTheCache() {
        KnownHosts uncached = KnownHosts.load(List.of(file));
        KnownHosts first = run();
        for (String name : NAMES) {
            assertThat(lines(first, name)).as(name).isEqualTo(lines(uncached, name));
        }
        int hashedLines = (int) first.entries().stream().filter(KnownHostsEntry::hashed).count();
        assertThat(first.hashedChecks()).isEqualTo((long) hashedLines * NAMES.size());
        // the same names again in the same run: remembered, no HMAC at all
        NAMES.forEach(first::matching);
        assertThat(first.hashedChecks()).isEqualTo((long) hashedLines * NAMES.size());
        exitRuns();

        KnownHosts second = run();
        long named = 0;
        for (String name : NAMES) {
            assertThat(lines(second, name)).as(name).isEqualTo(lines(uncached, name));
            named += uncached.matching(name).stream().filter(KnownHostsEntry::hashed).count();
        }
        // h1 x2, h2, h3, h5, [h5]:2222, h6, d0, d299; not H4: hashed names are compared exactly (HostKeyTarget
        // lower-cases host names before they get here, as ssh does)
        assertThat(named).isEqualTo(9);
        assertThat(second.hashedChecks()).as("one HMAC per cached line, none for the others").isEqualTo(named);
    }

    @Test
    void aCachedHostStillRefusesAChangedKey() {
        KnownHosts first = run();
        assertThat(first.verify(target("h2"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Known.class);
        int line = first.matching("h2").get(0).line();
        exitRuns();

        KnownHosts second = run();
        assertThat(second.verify(target("h2"), ed2Key, NOW)).isInstanceOfSatisfying(HostKeyVerdict.Changed.class, c -> {
            assertThat(c.file()).isEqualTo(file);
            assertThat(c.line()).isEqualTo(line);
        });
        assertThat(second.verify(target("h1"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Known.class);
        assertThat(second.hashedChecks()).isEqualTo(1 + (DUMMIES + 8)); // h2 from the cache; h1 was never asked
    }

    @Test
    void aRevokedLineAppendedAfterTheCacheWasWrittenIsHonoured() throws Exception {
        run().verify(target("h3"), edKey, NOW);
        exitRuns();
        byte[] salt = new byte[20];
        new Random(3).nextBytes(salt);
        Files.writeString(file, "@revoked " + KnownHostsEntry.hashName("h3", salt) + " " + ed + "\n",
                java.nio.file.StandardOpenOption.APPEND);

        KnownHosts second = run();
        assertThat(second.verify(target("h3"), edKey, NOW)).isInstanceOfSatisfying(HostKeyVerdict.Revoked.class,
                r -> assertThat(r.line()).isEqualTo(DUMMIES + 10));
        assertThat(second.hashedChecks()).as("the cached line, then the appended one").isEqualTo(2);
        exitRuns();
        assertThat(run().verify(target("h3"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Revoked.class);
    }

    @Test
    void aRevokedLineKnownToTheCacheIsHonoured() throws Exception {
        byte[] salt = new byte[20];
        new Random(4).nextBytes(salt);
        Files.writeString(file, "@revoked " + KnownHostsEntry.hashName("h4", salt) + " " + ed + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(run().verify(target("h4"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Revoked.class);
        exitRuns();
        KnownHosts second = run();
        assertThat(second.verify(target("h4"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Revoked.class);
        assertThat(second.hashedChecks()).isEqualTo(2);
    }

    @Test
    void aRemovedLineIsNoLongerFound() throws Exception {
        assertThat(run().verify(target("h5"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Known.class);
        exitRuns();
        Tools.ok("ssh-keygen", "-R", "h5", "-f", file.toString());
        assertThat(KnownHosts.load(List.of(file)).matching("h5")).isEmpty();

        KnownHosts second = run();
        assertThat(second.verify(target("h5"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Unknown.class);
        assertThat(second.verify(target("[h5]:2222"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Known.class);
    }

    @Test
    void aReplacedKeyIsSeen() throws Exception {
        KnownHosts first = run();
        assertThat(first.verify(target("h6"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Known.class);
        String field = first.matching("h6").get(0).hosts();
        exitRuns();
        Files.writeString(file, Files.readString(file).replace(field + " " + ed, field + " " + ed2));

        KnownHosts second = run();
        assertThat(second.verify(target("h6"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Changed.class);
        assertThat(second.verify(target("h6"), ed2Key, NOW)).isInstanceOf(HostKeyVerdict.Known.class);
    }

    @Test
    void aHostAppendedAfterANegativeAnswerIsFound() {
        KnownHosts first = run();
        assertThat(first.verify(target("new.example.com"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Unknown.class);
        exitRuns();
        assertThat(KnownHostsWriter.append(file, "new.example.com", edKey, true))
                .isInstanceOf(KnownHostsWriter.Outcome.Added.class);

        KnownHosts second = run();
        assertThat(second.verify(target("new.example.com"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Known.class);
        assertThat(second.hashedChecks()).as("the negative answer covers all but the appended line").isEqualTo(1);
    }

    @Test
    void aHostInsertedAboveOtherLinesAfterANegativeAnswerIsFound() throws Exception {
        assertThat(run().verify(target("top.example.com"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Unknown.class);
        exitRuns();
        byte[] salt = new byte[20];
        new Random(5).nextBytes(salt);
        Files.writeString(file, KnownHostsEntry.hashName("top.example.com", salt) + " " + ed + "\n"
                + Files.readString(file));
        assertThat(run().verify(target("top.example.com"), edKey, NOW))
                .isInstanceOfSatisfying(HostKeyVerdict.Known.class, k -> assertThat(k.entry().line()).isEqualTo(1));
    }

    @Test
    void aLineRemovedThenRestoredIsFoundAgain() throws Exception {
        byte[] original = Files.readAllBytes(file);
        Tools.ok("ssh-keygen", "-R", "h3", "-f", file.toString());
        assertThat(run().verify(target("h3"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Unknown.class);
        exitRuns();
        Files.write(file, original);
        assertThat(run().verify(target("h3"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Known.class);
    }

    @Test
    void aCorruptCacheIsIgnoredAndRebuilt() throws Exception {
        KnownHosts uncached = KnownHosts.load(List.of(file));
        NAMES.forEach(run()::matching);
        exitRuns();
        byte[] good = Files.readAllBytes(cacheFile());
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        Map<String, byte[]> corruptions = Map.of(
                "empty", new byte[0],
                "truncated", Arrays.copyOf(good, good.length - 5),
                "one bit flipped", flipped,
                "garbage", "not a cache\n".repeat(50).getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> c : corruptions.entrySet()) {
            Files.write(cacheFile(), c.getValue());
            KnownHosts kh = run();
            for (String name : NAMES) {
                assertThat(lines(kh, name)).as(c.getKey() + ": " + name).isEqualTo(lines(uncached, name));
            }
            exitRuns();
            KnownHosts rebuilt = run();
            NAMES.forEach(rebuilt::matching);
            assertThat(rebuilt.hashedChecks()).as(c.getKey() + ": rebuilt").isEqualTo(9);
        }
        Files.delete(cacheFile());
        Files.createDirectory(cacheFile());
        assertThat(lines(run(), "h1")).isEqualTo(lines(uncached, "h1"));
        exitRuns(); // cannot replace a directory: ignored
    }

    @Test
    void aCacheEntryNamingAnotherLineIsNotBelieved() throws Exception {
        KnownHosts uncached = KnownHosts.load(List.of(file));
        KnownHosts first = run();
        first.matching("h2");
        first.matching("h3");
        exitRuns();
        // Rewrite the cache as an attacker or a bug might, with a valid checksum: h2's answer names h3's line.
        byte[] bytes = Files.readAllBytes(cacheFile());
        int keyAt = "drover known_hosts cache\n".length() + 4;
        byte[] key = Arrays.copyOfRange(bytes, keyAt, keyAt + 32);
        int h2 = indexOf(bytes, token(key, "h2"));
        int h3 = indexOf(bytes, token(key, "h3"));
        assertThat(h2).isPositive();
        assertThat(h3).isPositive();
        byte[] h3Ordinal = Arrays.copyOfRange(bytes, h3 + 28, h3 + 32); // token, covered, count, ordinal
        System.arraycopy(h3Ordinal, 0, bytes, h2 + 28, 4);
        byte[] sum = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes, bytes.length - 32));
        System.arraycopy(sum, 0, bytes, bytes.length - 32, 32);
        Files.write(cacheFile(), bytes);

        KnownHosts second = run();
        assertThat(lines(second, "h2")).isEqualTo(lines(uncached, "h2"));
        assertThat(second.verify(target("h2"), edKey, NOW)).isInstanceOfSatisfying(HostKeyVerdict.Known.class,
                k -> assertThat(k.entry().line()).isEqualTo(uncached.matching("h2").get(0).line()));
    }

    private static byte[] token(byte[] key, String name) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        return mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void theCacheHoldsNoHostNameInClearAndOnlyItsOwnerCanReadIt() throws Exception {
        KnownHosts first = run();
        NAMES.forEach(first::matching);
        exitRuns();
        byte[] bytes = Files.readAllBytes(cacheFile());
        String latin = new String(bytes, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        // Only names of 6 characters or more: the file is mostly random bytes (keyed hashes), and a 2-byte name
        // such as "h6" turns up in ~10 KB of random bytes by chance in about one run in twenty.
        List<String> distinctive = NAMES.stream().filter(n -> n.length() >= 6).toList();
        assertThat(distinctive).hasSizeGreaterThanOrEqualTo(6);
        for (String name : distinctive) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            assertThat(latin).as(name).doesNotContain(lower);
            assertThat(indexOf(bytes, lower.getBytes(StandardCharsets.UTF_16BE))).as(name).isNegative();
            String base64 = java.util.Base64.getEncoder().encodeToString(lower.getBytes(StandardCharsets.UTF_8));
            assertThat(latin).doesNotContain(base64.replace("=", "").toLowerCase(java.util.Locale.ROOT));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir))).isEqualTo("rwx------");
        try (var files = Files.list(cacheDir)) {
            for (Path p : files.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString())
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void filesWithFewHashedLinesGetNoCacheFile() {
        KnownHostsCache cache = KnownHostsCache.in(cacheDir, DUMMIES + 100);
        caches.add(cache);
        KnownHosts kh = KnownHosts.load(List.of(file), Optional.of(cache));
        assertThat(kh.verify(target("h1"), edKey, NOW)).isInstanceOf(HostKeyVerdict.Known.class);
        cache.flush();
        assertThat(cacheDir).doesNotExist();
    }

    @Test
    void threadsLookingUpWhileTwoCachesFlushLeaveAValidMergedCache() throws Exception {
        KnownHosts uncached = KnownHosts.load(List.of(file));
        run().matching("h1"); // both "processes" start from the same cache
        exitRuns();
        caches.clear();
        KnownHosts a = run();
        KnownHosts b = run();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < DUMMIES; i += 7) {
            all.add("d" + i + ".example.org");
            all.add("nowhere" + i);
        }
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            KnownHosts kh = t % 2 == 0 ? a : b;
            KnownHostsCache cache = caches.get(t % 2);
            int offset = t;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = offset; i < all.size(); i += 8) {
                    String name = all.get(i);
                    if (!lines(kh, name).equals(lines(uncached, name))) {
                        wrong.add(name);
                    }
                    if (i % 5 == 0) {
                        cache.flush();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            assertThat(t.join(java.time.Duration.ofSeconds(60))).isTrue();
        }
        exitRuns();
        assertThat(wrong).isEmpty();

        KnownHosts later = run();
        for (String name : all) {
            assertThat(lines(later, name)).as(name).isEqualTo(lines(uncached, name));
        }
        assertThat(later.hashedChecks()).as("every name either process looked up is answered by the cache")
                .isEqualTo(all.size() / 2);
    }

    @Test
    void twoProcessesAtOnceMergeTheirAnswersAtExit() throws Exception {
        KnownHosts uncached = KnownHosts.load(List.of(file));
        run().matching("h1");
        exitRuns();
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<List<String>> halves = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < DUMMIES; i += 3) {
            halves.get(i % 2).add("d" + i + ".example.org");
            halves.get(1 - i % 2).add("missing" + i);
        }
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp, CacheLookupMain.class.getName(),
                    file.toString(), cacheDir.toString()));
            cmd.addAll(halves.get(c));
            children.add(new ProcessBuilder(cmd).redirectError(dir.resolve("child" + c + ".err").toFile()).start());
        }
        for (int c = 0; c < 2; c++) {
            Process p = children.get(c);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("child" + c + ".err"))).isZero();
            List<String> expected = new ArrayList<>();
            for (String name : halves.get(c)) {
                expected.add(name + " " + uncached.matching(name).stream().map(KnownHostsEntry::line).toList());
            }
            assertThat(out.lines().toList()).isEqualTo(expected);
        }
        KnownHosts later = run();
        int positives = 0;
        for (List<String> half : halves) {
            for (String name : half) {
                assertThat(lines(later, name)).as(name).isEqualTo(lines(uncached, name));
                positives += uncached.matching(name).size();
            }
        }
        assertThat(later.hashedChecks()).as("both processes' answers are in the cache").isEqualTo(positives);
    }

    @Test
    void theEnvironmentNamesTheCacheDirectoryOrTurnsItOff() {
        assertThat(KnownHostsCache.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/u"), "/root"))
                .get().extracting(KnownHostsCache::directory).isEqualTo(Path.of("/x/cache/drover"));
        assertThat(KnownHostsCache.fromEnvironment(Map.of("XDG_CACHE_HOME", "relative", "HOME", "/home/u"), "/root"))
                .get().extracting(KnownHostsCache::directory).isEqualTo(Path.of("/home/u/.cache/drover"));
        assertThat(KnownHostsCache.fromEnvironment(Map.of(), "/root"))
                .get().extracting(KnownHostsCache::directory).isEqualTo(Path.of("/root/.cache/drover"));
        assertThat(KnownHostsCache.fromEnvironment(Map.of(KnownHostsCache.DISABLE_VARIABLE, "no"), "/root"))
                .isEmpty();
    }
}
