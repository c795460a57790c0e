package io.drover.ssh.internal.trust;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.ChannelOutputStream;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;

/**
 * The client end of one forwarded agent connection ({@code auth-agent@openssh.com}, opened by the server): bytes are
 * relayed unchanged between the SSH channel and a fresh connection to the local agent socket, as ssh does, so every
 * agent message (also extensions drover does not know) works. Refused unless the session asked for forwarding.
 */
final class AgentRelayChannel extends AbstractServerChannel {
    static final String TYPE = "auth-agent@openssh.com";

    static final ChannelFactory FACTORY = new ChannelFactory() {
        @Override
        public String getName() {
            return TYPE;
        }

        @Override
        public org.apache.sshd.common.channel.Channel createChannel(Session session) {
            AgentSettings s = DroverAgentFactory.settings(session);
            return new AgentRelayChannel(s.forward() ? s.socket() : Optional.empty(), s.forward());
        }
    };

    private final Optional<Path> socket;
    private final boolean forwardRequested;
    private volatile SocketChannel agent;
    private ChannelOutputStream out;

    private AgentRelayChannel(Optional<Path> socket, boolean forwardRequested) {
        super("", Collections.emptyList(), null);
        this.socket = socket;
        this.forwardRequested = forwardRequested;
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        OpenFuture f = new DefaultOpenFuture(this, this);
        try {
            if (!forwardRequested) {
                throw new IOException("the server tried agent forwarding, which was not requested");
            }
            Path path = socket.orElseThrow(() -> new IOException("agent forwarding requested but no agent is set"));
            agent = SocketChannel.open(UnixDomainSocketAddress.of(path));
            out = new ChannelOutputStream(this, getRemoteWindow(), log, SshConstants.SSH_MSG_CHANNEL_DATA, true);
            Thread.ofVirtual().name("drover-agent-relay").start(this::pumpAgentToChannel);
            signalChannelOpenSuccess();
            f.setOpened();
        } catch (Throwable t) {
            signalChannelOpenFailure(t);
            f.setException(t);
        }
        return f;
    }

    private void pumpAgentToChannel() {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        try {
            while (agent.read(buf) >= 0) {
                buf.flip();
                if (buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.remaining());
                    out.flush();
                }
                buf.clear();
            }
            close(false);
        } catch (IOException e) {
            close(true);
        }
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data, off, (int) len);
        while (buf.hasRemaining()) {
            agent.write(buf);
        }
        getLocalWindow().release(len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("an agent channel carries no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        SocketChannel a = agent;
        if (a != null && a.isOpen()) {
            a.shutdownOutput();
        }
    }

    @Override
    protected Closeable getInnerCloseable() {
        return builder().close(super.getInnerCloseable()).run(toString(), this::closeAgent).build();
    }

    private void closeAgent() {
        SocketChannel a = agent;
        if (a != null) {
            try {
                a.close();
            } catch (IOException ignored) {
                // the relay is over either way
            }
        }
    }
}
