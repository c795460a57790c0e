package io.drover.ssh.internal;

import io.drover.ssh.SshException;
import io.drover.ssh.config.HostConfig;
import io.drover.ssh.internal.trust.HostKeyTrust;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.compression.Compression;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

/**
 * Turns the algorithm options of a {@link HostConfig} into MINA factory lists, in preference order.
 *
 * <p>Key exchange: when the config leaves {@code KexAlgorithms} at OpenSSH's default, drover uses its own order
 * ({@link #DEFAULT_KEX}): the post-quantum hybrid {@code mlkem768x25519-sha256} first (cheap: ML-KEM costs about as
 * much as X25519), then {@code curve25519-sha256}, and only then {@code sntrup761x25519-sha512}, whose Java
 * implementation costs far more client CPU per handshake than X25519 (see {@code io.drover.ssh.Ssh}'s Javadoc for
 * the measured figures). A list the user wrote is honoured in the user's order. Names MINA does not implement are
 * skipped, as OpenSSH skips names it does not know.
 *
 * <p>Ciphers: when the config leaves {@code Ciphers} at OpenSSH's default, AES-GCM goes first in a JVM that runs it on
 * the CPU's AES instructions ({@link FastAesGcm}), ChaCha20 first (OpenSSH's order) elsewhere.
 */
public final class Algorithms {

    /** drover's key exchange preference when the user did not choose. */
    public static final List<String> DEFAULT_KEX = List.of(
            "mlkem768x25519-sha256",
            "curve25519-sha256",
            "curve25519-sha256@libssh.org",
            "sntrup761x25519-sha512",
            "sntrup761x25519-sha512@openssh.com",
            "ecdh-sha2-nistp256",
            "ecdh-sha2-nistp384",
            "ecdh-sha2-nistp521",
            "diffie-hellman-group-exchange-sha256",
            "diffie-hellman-group16-sha512",
            "diffie-hellman-group18-sha512",
            "diffie-hellman-group14-sha256");

    /** Default KexAlgorithms lists of OpenSSH releases, as {@code ssh -G} prints them: any of these means "not set". */
    private static final List<Set<String>> OPENSSH_DEFAULT_KEX = List.of(
            Set.of("sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org",
                    "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                    "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
                    "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256"),
            Set.of("sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
                    "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                    "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
                    "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256"),
            Set.of("mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
                    "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
                    "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
                    "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256"));

    /** OpenSSH's default cipher order; drover's too where AES-GCM is slow ({@link FastAesGcm}). */
    static final List<String> DEFAULT_CIPHERS = List.of("chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr",
            "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com");

