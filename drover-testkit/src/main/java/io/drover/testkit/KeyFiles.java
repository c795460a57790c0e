package io.drover.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/** Generates ed25519 keys with the JDK and writes them in OpenSSH's formats (no ssh-keygen process per key). */
final class KeyFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFiles() {}

    static KeyPair newEd25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate Ed25519 keys", e);
        }
    }

    /** The 32-byte raw public key (last 32 bytes of the X.509 encoding). */
    static byte[] rawPublic(KeyPair pair) {
        byte[] x509 = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    }

    /** The 32-byte seed (last 32 bytes of the PKCS#8 v1 encoding). */
    static byte[] rawSeed(KeyPair pair) {
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        return Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
    }

    static byte[] publicBlob(KeyPair pair) {
        Ssh buf = new Ssh();
        buf.string("ssh-ed25519");
        buf.bytes(rawPublic(pair));
        return buf.toByteArray();
    }

    /** {@code ssh-ed25519 AAAA... comment} */
    static String publicLine(KeyPair pair, String comment) {
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(publicBlob(pair)) + " " + comment;
    }

    /** Writes the private key (mode 0600) in {@code openssh-key-v1} format and {@code file.pub} beside it. */
    static void write(KeyPair pair, Path file, String comment) {
        byte[] pub = rawPublic(pair);
        Ssh priv = new Ssh();
        int check = RANDOM.nextInt();
        priv.int32(check);
        priv.int32(check);
        priv.string("ssh-ed25519");
        priv.bytes(pub);
        byte[] secret = new byte[64];
        System.arraycopy(rawSeed(pair), 0, secret, 0, 32);
        System.arraycopy(pub, 0, secret, 32, 32);
        priv.bytes(secret);
        priv.string(comment);
        for (int pad = 1; priv.size() % 8 != 0; pad++) {
            priv.raw(new byte[] {(byte) pad});
        }
        Ssh all = new Ssh();
        all.raw("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
        all.string("none");
        all.string("none");
        all.string("");
        all.int32(1);
        all.bytes(publicBlob(pair));
        all.bytes(priv.toByteArray());
        String body = Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(all.toByteArray());
        String pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n";
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
            Files.writeString(file.resolveSibling(file.getFileName() + ".pub"), publicLine(pair, comment) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key " + file, e);
        }
    }

    /** SSH wire encoding buffer. */
    private static final class Ssh {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void int32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }

        void bytes(byte[] b) {
            int32(b.length);
            out.writeBytes(b);
        }

        void string(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void raw(byte[] b) {
            out.writeBytes(b);
        }

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
