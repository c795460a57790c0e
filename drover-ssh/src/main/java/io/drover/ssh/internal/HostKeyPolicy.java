package io.drover.ssh.internal;

import io.drover.ssh.config.HostConfig;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/** Decides whether a server's host key is trusted for a host. Implementations never accept an unknown key silently. */
interface HostKeyPolicy {

    /**
     * @return empty when the key is trusted, else the reason it is refused (naming file:line and fingerprints)
     */
    Optional<String> check(HostConfig config, SocketAddress remote, PublicKey key);

    /** The key types ({@code ssh-ed25519}, {@code ssh-rsa}, ...) known for this host, to offer their algorithms first. */
    List<String> knownKeyTypes(HostConfig config);
}
