package io.drover.ssh.internal;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.io.DefaultIoConnectFuture;
import org.apache.sshd.common.io.IoConnectFuture;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * The client's connector: dials TCP through MINA's own connector, except when the connection context carries a
 * {@link #TUNNEL}, in which case the SSH session runs over that tunnel's streams (a jump host's {@code direct-tcpip}
 * channel or a ProxyCommand) and no socket is opened at all.
 */
final class TunnelConnector extends AbstractCloseable implements IoConnector {
    /** Context attribute: open the transport with this instead of a TCP socket. */
    static final AttributeKey<Tunnel> TUNNEL = new AttributeKey<>();

    /** Opens the byte pipe a session runs over. Blocking; called on a virtual thread. */
    interface Tunnel {
        StreamIoSession.Pipe open() throws Exception;

        SocketAddress localAddress();

        SocketAddress remoteAddress();
    }

    private final IoConnector tcp;
    private final IoHandler handler;
    private final Map<Long, IoSession> sessions = new ConcurrentHashMap<>();
    private volatile IoServiceEventListener eventListener;

    TunnelConnector(IoConnector tcp, IoHandler handler) {
        super("drover-tunnel-connector");
        this.tcp = tcp;
        this.handler = handler;
    }

    @Override
    public IoConnectFuture connect(SocketAddress targetAddress, AttributeRepository context, SocketAddress localAddress) {
        Tunnel tunnel = context == null ? null : context.getAttribute(TUNNEL);
        if (tunnel == null) {
            return tcp.connect(targetAddress, context, localAddress);
        }
        DefaultIoConnectFuture future = new DefaultIoConnectFuture(targetAddress, null);
        Thread.ofVirtual().name("drover-tunnel-open").start(() -> {
            StreamIoSession session = null;
            try {
                StreamIoSession.Pipe pipe = tunnel.open();
                session = new StreamIoSession(this, handler, pipe, tunnel.localAddress(), tunnel.remoteAddress());
                session.setAttribute(AttributeRepository.class, context);
                StreamIoSession s = session;
                sessions.put(s.getId(), s);
                s.addCloseFutureListener(f -> sessions.remove(s.getId()));
                handler.sessionCreated(s);
                future.setSession(s);
                if (future.isCanceled()) {
                    s.close(true);
                    return;
                }
                s.start();
            } catch (Throwable t) {
                if (session != null) {
                    session.close(true);
                }
                future.setException(t);
            }
        });
        return future;
    }

    @Override
    public Map<Long, IoSession> getManagedSessions() {
        Map<Long, IoSession> all = new java.util.HashMap<>(tcp.getManagedSessions());
        all.putAll(sessions);
        return all;
    }

    @Override
    public IoServiceEventListener getIoServiceEventListener() {
        return eventListener;
    }

    @Override
    public void setIoServiceEventListener(IoServiceEventListener listener) {
        this.eventListener = listener;
        tcp.setIoServiceEventListener(listener);
    }

    @Override
    protected void doCloseImmediately() {
        sessions.values().forEach(s -> s.close(true));
        tcp.close(true);
        super.doCloseImmediately();
    }
}
