package io.drover.ssh.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthServiceFactory;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.ServiceFactory;
import org.apache.sshd.common.session.Session;
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
        // as OpenSSH does: without it, Nagle plus delayed ACKs add ~40 ms to every handshake round trip
        CoreModuleProperties.TCP_NODELAY.set(client, Boolean.TRUE);
        // a writer blocked on a full remote window waits as long as the peer lives (keepalive ends dead peers)
        CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(client, Duration.ofDays(3650));
        CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
        // MINA creates a session's services (user auth, connection) in the session's constructor, before any
        // session listener runs, and they read their settings (keepalive, auth order) right then: apply the
        // per-connection properties from the connection context first.
        List<ServiceFactory> wrapped = new ArrayList<>();
        for (ServiceFactory f : List.of(ClientUserAuthServiceFactory.INSTANCE, ClientConnectionServiceFactory.INSTANCE)) {
            wrapped.add(new ServiceFactory() {
                @Override
                public String getName() {
                    return f.getName();
                }

                @Override
                public Service create(Session session) throws IOException {
                    if (session instanceof ClientSession cs && cs.getConnectionContext() != null) {
                        Consumer<ClientSession> props = cs.getConnectionContext().getAttribute(PROPERTIES);
                        if (props != null) {
                            props.accept(cs);
                        }
                    }
                    // drover's user auth: publickey first without a "none" request, held keys signed at once
                    return f == ClientUserAuthServiceFactory.INSTANCE ? new DroverUserAuthService(session)
                            : f.create(session);
                }
            });
        }
        client.setServiceFactories(wrapped);
        List<UserAuthFactory> auths = new ArrayList<>();
        for (UserAuthFactory f : SshClient.DEFAULT_USER_AUTH_FACTORIES) {
            auths.add(f.getName().equals(UserAuthPublicKeyFactory.NAME) ? new DirectPublicKeyAuth.Factory() : f);
        }
        client.setUserAuthFactories(auths);
        return client;
    }

    /** Context attribute: sets a session's properties before its services are created. */
    static final AttributeRepository.AttributeKey<Consumer<ClientSession>> PROPERTIES =
            new AttributeRepository.AttributeKey<>();

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
