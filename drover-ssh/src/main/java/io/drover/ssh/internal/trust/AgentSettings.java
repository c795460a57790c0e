package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.config.HostConfig;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * How one session uses the ssh-agent; the connector stores it on the MINA session under
 * {@link DroverAgentFactory#SETTINGS} before authentication starts.
 *
 * @param socket the agent socket (from IdentityAgent / {@code SSH_AUTH_SOCK}); empty: no agent
 * @param forward whether ForwardAgent asked for agent forwarding; without it a server's attempt to open an agent
 *     channel is refused (ssh: "Warning: ssh server tried agent forwarding")
 * @param onlyKeys with IdentitiesOnly, the public keys of the IdentityFiles: only agent identities among them (or
 *     certificates of them) are offered; empty: every agent identity is offered
 * @param certificates certificates from CertificateFile whose private key only the agent holds
 *     ({@link IdentitySet#agentCertificates()}): offered next to that agent key and signed by it, as ssh does
 */
public record AgentSettings(
        Optional<Path> socket,
        boolean forward,
        Optional<List<PublicKey>> onlyKeys,
        List<OpenSshCertificate> certificates) {
    public AgentSettings {
        requireNonNull(socket, "socket is null");
        onlyKeys = requireNonNull(onlyKeys, "onlyKeys is null").map(List::copyOf);
        certificates = List.copyOf(certificates);
    }

    public AgentSettings(Optional<Path> socket, boolean forward, Optional<List<PublicKey>> onlyKeys) {
        this(socket, forward, onlyKeys, List.of());
    }

    /** No agent, no forwarding. */
    public static final AgentSettings NONE = new AgentSettings(Optional.empty(), false, Optional.empty());

    /**
     * The settings ssh would use for {@code config}: IdentityAgent (else {@code SSH_AUTH_SOCK} from {@code env}),
     * ForwardAgent, IdentitiesOnly restricted to {@code identities.namedPublicKeys()}, and the CertificateFile
     * certificates for agent keys.
     */
    public static AgentSettings of(HostConfig config, IdentitySet identities, Map<String, String> env) {
        Optional<Path> socket = AgentSocket.resolve(config.identityAgent(), env);
        Optional<List<PublicKey>> only = config.identitiesOnly()
                ? Optional.of(identities.namedPublicKeys())
                : Optional.empty();
        return new AgentSettings(socket, config.forwardAgent(), only, identities.agentCertificates());
    }

    /** Whether an agent identity may be offered: always, or (IdentitiesOnly) when it is, or certifies, a named key. */
    Predicate<PublicKey> offerFilter() {
        if (onlyKeys.isEmpty()) {
            return k -> true;
        }
        List<byte[]> allowed = onlyKeys.get().stream().map(k -> Fingerprints.blob(Fingerprints.plain(k))).toList();
        return k -> {
            byte[] blob = Fingerprints.blob(Fingerprints.plain(k));
            return allowed.stream().anyMatch(a -> MessageDigest.isEqual(a, blob));
        };
    }
}
