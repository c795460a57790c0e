package io.drover.ssh.internal;

import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.sshd.client.auth.pubkey.KeyPairIdentity;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.kex.extension.DefaultClientKexExtensionHandler;
import org.apache.sshd.common.kex.extension.parser.HostBoundPubkeyAuthentication;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.signature.SignatureFactoriesHolder;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * MINA's {@code publickey} method, except that a key whose private half drover holds in memory (a loaded IdentityFile,
 * with or without a certificate) is sent signed at once, as RFC 4252 section 7 allows, instead of first asking the
 * server whether it would accept the key ({@code SSH_MSG_USERAUTH_PK_OK}) and signing only then: one round trip less
 * per accepted key, and the server checks its authorized keys once instead of twice.
 *
 * <p>Agent keys still go through the query: signing with a key the server would refuse costs an agent round trip
 * and may ask for a touch or a PIN on a hardware key. Security-key ({@code sk-*}) types also keep the query.
 *
 * <p>Key and algorithm order are MINA's: keys in the order of its iterator (drover's IdentityFile order, then the
 * agent's), each key with each of its signature algorithms that the session allows, skipping the remaining
 * algorithms of a key when the server's {@code server-sig-algs} listed the refused one. When the server answers
 * {@code SSH_MSG_USERAUTH_FAILURE}, MINA's user-auth service asks for the next attempt exactly as after a refused
 * query. A signed request reveals nothing a query does not: the signature covers this session's identifier only,
 * and a server wanting one could always have answered the query with {@code PK_OK}.
 *
 * <p>Not thread-safe; MINA drives one instance per authentication from one thread at a time.
 */
final class DirectPublicKeyAuth extends UserAuthPublicKey {
    /** Whether the last request this method sent carried a signature (no {@code PK_OK} can legally follow it). */
    private boolean lastSigned;

    DirectPublicKeyAuth(List<NamedFactory<Signature>> factories) {
        super(factories);
    }

    /** The factory to put in place of MINA's {@code publickey} one. */
    static final class Factory extends UserAuthPublicKeyFactory {
        @Override
        public UserAuthPublicKey createUserAuth(ClientSession session) {
            return new DirectPublicKeyAuth(getSignatureFactories());
        }
    }

    /** Whether drover can sign with {@code identity} itself, without asking anyone (agent, hardware token). */
    static boolean signsLocally(PublicKeyIdentity identity, KeyPair pair) {
        return identity instanceof KeyPairIdentity && pair.getPrivate() != null
                && !KeyUtils.getKeyType(pair.getPublic()).startsWith("sk-");
    }

    // The choice of key and algorithm follows UserAuthPublicKey.sendAuthDataRequest of MINA 2.20 step by step; only
    // the request written at the end differs for locally held keys.
    @Override
    protected boolean sendAuthDataRequest(ClientSession session, String service) throws Exception {
        String algorithm = null;
        if (current == null) {
            currentAlgorithms.clear();
            chosenAlgorithm = null;
        } else if (!currentAlgorithms.isEmpty()) {
            algorithm = currentAlgorithms.poll();
            Set<String> serverAlgorithms = session.getAttribute(DefaultClientKexExtensionHandler.SERVER_ALGORITHMS);
            if (chosenAlgorithm != null && serverAlgorithms != null && serverAlgorithms.contains(chosenAlgorithm)) {
                // the server knew the refused algorithm: it refused the key, not the algorithm
                algorithm = null;
            }
        }
        PublicKeyAuthenticationReporter reporter = session.getPublicKeyAuthenticationReporter();
        KeyPair pair;
        do {
            if (algorithm == null) {
                current = resolveAttemptedPublicKeyIdentity(session, service, reporter);
                currentAlgorithms.clear();
                chosenAlgorithm = null;
                if (current == null) {
                    if (reporter != null) {
                        reporter.signalAuthenticationExhausted(session, service);
                    }
                    return false;
                }
            }
            pair = current.getKeyIdentity();
            if (algorithm == null) {
                algorithm = firstAlgorithm(session, service, pair, reporter);
            }
        } while (algorithm == null);

        String name = getName();
        Integer hostBound = session.getAttribute(DefaultClientKexExtensionHandler.HOSTBOUND_AUTHENTICATION);
        PublicKey serverKey = null;
        if (hostBound != null && hostBound == 0) {
            name = HostBoundPubkeyAuthentication.AUTH_NAME;
            serverKey = session.getServerKey();
        }
        if (reporter != null) {
            reporter.signalAuthenticationAttempt(session, service, pair, algorithm);
        }
        chosenAlgorithm = algorithm;
        boolean sign = signsLocally(current, pair);
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_REQUEST);
        buffer.putString(session.getUsername());
        buffer.putString(service);
        buffer.putString(name);
        buffer.putBoolean(sign);
        buffer.putString(algorithm);
        buffer.putPublicKey(pair.getPublic());
        if (serverKey != null) {
            buffer.putPublicKey(serverKey);
        }
        if (sign) {
            byte[] signature = appendSignature(session, service, name, session.getUsername(), algorithm,
                    pair.getPublic(), serverKey, buffer);
            if (reporter != null) {
                reporter.signalSignatureAttempt(session, service, pair, algorithm, signature);
            }
        }
        lastSigned = sign;
        // a query may be abandoned (nothing committed yet); a signed request is answered before anything else
        setCancellable(!sign);
        session.writePacket(buffer);
        return true;
    }

    /** Queues the key's algorithms the session allows and returns the first, or null to skip the key. */
    private String firstAlgorithm(ClientSession session, String service, KeyPair pair,
            PublicKeyAuthenticationReporter reporter) throws Exception {
        String keyType = KeyUtils.getKeyType(pair.getPublic());
        Set<String> aliases = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        aliases.addAll(KeyUtils.getAllEquivalentKeyTypes(keyType));
        aliases.add(keyType);
        List<NamedFactory<Signature>> candidates = null;
        if (current instanceof SignatureFactoriesHolder holder) {
            candidates = holder.getSignatureFactories();
        }
        if (candidates == null || candidates.isEmpty()) {
            candidates = getSignatureFactories();
        }
        if (candidates == null || candidates.isEmpty()) {
            candidates = session.getSignatureFactories();
        }
        if (candidates != null) {
            for (NamedFactory<Signature> f : candidates) {
                if (aliases.contains(f.getName())) {
                    currentAlgorithms.add(f.getName());
                }
            }
        }
        String algorithm = currentAlgorithms.poll();
        if (algorithm == null || algorithm.isEmpty()) {
            algorithm = getDefaultSignatureAlgorithm(session, service, current, pair, keyType);
        }
        if (algorithm == null || algorithm.isEmpty()) {
            if (reporter != null) {
                reporter.signalIdentitySkipped(session, service, pair);
            }
            return null;
        }
        return algorithm;
    }

    @Override
    protected boolean processAuthDataRequest(ClientSession session, String service, Buffer buffer) throws Exception {
        if (lastSigned) {
            int cmd = buffer.rawByte(buffer.rpos()) & 0xFF;
            throw new IllegalStateException("server " + session.getServerVersion() + " answered a signed publickey"
                    + " request with " + SshConstants.getCommandMessageName(cmd)
                    + " (only SUCCESS or FAILURE are valid)");
        }
        return super.processAuthDataRequest(session, service, buffer);
    }
}
