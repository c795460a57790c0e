package io.drover.bench.jmh;

import io.drover.ssh.internal.trust.HostKeyTarget;
import io.drover.ssh.internal.trust.HostKeyVerdict;
import io.drover.ssh.internal.trust.KnownHosts;
import io.drover.ssh.internal.trust.KnownHostsCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Host key checking against a known_hosts file of 10,000 hosts (one {@code ssh-ed25519} line each, plus an
 * {@code @cert-authority} pattern line and a wildcard line), through {@link KnownHosts}: the class drover-ssh's
 * {@code HostKeyTrust} loads once per run and asks once per connection. It is public but lives in drover-ssh's
 * {@code internal.trust} package: drover's public API ({@code Ssh}) reaches it only through a real handshake, so this
 * benchmark calls it directly.
 *
 * <ul>
 *   <li>{@link #load}: {@link KnownHosts#load} of the file (read, parse, index), once per run;</li>
 *   <li>{@link #verify}: {@link KnownHosts#verify} of one host's presented key, the 10,000 hosts in turn: once per
 *       connection, the first check of each host in the process (a run checks each host once; a repeated check is
 *       answered from memory). The key is decoded from its wire form as MINA hands it to the verifier.</li>
 *   <li>{@link #runWithWarmCache}: a later run's whole host-key work for 1,000 hosts: {@link KnownHosts#load} with
 *       the {@link KnownHostsCache} an earlier run left (reading it and checking the file's SHA-256), then one
 *       {@link KnownHosts#verify} per host. Divide by 1,000 for the cost per host. With {@code plain} lines there is
 *       nothing to cache: the same work for a plain file, for comparison.</li>
 * </ul>
 *
 * <p>{@link #format}: {@code plain} lines name the host ({@code ssh-keyscan} output, the bench fleet's file);
 * {@code hashed} lines are {@code |1|salt|hmac} as OpenSSH writes them with {@code HashKnownHosts yes}, Debian's and
 * Ubuntu's default in {@code /etc/ssh/ssh_config}: a hashed name cannot be indexed, so every lookup computes one
 * HMAC-SHA1 per hashed line.
 *
 * <p>Why it matters: a run verifies every host's key, so the lookup is paid per host, and a lookup that scans the file
 * is O(hosts x lines) per run. Scores are microseconds per operation. {@link C1} runs with the launcher's flags for
 * {@code drover run} (C1 only), {@link C2} with full tiered compilation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class KnownHostsLookup {
    static final int HOSTS = 10_000;
    /** Hosts in one run of {@link #runWithWarmCache}. */
    static final int RUN_HOSTS = 1_000;

    /** {@code plain} host names or {@code hashed} ones (HashKnownHosts yes). */
    @Param({"plain", "hashed"})
    public String format;

    private Path dir;
    private Path file;
    private Path cacheDir;
    private boolean hashed;
    private KnownHosts knownHosts;
    private HostKeyTarget[] targets;
    private PublicKey[] keys;
    private Instant now;
    private int next;

    @Setup
    public void setUp() throws IOException, GeneralSecurityException {
        hashed = switch (format) {
            case "plain" -> false;
            case "hashed" -> true;
            default -> throw new IllegalArgumentException("format must be plain or hashed, not " + format);
        };
        Random random = new Random(5);
        Base64.Encoder b64 = Base64.getEncoder();
        Mac hmac = Mac.getInstance("HmacSHA1");
        StringBuilder text = new StringBuilder(HOSTS * 160);
        text.append("@cert-authority *.example.com ").append(keyLine(b64)).append(" ca\n");
        text.append("*.lab.example.net ").append(keyLine(b64)).append(" lab\n");
        targets = new HostKeyTarget[HOSTS];
        keys = new PublicKey[HOSTS];
        for (int i = 0; i < HOSTS; i++) {
            String name = String.format("node-%05d.dc%d.example.org", i + 1, i % 4 + 1);
            targets[i] = HostKeyTarget.of(name, 22, Optional.empty());
            PublicKey key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic();
            ByteArrayBuffer wire = new ByteArrayBuffer();
            wire.putRawPublicKey(key);
            byte[] blob = wire.getCompactData();
            keys[i] = new ByteArrayBuffer(blob).getRawPublicKey();
            if (hashed) {
                byte[] salt = new byte[20];
                random.nextBytes(salt);
                hmac.init(new SecretKeySpec(salt, "HmacSHA1"));
                byte[] hash = hmac.doFinal(name.getBytes(StandardCharsets.UTF_8));
                text.append("|1|").append(b64.encodeToString(salt)).append('|').append(b64.encodeToString(hash));
            } else {
                text.append(name);
            }
            text.append(" ssh-ed25519 ").append(b64.encodeToString(blob)).append('\n');
        }
        dir = Files.createTempDirectory("drover-jmh-known-hosts");
        file = dir.resolve("known_hosts");
        Files.writeString(file, text);
        knownHosts = load();
        now = Instant.now();
        if (knownHosts.entries().size() != HOSTS + 2 || !knownHosts.problems().isEmpty()) {
            throw new IllegalStateException("known_hosts has " + knownHosts.entries().size() + " entries and problems "
                    + knownHosts.problems());
        }
        for (int i : new int[] {0, HOSTS - 1}) {
            if (!(knownHosts.verify(targets[i], keys[i], now) instanceof HostKeyVerdict.Known)) {
                throw new IllegalStateException("host " + targets[i] + " is not known with its own key");
            }
        }
        knownHosts = load(); // not remembering the two hosts just checked
        // what an earlier run leaves: the cache of RUN_HOSTS hosts' lookups (RUN_HOSTS scans: seconds under C1)
        cacheDir = dir.resolve("cache");
        KnownHostsCache earlier = KnownHostsCache.in(cacheDir);
        KnownHosts first = KnownHosts.load(List.of(file), Optional.of(earlier));
        for (int i = 0; i < RUN_HOSTS; i++) {
            first.verify(targets[i], keys[i], now);
        }
        earlier.flush();
    }

    private static String keyLine(Base64.Encoder b64) throws GeneralSecurityException {
        ByteArrayBuffer wire = new ByteArrayBuffer();
        wire.putRawPublicKey(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        return "ssh-ed25519 " + b64.encodeToString(wire.getCompactData());
    }

    @TearDown
    public void tearDown() throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Reads, parses and indexes the 10,002-line file. */
    @Benchmark
    public KnownHosts load() {
        return KnownHosts.load(List.of(file));
    }

    /** Checks the next host's presented key, the first time in this snapshot. */
    @Benchmark
    public HostKeyVerdict verify() {
        int i = next;
        next = i + 1 == HOSTS ? 0 : i + 1;
        if (next == 0 && hashed) {
            knownHosts = load(); // all hosts checked: forget them (not reached at ~3 ms per hashed check)
        }
        return knownHosts.verify(targets[i], keys[i], now);
    }

    /** A later run: load with the earlier run's cache, check 1,000 hosts' keys. */
    @Benchmark
    public int runWithWarmCache() {
        KnownHostsCache cache = KnownHostsCache.in(cacheDir);
        KnownHosts run = KnownHosts.load(List.of(file), Optional.of(cache));
        int known = 0;
        for (int i = 0; i < RUN_HOSTS; i++) {
            if (run.verify(targets[i], keys[i], now) instanceof HostKeyVerdict.Known) {
                known++;
            }
        }
        if (known != RUN_HOSTS) {
            throw new IllegalStateException(known + " of " + RUN_HOSTS + " hosts known");
        }
        return known;
    }

    /** With the launcher's flags for {@code drover run}: serial GC, C1 only. */
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC, JvmFlags.C1_ONLY})
    public static class C1 extends KnownHostsLookup {}

    /** Full tiered compilation (C1 and C2), serial GC. */
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC})
    public static class C2 extends KnownHostsLookup {}
}
