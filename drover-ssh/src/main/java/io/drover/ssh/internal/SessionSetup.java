package io.drover.ssh.internal;

import io.drover.ssh.config.HostConfig;
import io.drover.ssh.internal.trust.HostKeyVerifierAdapter;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.compression.Compression;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Everything one connection attempt configures on its MINA session before the first key exchange message: algorithm
 * lists, the host key check, keepalive, authentication order and prompts. Applied from the client's
 * {@code sessionCreated} callback, which MINA runs before it sends KEXINIT. Records the outcome of the host key check
 * so a refusal surfaces with its own message.
 */
final class SessionSetup {
    private static final List<String> SUPPORTED_AUTH = List.of("publickey", "keyboard-interactive", "password");

    private final HostConfig config;
    private final HostKeyVerifierAdapter verifier;
    private final List<KeyExchangeFactory> kex;
    private final List<NamedFactory<Cipher>> ciphers;
    private final List<NamedFactory<Mac>> macs;
    private final List<NamedFactory<Signature>> signatures;
    private final List<NamedFactory<Compression>> compression;
    private final PrompterInteraction interaction;
    private final List<String> notes;

    SessionSetup(HostConfig config, HostKeyVerifierAdapter verifier, List<KeyExchangeFactory> kex,
            List<NamedFactory<Cipher>> ciphers, List<NamedFactory<Mac>> macs, List<NamedFactory<Signature>> signatures,
            List<NamedFactory<Compression>> compression, PrompterInteraction interaction, List<String> notes) {
        this.config = config;
        this.verifier = verifier;
        this.kex = List.copyOf(kex);
        this.ciphers = List.copyOf(ciphers);
        this.macs = List.copyOf(macs);
        this.signatures = List.copyOf(signatures);
        this.compression = List.copyOf(compression);
        this.interaction = interaction;
        this.notes = List.copyOf(notes);
    }

    void apply(ClientSession session) {
        session.setKeyExchangeFactories(kex);
        session.setCipherFactories(ciphers);
        session.setMacFactories(macs);
        session.setSignatureFactories(signatures);
        session.setCompressionFactories(compression);
        session.setUserInteraction(interaction);
    }

    /** Session properties; applied before MINA creates the session's services, which read them once. */
    void applyProperties(ClientSession session) {
        if (!config.serverAliveInterval().isZero()) {
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(session, config.serverAliveInterval());
            CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(session, Math.max(1, config.serverAliveCountMax()));
        }
        CoreModuleProperties.PREFERRED_AUTHS.set(session, String.join(",", preferredAuthentications()));
        CoreModuleProperties.PASSWORD_PROMPTS.set(session, Math.max(0, config.numberOfPasswordPrompts()));
    }

    /** PreferredAuthentications filtered to the methods MINA implements and the config allows. */
    List<String> preferredAuthentications() {
        List<String> wanted = config.preferredAuthentications().isEmpty()
                ? SUPPORTED_AUTH
                : config.preferredAuthentications();
        List<String> out = new ArrayList<>();
        for (String m : wanted) {
            if (SUPPORTED_AUTH.contains(m) && !(m.equals("password") && !config.passwordAuthentication())
                    && !out.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** Whether the server got as far as presenting its host key. */
    boolean keyChecked() {
        return verifier.decision().isPresent();
    }

    /** Why the host key was refused, or null. */
    String refusal() {
        return verifier.refusal().orElse(null);
    }

    String notes() {
        return String.join("; ", notes);
    }
}
