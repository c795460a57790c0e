package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentKeyConstraint;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * An ssh-agent client over a JDK unix-domain socket ({@link SocketChannel} with {@link UnixDomainSocketAddress}; no
 * native code), speaking the agent protocol (draft-miller-ssh-agent): list identities (certificates included), sign
 * (with the {@code rsa-sha2-256}/{@code rsa-sha2-512} flags), add and remove identities.
 *
 * <p>One connection is kept and shared; requests are serialised on it (ssh-agent answers one at a time anyway) and it
 * is reopened once when it broke. Thread-safe. {@link #close()} closes the connection; {@link #view} gives MINA a
 * handle whose {@code close()} leaves the shared connection open.
 */
public final class UnixAgent implements SshAgent {
    static final byte FAILURE = 5;
    static final byte SUCCESS = 6;
    static final byte REQUEST_IDENTITIES = 11;
    static final byte IDENTITIES_ANSWER = 12;
    static final byte SIGN_REQUEST = 13;
    static final byte SIGN_RESPONSE = 14;
    static final byte ADD_IDENTITY = 17;
    static final byte REMOVE_IDENTITY = 18;
    static final byte REMOVE_ALL_IDENTITIES = 19;
    static final byte ADD_ID_CONSTRAINED = 25;
    static final int RSA_SHA2_256 = 2;
    static final int RSA_SHA2_512 = 4;
    /** ssh-agent's own limit on one message. */
    static final int MAX_MESSAGE = 256 * 1024;

    private final Path socket;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private SocketChannel channel;

    public UnixAgent(Path socket) {
        this.socket = requireNonNull(socket, "socket is null");
    }

    public Path socket() {
        return socket;
    }

    /**
     * The identities the agent holds, in its order: plain keys and certificates (as MINA
     * {@link org.apache.sshd.common.config.keys.OpenSshCertificate}), each with its comment. Keys of types MINA cannot
     * decode are left out.
     */
    @Override
    public List<Map.Entry<PublicKey, String>> getIdentities() throws IOException {
        Buffer reply = request(message(REQUEST_IDENTITIES));
        expect(reply, IDENTITIES_ANSWER, "list identities");
        long n = reply.getUInt();
        if (n > MAX_MESSAGE / 8) {
            throw new IOException("agent at " + socket + " answered an impossible identity count " + n);
        }
        List<Map.Entry<PublicKey, String>> keys = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            byte[] blob = reply.getBytes();
            String comment = reply.getString();
            try {
                keys.add(new SimpleImmutableEntry<>(new ByteArrayBuffer(blob).getRawPublicKey(), comment));
            } catch (IOException | RuntimeException e) {
                // a key type MINA does not know (e.g. xmss): it could not be used anyway
            }
        }
        return List.copyOf(keys);
    }

    /**
     * Asks the agent to sign {@code data} with {@code key}.
     *
     * @param algorithm the signature algorithm wanted; {@code rsa-sha2-256} and {@code rsa-sha2-512} (also in their
     *     certificate forms) set the matching agent flag, anything else asks for the key's default
     * @return the algorithm the agent used (for a certificate algorithm, the certificate algorithm asked for, as MINA
     *     expects) and the raw signature
     */
    @Override
    public Map.Entry<String, byte[]> sign(SessionContext session, PublicKey key, String algorithm, byte[] data)
            throws IOException {
        requireNonNull(key, "key is null");
        requireNonNull(data, "data is null");
        Buffer msg = message(SIGN_REQUEST);
        msg.putBytes(Fingerprints.blob(key));
        msg.putBytes(data);
        msg.putUInt(flags(algorithm));
        Buffer reply = request(msg);
        expect(reply, SIGN_RESPONSE, "sign with " + Fingerprints.keyType(key) + " " + Fingerprints.sha256(key));
        Buffer signature = new ByteArrayBuffer(reply.getBytes());
        String used = signature.getString();
        if (algorithm != null && used.equals(plainSignatureAlgorithm(algorithm))) {
            // certificate algorithms sign with the plain algorithm; MINA wants the name it asked for back
            used = algorithm;
        }
        return new SimpleImmutableEntry<>(used, signature.getBytes());
    }

    /** {@code rsa-sha2-512-cert-v01@openssh.com} -> {@code rsa-sha2-512}; other names unchanged. */
    static String plainSignatureAlgorithm(String algorithm) {
        String suffix = "-cert-v01@openssh.com";
        if (!algorithm.endsWith(suffix)) {
            return algorithm;
        }
        String plain = algorithm.substring(0, algorithm.length() - suffix.length());
        return plain.startsWith("sk-") ? plain + "@openssh.com" : plain;
    }

    static int flags(String algorithm) {
        if (algorithm == null) {
            return 0;
        }
        if (algorithm.startsWith("rsa-sha2-512")) {
            return RSA_SHA2_512;
        }
        if (algorithm.startsWith("rsa-sha2-256")) {
            return RSA_SHA2_256;
        }
        return 0;
    }

    @Override
    public void addIdentity(KeyPair key, String comment, SshAgentKeyConstraint... constraints) throws IOException {
        requireNonNull(key, "key is null");
        Buffer msg = message(constraints.length == 0 ? ADD_IDENTITY : ADD_ID_CONSTRAINED);
        msg.putKeyPair(key);
        msg.putString(comment == null ? "" : comment);
        for (SshAgentKeyConstraint c : constraints) {
            c.put(msg);
        }
        expectSuccess(request(msg), "add an identity");
    }

    @Override
    public void removeIdentity(PublicKey key) throws IOException {
        Buffer msg = message(REMOVE_IDENTITY);
        msg.putBytes(Fingerprints.blob(key));
        expectSuccess(request(msg), "remove " + Fingerprints.sha256(key));
    }

    @Override
    public void removeAllIdentities() throws IOException {
        expectSuccess(request(message(REMOVE_ALL_IDENTITIES)), "remove all identities");
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() throws IOException {
        if (open.compareAndSet(true, false)) {
            lock.lock();
            try {
                closeChannel();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * A handle for one MINA session: its {@code close()} only closes the handle; only identities {@code offer}
     * accepts are listed (IdentitiesOnly); and each of {@code certificates} whose plain key the agent holds is listed
     * after the agent's identities and signed with that plain key (a CertificateFile for an agent key).
     */
    public SshAgent view(Predicate<PublicKey> offer, List<OpenSshCertificate> certificates) {
        requireNonNull(offer, "offer is null");
        return new View(this, offer, List.copyOf(certificates));
    }

    private static boolean sameBlob(PublicKey a, PublicKey b) {
        return java.security.MessageDigest.isEqual(Fingerprints.blob(a), Fingerprints.blob(b));
    }

    private static final class View implements SshAgent {
        private final UnixAgent agent;
        private final Predicate<PublicKey> offer;
        private final List<OpenSshCertificate> certificates;
        private final AtomicBoolean open = new AtomicBoolean(true);

        View(UnixAgent agent, Predicate<PublicKey> offer, List<OpenSshCertificate> certificates) {
            this.agent = agent;
            this.offer = offer;
            this.certificates = certificates;
        }

        private void ensureOpen() throws IOException {
            if (!open.get()) {
                throw new IOException("agent handle for " + agent.socket + " is closed");
            }
        }

        @Override
        public Iterable<? extends Map.Entry<PublicKey, String>> getIdentities() throws IOException {
            ensureOpen();
            List<Map.Entry<PublicKey, String>> held = agent.getIdentities();
            List<Map.Entry<PublicKey, String>> offered = new ArrayList<>();
            for (Map.Entry<PublicKey, String> e : held) {
                if (offer.test(e.getKey())) {
                    offered.add(e);
                }
            }
            for (OpenSshCertificate cert : certificates) {
                if (held.stream().anyMatch(e -> sameBlob(e.getKey(), cert)) || !offer.test(cert)) {
                    continue;
                }
                held.stream()
                        .filter(e -> sameBlob(e.getKey(), cert.getCertPubKey()))
                        .findFirst()
                        .ifPresent(e -> offered.add(new SimpleImmutableEntry<>(cert, e.getValue())));
            }
            return List.copyOf(offered);
        }

        @Override
        public Map.Entry<String, byte[]> sign(SessionContext session, PublicKey key, String algo, byte[] data)
                throws IOException {
            ensureOpen();
            if (key instanceof OpenSshCertificate cert && certificates.stream().anyMatch(c -> sameBlob(c, cert))
                    && agent.getIdentities().stream().noneMatch(e -> sameBlob(e.getKey(), cert))) {
                return agent.sign(session, cert.getCertPubKey(), algo, data);
            }
            return agent.sign(session, key, algo, data);
        }

        @Override
        public void addIdentity(KeyPair key, String comment, SshAgentKeyConstraint... constraints)
                throws IOException {
            ensureOpen();
            agent.addIdentity(key, comment, constraints);
        }

        @Override
        public void removeIdentity(PublicKey key) throws IOException {
            ensureOpen();
            agent.removeIdentity(key);
        }

        @Override
        public void removeAllIdentities() throws IOException {
            ensureOpen();
            agent.removeAllIdentities();
        }

        @Override
        public boolean isOpen() {
            return open.get() && agent.isOpen();
        }

        @Override
        public void close() {
            open.set(false);
        }
    }

    private static Buffer message(byte type) {
        Buffer b = new ByteArrayBuffer();
        b.putByte(type);
        return b;
    }

    private void expect(Buffer reply, byte type, String what) throws IOException {
        int got = reply.getUByte();
        if (got != (type & 0xff)) {
            throw new IOException("agent at " + socket + " refused to " + what + " (answer type " + got + ")");
        }
    }

    private void expectSuccess(Buffer reply, String what) throws IOException {
        expect(reply, SUCCESS, what);
    }

    /** Sends one message and returns the reply body; reconnects once when the shared connection broke. */
    private Buffer request(Buffer msg) throws IOException {
        byte[] body = msg.getCompactData();
        lock.lock();
        try {
            if (!open.get()) {
                throw new IOException("agent client for " + socket + " is closed");
            }
            boolean fresh = channel == null;
            try {
                return exchange(body);
            } catch (IOException e) {
                closeChannel();
                if (fresh) {
                    throw e;
                }
                return exchange(body); // the agent may have closed an idle connection; try once on a new one
            }
        } finally {
            lock.unlock();
        }
    }

    private Buffer exchange(byte[] body) throws IOException {
        if (channel == null) {
            try {
                channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("cannot connect to the ssh-agent at " + socket + ": " + e.getMessage(), e);
            }
        }
        ByteBuffer out = ByteBuffer.allocate(4 + body.length);
        out.putInt(body.length).put(body).flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteBuffer len = readFully(4);
        int n = len.getInt();
        if (n <= 0 || n > MAX_MESSAGE) {
            closeChannel();
            throw new IOException("agent at " + socket + " sent a message of impossible length " + n);
        }
        ByteBuffer reply = readFully(n);
        return new ByteArrayBuffer(reply.array());
    }

    private ByteBuffer readFully(int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new IOException("agent at " + socket + " closed the connection");
            }
        }
        buf.flip();
        return buf;
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to do with a broken socket
            }
            channel = null;
        }
    }

    @Override
    public String toString() {
        return "UnixAgent[" + socket + "]";
    }
}
