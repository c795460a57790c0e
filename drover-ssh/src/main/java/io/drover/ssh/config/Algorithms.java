package io.drover.ssh.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The algorithm names OpenSSH 9.2p1 (Debian 12 build) supports and its client defaults, and kex_assemble_names():
 * the {@code +} (append), {@code -} (remove, wildcards allowed), {@code ^} (prepend) and explicit list forms.
 *
 * <p>One name beyond 9.2: {@code mlkem768x25519-sha256} (OpenSSH 9.9+, its default first choice from 10.0), which MINA
 * SSHD 2.20 implements, is a valid {@code KexAlgorithms} name, so that a config written for a newer {@code ssh} loads.
 * It is not in the default list (9.2's, which {@code drover config} prints as {@code ssh -G} does); drover's own
 * connection default offers it anyway ({@code io.drover.ssh.internal.Algorithms#DEFAULT_KEX}).
 */
final class Algorithms {
    private Algorithms() {}

    static final List<String> ALL_CIPHERS = split("3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,aes128-ctr,aes192-ctr,"
            + "aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com");
    static final List<String> ALL_MACS = split("hmac-sha1,hmac-sha1-96,hmac-sha2-256,hmac-sha2-512,hmac-md5,"
            + "hmac-md5-96,umac-64@openssh.com,umac-128@openssh.com,hmac-sha1-etm@openssh.com,"
            + "hmac-sha1-96-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
            + "hmac-md5-etm@openssh.com,hmac-md5-96-etm@openssh.com,umac-64-etm@openssh.com,"
            + "umac-128-etm@openssh.com");
    static final List<String> ALL_KEX = split("diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,"
            + "diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
            + "diffie-hellman-group-exchange-sha1,diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp256,"
            + "ecdh-sha2-nistp384,ecdh-sha2-nistp521,curve25519-sha256,curve25519-sha256@libssh.org,"
            + "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,mlkem768x25519-sha256");
    /** sshkey_alg_list(0, 0, 1): every key and signature algorithm, certificates included. */
    static final List<String> ALL_KEYS = split("ssh-ed25519,ssh-ed25519-cert-v01@openssh.com,"
            + "sk-ssh-ed25519@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256,"
            + "ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
            + "ecdsa-sha2-nistp521,ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"
            + "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,"
            + "ssh-dss-cert-v01@openssh.com,ssh-rsa,ssh-rsa-cert-v01@openssh.com,rsa-sha2-256,"
            + "rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512,rsa-sha2-512-cert-v01@openssh.com");
    /** sshkey_alg_list(0, 1, 1): plain (non-certificate) signature algorithms, for CASignatureAlgorithms. */
    static final List<String> ALL_SIGS = split("ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,"
            + "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,"
            + "webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,ssh-rsa,rsa-sha2-256,rsa-sha2-512");
    /** Key implementation names accepted by sshkey_names_valid2 (the GSSAPI build adds "null"). */
    private static final List<String> KEY_IMPL_NAMES;
    /** Short names (case-insensitive) of plain key types, also accepted by sshkey_type_from_name. */
    private static final Set<String> KEY_SHORT_NAMES =
            Set.of("dsa", "ecdsa-sk", "ecdsa", "ed25519-sk", "ed25519", "rsa", "null");
    static final Set<String> GSS_KEX = Set.of("gss-group1-sha1-", "gss-group14-sha1-", "gss-gex-sha1-",
            "gss-group14-sha256-", "gss-group16-sha512-", "gss-nistp256-sha256-", "gss-curve25519-sha256-");

    static {
        List<String> impl = new ArrayList<>(ALL_KEYS);
        impl.add("null");
        KEY_IMPL_NAMES = List.copyOf(impl);
    }

    static final String DEFAULT_CIPHERS = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
            + "aes128-gcm@openssh.com,aes256-gcm@openssh.com";
    static final String DEFAULT_MACS = "umac-64-etm@openssh.com,umac-128-etm@openssh.com,"
            + "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,"
            + "umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";
    static final String DEFAULT_KEX = "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,"
            + "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
            + "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
            + "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
    static final String DEFAULT_KEY_ALGS = "ssh-ed25519-cert-v01@openssh.com,"
            + "ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
            + "ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,"
            + "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,"
            + "rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
            + "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,"
            + "rsa-sha2-256";
    static final String DEFAULT_CA_SIGS = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
            + "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,"
            + "rsa-sha2-256";
    static final String DEFAULT_GSS_KEX = "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,"
            + "gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-";

    /** Which family a list option belongs to: decides validation and the "all"/default lists. */
    enum Family {
        CIPHER(ALL_CIPHERS, DEFAULT_CIPHERS, "cipher spec"),
        MAC(ALL_MACS, DEFAULT_MACS, "MAC spec"),
        KEX(ALL_KEX, DEFAULT_KEX, "KexAlgorithms"),
        KEY(ALL_KEYS, DEFAULT_KEY_ALGS, "key types"),
        CA_SIG(ALL_SIGS, DEFAULT_CA_SIGS, "key types");

        final List<String> all;
        final String defaults;
        final String what;

        Family(List<String> all, String defaults, String what) {
            this.all = all;
            this.defaults = defaults;
            this.what = what;
        }

        /** The names this family accepts in a configuration line, for error messages. */
        List<String> valid() {
            return this == CA_SIG ? ALL_KEYS : all;
        }
    }

    /** ciphers_valid / mac_valid / kex_names_valid / sshkey_names_valid2(allow_wildcard=1). */
    static boolean valid(Family family, String names) {
        if (names.isEmpty()) {
            return false;
        }
        for (String p : names.split(",", -1)) {
            if (p.isEmpty()) {
                return true; // strsep loop stops at the first empty element
            }
            boolean ok = switch (family) {
                case CIPHER, MAC, KEX -> family.all.contains(p);
                case KEY, CA_SIG -> KEY_IMPL_NAMES.contains(p)
                        || KEY_SHORT_NAMES.contains(Patterns.lowercase(p))
                        || KEY_IMPL_NAMES.stream().anyMatch(n -> Patterns.matchList(n, p, false) != 0);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** kex_gss_names_valid. */
    static boolean validGss(String names) {
        if (names.isEmpty()) {
            return false;
        }
        for (String p : names.split(",", -1)) {
            if (p.isEmpty()) {
                return true;
            }
            if (!GSS_KEX.contains(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * kex_assemble_names(): the effective list for a configured value (null means the default).
     *
     * @return the comma-separated list, or null when the result would be empty or uses an unsupported negation
     */
    static String assemble(String configured, Family family) {
        String def = family.defaults;
        List<String> all = family.all;
        if (configured == null || configured.isEmpty()) {
            return def;
        }
        String list;
        char first = configured.charAt(0);
        if (first == '+') {
            list = cat(def, configured.substring(1));
        } else if (first == '-') {
            String filter = configured.substring(1);
            StringBuilder b = new StringBuilder();
            for (String d : def.split(",", -1)) {
                if (Patterns.matchList(d, filter, false) != 1) {
                    if (b.length() > 0) {
                        b.append(',');
                    }
                    b.append(d);
                }
            }
            return b.toString();
        } else if (first == '^') {
            list = cat(configured.substring(1), def);
        } else {
            list = configured;
        }
        String ret = null;
        for (String p : list.split(",", -1)) {
            if (p.startsWith("!")) {
                return null;
            }
            StringBuilder matching = new StringBuilder();
            for (String a : all) {
                if (Patterns.matchList(a, p, false) == 1) {
                    if (matching.length() > 0) {
                        matching.append(',');
                    }
                    matching.append(a);
                }
            }
            ret = cat(ret, matching.toString());
        }
        return ret == null || ret.isEmpty() ? null : ret;
    }

    /** kex_names_cat(): {@code a} then the names of {@code b} not already present. */
    static String cat(String a, String b) {
        if (a == null || a.isEmpty()) {
            return b;
        }
        if (b == null || b.isEmpty()) {
            return a;
        }
        Set<String> present = new LinkedHashSet<>(List.of(a.split(",", -1)));
        StringBuilder ret = new StringBuilder(a);
        for (String p : b.split(",", -1)) {
            if (p.isEmpty()) {
                break;
            }
            if (present.add(p)) {
                ret.append(',').append(p);
            }
        }
        return ret.toString();
    }

    static List<String> split(String list) {
        return List.of(list.split(","));
    }
}
