package io.drover.ssh.internal;

import io.drover.ssh.config.HostConfig;
import java.util.List;
import java.util.Optional;

/** Copies of a {@link HostConfig} with one option replaced. */
final class HostConfigs {
    private HostConfigs() {}

    /** {@code c} reached through {@code jumps} instead of its own ProxyJump/ProxyCommand (as {@code ssh -J} does). */
    static HostConfig withProxyJump(HostConfig c, List<String> jumps) {
        return new HostConfig(c.alias(), c.hostName(), c.port(), c.user(), c.identityFiles(), c.identitiesOnly(),
                c.identityAgent(), c.certificateFiles(), jumps, Optional.empty(), c.connectTimeout(),
                c.connectionAttempts(), c.strictHostKeyChecking(), c.userKnownHostsFiles(), c.globalKnownHostsFiles(),
                c.hostKeyAlgorithms(), c.kexAlgorithms(), c.ciphers(), c.macs(), c.serverAliveInterval(),
                c.serverAliveCountMax(), c.forwardAgent(), c.batchMode(), c.setEnv(), c.sendEnv(), c.compression(),
                c.preferredAuthentications(), c.passwordAuthentication(), c.numberOfPasswordPrompts(), c.sshG());
    }
}
