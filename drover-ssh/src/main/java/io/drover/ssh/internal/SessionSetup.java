package io.drover.ssh.internal;

import io.drover.ssh.config.HostConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private final HostKeyPolicy hostKeys;
    private final List<KeyExchangeFactory> kex;
    private final List<NamedFactory<Cipher>> ciphers;
    private final List<NamedFactory<Mac>> macs;
    private final List<NamedFactory<Signature>> signatures;
    private final List<NamedFactory<Compression>> compression;
    private final PrompterInteraction interaction;
    private final List<String> notes;
    private volatile boolean keyChecked;
    private volatile String refusal;

    SessionSetup(HostConfig config, HostKeyPolicy hostKeys, List<KeyExchangeFactory> kex,
            List<NamedFactory<Cipher>> ciphers, List<NamedFactory<Mac>> macs, List<NamedFactory<Signature>> signatures,
            List<NamedFactory<Compression>> compression, PrompterInteraction interaction, List<String> notes) {
        this.config = config;
        this.hostKeys = hostKeys;
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
        session.setServerKeyVerifier((s, remote, key) -> {
            keyChecked = true;
            Optional<String> refused;
            try {
                refused = hostKeys.check(config, remote, key);
            } catch (RuntimeException e) {
                refused = Optional.of(e.getMessage());
            }
            refused.ifPresent(r -> refusal = r);
            return refused.isEmpty();
        });
        if (!config.serverAliveInterval().isZero()) {
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(session, config.serverAliveInterval());
            CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(session, Math.max(1, config.serverAliveCountMax()));
        }
        CoreModuleProperties.PREFERRED_AUTHS.set(session, String.join(",", preferredAuthentications()));
        CoreModuleProperties.PASSWORD_PROMPTS.set(session, Math.max(0, config.numberOfPasswordPrompts()));
        session.setUserInteraction(interaction);
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

    boolean keyChecked() {
        return keyChecked;
    }

    String refusal() {
        return refusal;
    }

    String notes() {
        return String.join("; ", notes);
    }
}
