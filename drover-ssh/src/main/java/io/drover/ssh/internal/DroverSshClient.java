package io.drover.ssh.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * MINA's client with drover's connector (sessions over TCP or over a tunnel) and no implicit behaviour: no
 * ~/.ssh/config of MINA's own, no default identities, every unknown host key refused unless a session's own verifier
 * says otherwise, no idle timeout.
 */
final class DroverSshClient extends SshClient {

    static DroverSshClient create() {
        DroverSshClient client = new DroverSshClient();
        // start from MINA's defaults (factories, channel types, auth methods), then remove everything implicit
        org.apache.sshd.client.ClientBuilder.builder().factory(() -> client).build();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE);
        client.setFilePasswordProvider(FilePasswordProviders.NONE);
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
        // a writer blocked on a full remote window waits as long as the peer lives (keepalive ends dead peers)
        CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(client, Duration.ofDays(3650));
        CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
        return client;
    }

    private DroverSshClient() {}

    @Override
    protected IoConnector createConnector() {
        return new TunnelConnector(super.createConnector(), getSessionFactory());
    }

    /**
     * Starts a connection to {@code target} as {@code user}; {@code context} carries the session setup and, for
     * jumps and ProxyCommand, the tunnel.
     */
    ConnectFuture dial(String user, SocketAddress target, AttributeRepository context, KeyIdentityProvider keys)
            throws IOException {
        HostConfigEntry entry = new HostConfigEntry("", "drover-target", 22, user);
        entry.setIdentitiesOnly(true);
        return doConnect(user, target, context, null, keys, entry);
    }

    /** MINA's file password provider holders, kept here so callers need no MINA imports. */
    static final class FilePasswordProviders {
        static final org.apache.sshd.common.config.keys.FilePasswordProvider NONE = (session, resource, index) -> null;

        private FilePasswordProviders() {}
    }
}
