package io.drover.ssh.internal.trust;

import io.drover.ssh.config.HostConfig;
import io.drover.ssh.config.StrictHostKeyChecking;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Resolved host configs for tests, as the config front-end would produce them. */
final class TestConfigs {
    private TestConfigs() {}

    static HostConfig host(String alias, String hostName, int port, List<Path> userKnownHosts,
            StrictHostKeyChecking strict, Map<String, List<String>> sshG) {
        return host(alias, hostName, port, userKnownHosts, strict, sshG, false);
    }

    static HostConfig host(String alias, String hostName, int port, List<Path> userKnownHosts,
            StrictHostKeyChecking strict, Map<String, List<String>> sshG, boolean batchMode) {
        return identities(alias, hostName, port, userKnownHosts, strict, sshG, batchMode, List.of(), List.of(),
                Optional.empty(), 3);
    }

    static HostConfig identities(String alias, String hostName, int port, List<Path> userKnownHosts,
            StrictHostKeyChecking strict, Map<String, List<String>> sshG, boolean batchMode, List<Path> identityFiles,
            List<Path> certificateFiles, Optional<String> identityAgent, int passwordPrompts) {
        return new HostConfig(alias, hostName, port, "root", identityFiles, false, identityAgent, certificateFiles,
                List.of(), Optional.empty(), Optional.empty(), 1, strict, userKnownHosts, List.of(), List.of(),
                List.of(), List.of(), List.of(), Duration.ZERO, 3, false, batchMode, Map.of(), List.of(), false,
                List.of(), true, passwordPrompts, sshG);
    }
}
