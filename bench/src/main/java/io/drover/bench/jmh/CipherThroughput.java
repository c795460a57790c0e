package io.drover.bench.jmh;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk encryption throughput of the SSH transport ciphers drover can negotiate, through MINA's own cipher and MAC
 * implementations ({@link BuiltinCiphers}, {@link BuiltinMacs}) called exactly as MINA's {@code AbstractSession.encode}
 * calls them for an outgoing packet: AEAD ciphers seal the packet with the length field as associated data
 * ({@code updateWithAAD}); {@code aes128-ctr} encrypts the packet after the length field and
 * {@code hmac-sha2-256-etm@openssh.com} then authenticates sequence number, length and ciphertext.
 *
 * <p>One invocation seals one {@code SSH_MSG_CHANNEL_DATA} packet carrying {@value #PAYLOAD} bytes of file data (MINA's
 * default maximum packet for a channel; an upload is a stream of such packets), padded as the protocol requires. The
 * score is counted in payload bytes: <b>ops/s = payload bytes per second</b> on one core. Only the sending direction
 * is measured (uploads encrypt; downloads decrypt, which costs the same work in reverse).
 *
 * <p>Why it matters: in W3 (100 MB to 100 hosts) the controller encrypts 10 GB, so the cipher's bytes per second on
 * the controller's core bound the whole transfer. {@link C1} forks the JVM with the launcher's flags for short commands
 * (C1 only), {@link C2} with its flags for transfers (full tiered compilation): the pair shows what C1-only costs each
 * cipher (the JDK's AES-CTR, GHASH and SHA-256 intrinsics exist only in C2; MINA's ChaCha20-Poly1305 is plain Java).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class CipherThroughput {
    /** File bytes per packet: 32 KiB, MINA's default channel packet size. */
    static final int PAYLOAD = 32 * 1024;
    /** SSH_MSG_CHANNEL_DATA header: message number, recipient channel, data length. */
    private static final int CHANNEL_DATA_HEADER = 1 + 4 + 4;

    /** {@code cipher} or {@code cipher+mac}, as negotiated (ssh {@code Ciphers} and {@code MACs} names). */
    @Param({"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes128-ctr+hmac-sha2-256-etm@openssh.com"})
    public String algorithms;

    private Cipher cipher;
    private Mac mac;
    private boolean aead;
    private byte[] packet;
    private int packetLength;
    private int paddingLength;
    private long sequence;

    @Setup
    public void setUp() throws Exception {
        String[] parts = algorithms.split("\\+", 2);
        BuiltinCiphers factory = BuiltinCiphers.fromFactoryName(parts[0]);
        if (factory == null || !factory.isSupported()) {
            throw new IllegalArgumentException("cipher " + parts[0] + " is not supported by MINA here");
        }
        Random random = new Random(42);
        cipher = factory.create();
        // MINA's ChaCha20-Poly1305 takes the packet sequence number as its IV: start at 0 as after a key exchange
        byte[] iv = factory == BuiltinCiphers.cc20p1305_openssh ? new byte[factory.getIVSize()]
                : bytes(random, factory.getIVSize());
        cipher.init(Cipher.Mode.Encrypt, bytes(random, factory.getKdfSize()), iv);
        aead = factory.getAuthenticationTagSize() > 0;
        int trailer;
        if (aead) {
            if (parts.length > 1) {
                throw new IllegalArgumentException(parts[0] + " is an AEAD cipher: no MAC is negotiated with it");
            }
            trailer = factory.getAuthenticationTagSize();
        } else {
            if (parts.length < 2) {
                throw new IllegalArgumentException(parts[0] + " needs a MAC: write it as cipher+mac");
            }
            BuiltinMacs macFactory = BuiltinMacs.fromFactoryName(parts[1]);
            if (macFactory == null || !macFactory.isSupported() || !macFactory.isEncryptThenMac()) {
                throw new IllegalArgumentException("MAC " + parts[1] + " is not a supported encrypt-then-MAC");
            }
            mac = macFactory.create();
            mac.init(bytes(random, macFactory.getDefaultBlockSize()));
            trailer = macFactory.getBlockSize();
        }
        // RFC 4253 6: padding of at least 4 bytes to a multiple of the block size (at least 8); with AEAD and
        // encrypt-then-MAC the length field is not encrypted and not counted.
        int block = Math.max(8, factory.getCipherBlockSize());
        int unpadded = 1 + CHANNEL_DATA_HEADER + PAYLOAD;
        paddingLength = block - unpadded % block;
        if (paddingLength < 4) {
            paddingLength += block;
        }
        packetLength = unpadded + paddingLength;
        packet = new byte[4 + packetLength + trailer];
        random.nextBytes(packet);
    }

    /** Seals one packet of {@value #PAYLOAD} payload bytes in place, as MINA does before writing it to the socket. */
    @Benchmark
    @OperationsPerInvocation(PAYLOAD)
    public byte[] sealPacket() throws Exception {
        ByteBuffer.wrap(packet).putInt(packetLength).put((byte) paddingLength).put((byte) 94); // CHANNEL_DATA
        if (aead) {
            cipher.updateWithAAD(packet, 0, 4, packetLength);
        } else {
            cipher.update(packet, 4, packetLength);
            mac.updateUInt(sequence);
            mac.update(packet, 0, 4 + packetLength);
            mac.doFinal(packet, 4 + packetLength);
        }
        sequence = (sequence + 1) & 0xffff_ffffL;
        return packet;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** With the launcher's flags for short commands: serial GC, C1 only. */
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC, JvmFlags.C1_ONLY})
    public static class C1 extends CipherThroughput {}

    /** With the launcher's flags for transfers: serial GC, 512 MiB heap, C1 and C2. */
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC, JvmFlags.HEAP_512M})
    public static class C2 extends CipherThroughput {}
}
