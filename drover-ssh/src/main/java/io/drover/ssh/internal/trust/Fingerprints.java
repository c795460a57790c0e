package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/** Key encodings and fingerprints exactly as OpenSSH prints them ({@code ssh-keygen -l}). */
public final class Fingerprints {
    private Fingerprints() {}

    /**
     * The SHA-256 fingerprint of a key, {@code SHA256:} followed by unpadded base64, as {@code ssh-keygen -lf}
     * prints it. For a certificate this is the fingerprint of the certified key (as OpenSSH does).
     */
    public static String sha256(PublicKey key) {
        return sha256(blob(plain(key)));
    }

    /** The SHA-256 fingerprint of an SSH wire-format public key blob. */
    public static String sha256(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The SSH wire encoding of a public key (for a certificate, the whole certificate blob). */
    public static byte[] blob(PublicKey key) {
        requireNonNull(key, "key is null");
        ByteArrayBuffer buffer = new ByteArrayBuffer();
        buffer.putRawPublicKey(key);
        return buffer.getCompactData();
    }

    /** The certified key of a certificate; any other key unchanged. */
    public static PublicKey plain(PublicKey key) {
        return key instanceof OpenSshCertificate cert ? cert.getCertPubKey() : key;
    }

    /** The SSH key type name ({@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, {@code ssh-rsa}, ...). */
    public static String keyType(PublicKey key) {
        return KeyUtils.getKeyType(key);
    }

    /** The type string at the start of an SSH public key blob, or empty when the blob is malformed. */
    static String blobType(byte[] blob) {
        if (blob.length < 4) {
            return "";
        }
        long len = ((blob[0] & 0xffL) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
        if (len > blob.length - 4) {
            return "";
        }
        return new String(blob, 4, (int) len, StandardCharsets.ISO_8859_1);
    }

    /** The short type OpenSSH shows to people: {@code ED25519}, {@code ECDSA}, {@code RSA}, {@code ED25519-CERT}... */
    public static String displayType(String keyType) {
        boolean cert = keyType.contains("-cert-v01@openssh.com");
        String base;
        if (keyType.startsWith("ssh-ed25519")) {
            base = "ED25519";
        } else if (keyType.startsWith("sk-ssh-ed25519")) {
            base = "ED25519-SK";
        } else if (keyType.startsWith("ecdsa-sha2-")) {
            base = "ECDSA";
        } else if (keyType.startsWith("sk-ecdsa-sha2-")) {
            base = "ECDSA-SK";
        } else if (keyType.startsWith("ssh-rsa") || keyType.startsWith("rsa-sha2-")) {
            base = "RSA";
        } else if (keyType.startsWith("ssh-dss")) {
            base = "DSA";
        } else {
            base = keyType;
        }
        return cert ? base + "-CERT" : base;
    }
}
