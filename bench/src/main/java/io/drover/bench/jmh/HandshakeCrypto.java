package io.drover.bench.jmh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.digest.Digest;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The public-key crypto the controller does for every connection, through the classes and providers MINA uses at run
 * time (BouncyCastle, registered by MINA's {@link SecurityUtils} because drover ships it):
 *
 * <ul>
 *   <li>{@link #kexCurve25519}: the client side of {@code curve25519-sha256} as MINA's {@code DHGClient} runs it: an
 *       ephemeral X25519 key pair ({@code getE}), then the agreement with the server's public value ({@code setF},
 *       {@code getK}). The bench fleet forces this key exchange for every tool.</li>
 *   <li>{@link #kexMlkem768x25519}: the client side of {@code mlkem768x25519-sha256}, drover's first choice against
 *       OpenSSH 9.9 or newer: ML-KEM-768 key generation and decapsulation, plus the X25519 part, hashed together. The
 *       server's reply is computed once at setup for another client key pair; decapsulating a ciphertext made for a
 *       different key costs the same (ML-KEM's implicit rejection re-encrypts either way).</li>
 *   <li>{@link #verifyHostKeySignature}: checking the server's Ed25519 signature over the exchange hash, with a host
 *       key decoded from its wire form as MINA decodes it.</li>
 *   <li>{@link #signUserAuth}: the Ed25519 signature of public-key user authentication (session id plus the
 *       {@code SSH_MSG_USERAUTH_REQUEST} fields, ~150 bytes) with a key loaded from an OpenSSH private key file by
 *       {@link SecurityUtils#loadKeyPairIdentities}, as drover-ssh loads identities.</li>
 * </ul>
 *
 * <p>Why it matters: a 1,000-host {@code drover run} does 1,000 handshakes, and the W1 target leaves drover about
 * 2.5 ms of controller CPU per host in total; the sum of one key exchange, one verify and one sign is the crypto floor
 * of that budget. Scores are microseconds per operation. {@link C1} runs with the launcher's flags for
 * {@code drover run} (C1 only), {@link C2} with full tiered compilation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class HandshakeCrypto {
    private byte[] curveServerPublic;
    private byte[] mlkemServerReply;
    private int mlkemEncapsulationLength;
    private PublicKey hostKey;
    private byte[] exchangeHash;
    private byte[] hostSignature;
    private PrivateKey userKey;
    private byte[] userAuthData;

    @Setup
    public void setUp() throws Exception {
        if (!SecurityUtils.isBouncyCastleRegistered()) {
            throw new IllegalStateException("BouncyCastle is not registered with MINA: not drover's configuration");
        }
        Random random = new Random(7);

        curveServerPublic = BuiltinDHFactories.curve25519.create().getE();

        AbstractDH otherClient = BuiltinDHFactories.mlkem768x25519.create();
        KeyEncapsulationMethod kem = otherClient.getKeyEncapsulation();
        KeyEncapsulationMethod.Client otherKem = kem.getClient();
        otherKem.init();
        KeyEncapsulationMethod.Server server = kem.getServer();
        server.init(otherKem.getPublicKey());
        byte[] encapsulation = server.getEncapsulation();
        byte[] serverX25519 = BuiltinDHFactories.mlkem768x25519.create().getE();
        mlkemEncapsulationLength = encapsulation.length;
        mlkemServerReply = Arrays.copyOf(encapsulation, encapsulation.length + serverX25519.length);
        System.arraycopy(serverX25519, 0, mlkemServerReply, encapsulation.length, serverX25519.length);

        KeyPair host = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        ByteArrayBuffer wire = new ByteArrayBuffer();
        wire.putRawPublicKey(host.getPublic());
        hostKey = new ByteArrayBuffer(wire.getCompactData()).getRawPublicKey();
        exchangeHash = new byte[32];
        random.nextBytes(exchangeHash);
        Signature hostSigner = BuiltinSignatures.ed25519.create();
        hostSigner.initSigner(null, host.getPrivate());
        hostSigner.update(null, exchangeHash);
        hostSignature = hostSigner.sign(null);

        KeyPair user = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(user, "bench", null, file);
        Iterator<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("id_ed25519"),
                new ByteArrayInputStream(file.toByteArray()), null).iterator();
        userKey = loaded.next().getPrivate();
        userAuthData = new byte[150];
        random.nextBytes(userAuthData);

        // fail at setup, not with a silently wrong score
        if (!verifyHostKeySignature()) {
            throw new IllegalStateException("the host key signature does not verify");
        }
    }

    /** One client-side curve25519-sha256 exchange: fresh X25519 key pair and shared secret. */
    @Benchmark
    public byte[] kexCurve25519(Blackhole bh) throws Exception {
        AbstractDH dh = BuiltinDHFactories.curve25519.create();
        bh.consume(dh.getE());
        dh.setF(curveServerPublic);
        return dh.getK();
    }

    /** One client-side mlkem768x25519-sha256 exchange: ML-KEM-768 + X25519 key pairs, decapsulation, agreement. */
    @Benchmark
    public byte[] kexMlkem768x25519(Blackhole bh) throws Exception {
        AbstractDH dh = BuiltinDHFactories.mlkem768x25519.create();
        KeyEncapsulationMethod.Client kem = dh.getKeyEncapsulation().getClient();
        kem.init();
        bh.consume(kem.getPublicKey());
        bh.consume(dh.getE());
        dh.setF(Arrays.copyOfRange(mlkemServerReply, mlkemEncapsulationLength, mlkemServerReply.length));
        Digest hash = dh.getHash();
        hash.init();
        hash.update(kem.extractSecret(Arrays.copyOf(mlkemServerReply, mlkemEncapsulationLength)));
        hash.update(dh.getK());
        return hash.digest();
    }

    /** Verifies the server's Ed25519 signature over a 32-byte exchange hash. */
    @Benchmark
    public boolean verifyHostKeySignature() throws Exception {
        Signature verifier = BuiltinSignatures.ed25519.create();
        verifier.initVerifier(null, hostKey);
        verifier.update(null, exchangeHash);
        return verifier.verify(null, hostSignature);
    }

    /** Signs ~150 bytes of user authentication data with an Ed25519 identity. */
    @Benchmark
    public byte[] signUserAuth() throws Exception {
        Signature signer = BuiltinSignatures.ed25519.create();
        signer.initSigner(null, userKey);
        signer.update(null, userAuthData);
        return signer.sign(null);
    }

    /** With the launcher's flags for {@code drover run}: serial GC, C1 only. */
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC, JvmFlags.C1_ONLY})
    public static class C1 extends HandshakeCrypto {}

    /** Full tiered compilation (C1 and C2), serial GC. */
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC})
    public static class C2 extends HandshakeCrypto {}
}
