package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Optional;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * One valid line of a known_hosts file.
 *
 * @param file the file the line was read from
 * @param line its 1-based line number
 * @param marker {@code @cert-authority}, {@code @revoked} or none
 * @param hosts the host field as written: a comma-separated pattern list, or one hashed name ({@code |1|salt|hash})
 * @param keyType the key type written on the line ({@code ssh-ed25519}, ...)
 * @param keyBlob the key in SSH wire encoding (decoded from the base64 on the line)
 * @param comment the rest of the line, possibly empty
 */
public record KnownHostsEntry(
        Path file, int line, Marker marker, String hosts, String keyType, byte[] keyBlob, String comment) {

    /** The marker at the start of a line. */
    public enum Marker {
        NONE,
        /** {@code @cert-authority}: the key is a CA trusted to sign host certificates for the hosts. */
        CERT_AUTHORITY,
        /** {@code @revoked}: the key must never be accepted for the hosts. */
        REVOKED
    }

    static final String HASH_MAGIC = "|1|";
    private static final int SHA1_LENGTH = 20;

    public KnownHostsEntry {
        requireNonNull(file, "file is null");
        if (line < 1) {
            throw new IllegalArgumentException("line (" + line + ") must be 1 or more");
        }
        requireNonNull(marker, "marker is null");
        requireNonNull(hosts, "hosts is null");
        requireNonNull(keyType, "keyType is null");
        keyBlob = keyBlob.clone();
        requireNonNull(comment, "comment is null");
    }

    @Override
    public byte[] keyBlob() {
        return keyBlob.clone();
    }

    /** Whether the key on this line is exactly {@code blob} (SSH wire encoding). */
    boolean hasKey(byte[] blob) {
        return MessageDigest.isEqual(keyBlob, blob);
    }

    /** Whether the host field is a hashed name ({@code |1|salt|hash}). */
    public boolean hashed() {
        return hosts.startsWith(HASH_MAGIC);
    }

    /**
     * Whether this line applies to {@code name} (a host name, {@code [host]:port}, or a HostKeyAlias) the way OpenSSH
     * decides it: hashed names by HMAC-SHA1, pattern lists case-insensitively with negation.
     */
    public boolean matches(String name) {
        if (hashed()) {
            Optional<byte[][]> saltAndHash = parseHashed(hosts);
            return saltAndHash.isPresent()
                    && MessageDigest.isEqual(hmacSha1(saltAndHash.get()[0], name), saltAndHash.get()[1]);
        }
        return HostPatterns.hostList(name, hosts) == HostPatterns.ListMatch.MATCH;
    }

    /** The fingerprint of the key on this line, as {@code ssh-keygen -l} prints it. */
    public String fingerprint() {
        return Fingerprints.sha256(keyBlob);
    }

    /** Decodes the key. Fails for key types MINA does not know (such lines can still be compared by blob). */
    public PublicKey publicKey() throws GeneralSecurityException {
        try {
            return new ByteArrayBuffer(keyBlob).getRawPublicKey();
        } catch (SshException | RuntimeException e) {
            throw new InvalidKeyException(
                    "cannot decode the " + keyType + " key at " + file + ":" + line + ": " + e.getMessage(), e);
        }
    }

    /** {@code file:line}, for messages. */
    public String location() {
        return file + ":" + line;
    }

    /** The salt and hash of a {@code |1|salt|hash} host field, or empty when it is malformed. */
    static Optional<byte[][]> parseHashed(String field) {
        if (!field.startsWith(HASH_MAGIC)) {
            return Optional.empty();
        }
        String rest = field.substring(HASH_MAGIC.length());
        int bar = rest.indexOf('|');
        if (bar < 0) {
            return Optional.empty();
        }
        try {
            byte[] salt = java.util.Base64.getDecoder().decode(rest.substring(0, bar));
            byte[] hash = java.util.Base64.getDecoder().decode(rest.substring(bar + 1));
            if (salt.length != SHA1_LENGTH || hash.length != SHA1_LENGTH) {
                return Optional.empty();
            }
            return Optional.of(new byte[][] {salt, hash});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A hashed host field for {@code name} with the given 20-byte salt, as {@code ssh-keygen -H} writes it. */
    static String hashName(String name, byte[] salt) {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        return HASH_MAGIC + b64.encodeToString(salt) + "|" + b64.encodeToString(hmacSha1(salt, name));
    }

    /** HMAC-SHA1(salt, UTF-8 name): OpenSSH's {@code host_hash}. The salt is at most 64 bytes (20 in practice). */
    static byte[] hmacSha1(byte[] salt, String name) {
        HashedNames.Probe probe = new HashedNames.Probe(name);
        Sha1.padStates(salt, 0, salt.length, probe.pads, 0, probe.w);
        Sha1.hmac(probe.pads, 0, probe.message, probe.inner, probe.digest, 0);
        return Sha1.bytes(probe.digest, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KnownHostsEntry e
                && file.equals(e.file)
                && line == e.line
                && marker == e.marker
                && hosts.equals(e.hosts)
                && keyType.equals(e.keyType)
                && Arrays.equals(keyBlob, e.keyBlob)
                && comment.equals(e.comment);
    }

    @Override
    public int hashCode() {
        return (file.hashCode() * 31 + line) * 31 + Arrays.hashCode(keyBlob);
    }

    @Override
    public String toString() {
        return "KnownHostsEntry[" + location() + " " + marker + " " + hosts + " " + keyType + " " + fingerprint() + "]";
    }
}
