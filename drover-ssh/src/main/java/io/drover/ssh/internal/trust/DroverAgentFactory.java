package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;

/**
 * MINA's agent hook for drover's client ({@code client.setAgentFactory(factory)} before {@code client.start()}):
 * public-key authentication asks {@link #createClient} for the session's agent, and a server opening an
 * {@code auth-agent@openssh.com} channel (agent forwarding) gets it relayed byte for byte to the local agent socket,
 * both over JDK unix-domain sockets, without native code (MINA's own unix agent support needs tomcat-native/APR).
 *
 * <p>Per session, the connector sets {@link #SETTINGS}, on the session or (simplest, as it is then there before key
 * exchange) in the context given to {@code client.connect(user, host, port, context, null)}; a session without it
 * uses no agent and refuses forwarding.
 * The connector still asks for forwarding on its channels ({@code channel.setAgentForwarding(true)} on a
 * {@code ChannelExec}/{@code ChannelShell}, which sends {@code auth-agent-req@openssh.com}).
 *
 * <p>One {@link UnixAgent} (one socket connection) is shared per socket path. Thread-safe. {@link #close()} closes
 * them.
 */
public final class DroverAgentFactory implements SshAgentFactory, Closeable {
    /** The session attribute holding its {@link AgentSettings}. */
    public static final AttributeRepository.AttributeKey<AgentSettings> SETTINGS =
            new AttributeRepository.AttributeKey<>();

    private final ConcurrentHashMap<Path, UnixAgent> agents = new ConcurrentHashMap<>();

    /** The session's settings, {@link AgentSettings#NONE} when the connector set none. */
    static AgentSettings settings(Session session) {
        AgentSettings s = SessionAttributes.find(session, SETTINGS);
        return s == null ? AgentSettings.NONE : s;
    }

    /** The shared client for a socket. */
    public UnixAgent agent(Path socket) {
        requireNonNull(socket, "socket is null");
        return agents.compute(socket, (p, existing) ->
                existing != null && existing.isOpen() ? existing : new UnixAgent(p));
    }

    @Override
    public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
        return List.of(AgentRelayChannel.FACTORY);
    }

    /**
     * The agent for public-key authentication on {@code session}, or {@code null} (MINA then uses no agent) when the
     * session has no agent socket.
     */
    @Override
    public SshAgent createClient(Session session, FactoryManager manager) {
        AgentSettings s = settings(session);
        return s.socket().map(p -> agent(p).view(s.offerFilter(), s.certificates())).orElse(null);
    }

    /** drover is only a client: it never serves an agent to a peer. */
    @Override
    public SshAgentServer createServer(ConnectionService service) throws IOException {
        throw new IOException("drover's SSH client does not serve an agent");
    }

    @Override
    public void close() throws IOException {
        for (UnixAgent a : agents.values()) {
            a.close();
        }
        agents.clear();
    }
}
