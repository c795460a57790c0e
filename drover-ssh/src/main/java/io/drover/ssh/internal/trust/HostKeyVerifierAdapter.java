package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;

/**
 * Plugs a {@link HostKeyPolicy} into one MINA {@link ClientSession}, and keeps the decision so the connector can
 * report the real reason a connection failed (MINA's own error only says the key was rejected) and emit the notices.
 * One adapter per connection attempt.
 *
 * <p>Wiring: set {@link #FROM_SESSION} once as the client's verifier ({@code client.setServerKeyVerifier}) and put
 * each connection's adapter under {@link #SESSION_KEY} in the context passed to
 * {@code client.connect(user, host, port, context, null)}, so it is in place before key exchange. A session
 * without an adapter is refused.
 */
public final class HostKeyVerifierAdapter implements ServerKeyVerifier {
    /** Where {@link #FROM_SESSION} looks for the connection's adapter (session attribute or connect context). */
    public static final AttributeRepository.AttributeKey<HostKeyVerifierAdapter> SESSION_KEY =
            new AttributeRepository.AttributeKey<>();

    /** A client-wide verifier delegating to each session's adapter; refuses sessions that have none. */
    public static final ServerKeyVerifier FROM_SESSION = (session, remote, key) -> {
        HostKeyVerifierAdapter adapter = SessionAttributes.find(session, SESSION_KEY);
        return adapter != null && adapter.verifyServerKey(session, remote, key);
    };

    private final HostKeyPolicy policy;
    private final HostKeyTarget target;
    private final AtomicReference<HostKeyDecision> decision = new AtomicReference<>();

    public HostKeyVerifierAdapter(HostKeyPolicy policy, HostKeyTarget target) {
        this.policy = requireNonNull(policy, "policy is null");
        this.target = requireNonNull(target, "target is null");
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        HostKeyDecision d;
        try {
            d = policy.check(target, serverKey);
        } catch (RuntimeException e) {
            d = new HostKeyDecision.Refused(
                    new HostKeyVerdict.Unknown(List.of()),
                    "Host key verification failed for " + target.hostKeyName() + ": " + e.getMessage());
        }
        decision.set(d);
        return d instanceof HostKeyDecision.Accepted;
    }

    /** The last decision, empty before the server presented its key. */
    public Optional<HostKeyDecision> decision() {
        return Optional.ofNullable(decision.get());
    }

    /** Why the key was refused, when it was. */
    public Optional<String> refusal() {
        return decision.get() instanceof HostKeyDecision.Refused r ? Optional.of(r.reason()) : Optional.empty();
    }

    /** Warnings to emit for this host (checking disabled, key recorded, ...); empty when none. */
    public List<String> notices() {
        return decision.get() instanceof HostKeyDecision.Accepted a ? a.notices() : List.of();
    }

    public HostKeyTarget target() {
        return target;
    }
}