    /**
     * drover's cipher order where the JVM runs AES-GCM on the CPU's AES instructions: the same set, AES-GCM first
     * (cheaper than MINA's pure-Java ChaCha20 for the controller, and than ChaCha20 in OpenSSL for the servers).
     */
    static final List<String> FAST_AES_CIPHERS = List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
            "chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr");

    /** OpenSSH's default MAC order (umac-* are not implemented by MINA and skipped). */
    static final List<String> DEFAULT_MACS = List.of("umac-64-etm@openssh.com", "umac-128-etm@openssh.com",
            "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com",
            "umac-64@openssh.com", "umac-128@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1");

    /** OpenSSH's default host key algorithm order. */
    static final List<String> DEFAULT_HOST_KEY_ALGORITHMS = List.of("ssh-ed25519-cert-v01@openssh.com",
            "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
            "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com",
            "rsa-sha2-256-cert-v01@openssh.com", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-512",
            "rsa-sha2-256");

    /** MINA's factories by name, looked up once: MINA's own {@code fromFactoryName} scans every factory per call (names compare
     * case-insensitively, as there). */
    private static final Map<String, BuiltinDHFactories> KEX_BY_NAME = byName(BuiltinDHFactories.VALUES,
            BuiltinDHFactories::getName);
    private static final Map<String, BuiltinCiphers> CIPHERS_BY_NAME = byName(BuiltinCiphers.VALUES,
            BuiltinCiphers::getName);
    private static final Map<String, BuiltinMacs> MACS_BY_NAME = byName(BuiltinMacs.VALUES, BuiltinMacs::getName);
    private static final Map<String, BuiltinSignatures> SIGNATURES_BY_NAME = byName(BuiltinSignatures.VALUES,
            BuiltinSignatures::getName);

    private Algorithms() {}

    private static <T> Map<String, T> byName(Collection<T> values, Function<T, String> name) {
        Map<String, T> out = new HashMap<>();
        for (T v : values) {
            out.put(name.apply(v).toLowerCase(Locale.ROOT), v);
        }
        return Map.copyOf(out);
    }

    /** The key exchange names to offer, in order (drover's default when the config did not choose). */
    public static List<String> kexNames(HostConfig config) {
        List<String> configured = config.kexAlgorithms();
        boolean isDefault = configured.isEmpty()
                || OPENSSH_DEFAULT_KEX.stream().anyMatch(d -> d.equals(new LinkedHashSet<>(configured)));
        return isDefault ? DEFAULT_KEX : configured;
    }

    static List<KeyExchangeFactory> kex(HostConfig config) {
        List<KeyExchangeFactory> out = new ArrayList<>();
        for (String name : kexNames(config)) {
            BuiltinDHFactories f = KEX_BY_NAME.get(name.toLowerCase(Locale.ROOT));
            if (f != null && f.isSupported()) {
                out.add(ClientBuilder.DH2KEX.apply(f));
            }
        }
        return nonEmpty(out, "KexAlgorithms", config.kexAlgorithms(), config);
    }

    /**
     * The cipher names to offer, in order: a list the user wrote (ssh_config or {@code -o}) as written; otherwise
     * {@link #FAST_AES_CIPHERS} when {@code fastAes}, else OpenSSH's default order.
     */
    static List<String> cipherNames(HostConfig config, BooleanSupplier fastAes) {
        List<String> configured = config.ciphers();
        if (!configured.isEmpty() && !Set.copyOf(configured).equals(Set.copyOf(DEFAULT_CIPHERS))) {
            return configured;
        }
        // only asked when the choice is drover's (FastAesGcm reads an MXBean once in a C2 JVM)
        return fastAes.getAsBoolean() ? FAST_AES_CIPHERS : DEFAULT_CIPHERS;
    }

    static List<NamedFactory<Cipher>> ciphers(HostConfig config) {
        List<NamedFactory<Cipher>> out = new ArrayList<>();
        for (String name : cipherNames(config, FastAesGcm::available)) {
            BuiltinCiphers c = CIPHERS_BY_NAME.get(name.toLowerCase(Locale.ROOT));
            if (c != null && c.isSupported()) {
                out.add(c);
            }
        }
        return nonEmpty(out, "Ciphers", config.ciphers(), config);
    }

    static List<NamedFactory<Mac>> macs(HostConfig config) {
        List<NamedFactory<Mac>> out = new ArrayList<>();
        for (String name : orDefault(config.macs(), DEFAULT_MACS)) {
            BuiltinMacs m = MACS_BY_NAME.get(name.toLowerCase(Locale.ROOT));
            if (m != null && m.isSupported()) {
                out.add(m);
            }
        }
        return nonEmpty(out, "MACs", config.macs(), config);
    }

    /**
     * Host key (signature) algorithms in the order {@link HostKeyTrust#hostKeyAlgorithms} gives (OpenSSH's: the key
     * types already in known_hosts for this host first, unless the user wrote an explicit list), restricted to what
     * MINA implements. MINA signs publickey authentication with these factories too, so when the list was not
     * written by the user the remaining MINA signatures (e.g. {@code ssh-rsa}) follow for old servers' user auth.
     */
    static List<NamedFactory<Signature>> signatures(HostConfig config, HostKeyTrust trust) {
        List<String> configured = config.hostKeyAlgorithms();
        boolean explicit = !configured.isEmpty() && !configured.containsAll(DEFAULT_HOST_KEY_ALGORITHMS);
        List<String> names = new ArrayList<>(trust.hostKeyAlgorithms(config, !explicit));
        if (names.isEmpty()) {
            names.addAll(DEFAULT_HOST_KEY_ALGORITHMS);
        }
        List<NamedFactory<Signature>> out = new ArrayList<>();
        for (String name : names) {
            BuiltinSignatures s = SIGNATURES_BY_NAME.get(name.toLowerCase(Locale.ROOT));
            if (s != null && s.isSupported() && !out.contains(s)) {
                out.add(s);
            }
        }
        if (!explicit) {
            for (BuiltinSignatures s : BuiltinSignatures.VALUES) {
                if (s.isSupported() && !out.contains(s)) {
                    out.add(s);
                }
            }
        }
        return nonEmpty(out, "HostKeyAlgorithms", configured, config);
    }

    static List<NamedFactory<Compression>> compression(HostConfig config) {
        return config.compression()
                ? List.of(BuiltinCompressions.delayedZlib, BuiltinCompressions.zlib, BuiltinCompressions.none)
                : List.of(BuiltinCompressions.none);
    }

    private static List<String> orDefault(List<String> configured, List<String> fallback) {
        return configured.isEmpty() ? fallback : configured;
    }

    private static <T> List<T> nonEmpty(List<T> list, String option, List<String> configured, HostConfig config) {
        if (list.isEmpty()) {
            throw new SshException(SshException.Kind.CONFIG, option + " for " + config.alias() + " (" + String.join(",",
                    configured) + ") names no algorithm drover implements");
        }
        return list;
    }
}
