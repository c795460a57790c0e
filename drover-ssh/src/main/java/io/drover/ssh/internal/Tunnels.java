package io.drover.ssh.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/** The two kinds of tunnel a session can run over instead of its own TCP socket. */
final class Tunnels {
    private static final Duration CHANNEL_OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final int STDERR_TAIL = 2048;

    private Tunnels() {}

    /**
     * A {@code direct-tcpip} channel on the jump host's shared connection to {@code host:port}, as
     * {@code ssh -W host:port jump} opens: the jump host makes the TCP connection, nothing listens locally.
     */
    static TunnelConnector.Tunnel directTcpip(MinaConnection jump, String host, int port) {
        return new TunnelConnector.Tunnel() {
            @Override
            public StreamIoSession.Pipe open() throws IOException {
                ChannelDirectTcpip channel = jump.session().createDirectTcpipChannel(
                        new SshdSocketAddress("127.0.0.1", 65535), new SshdSocketAddress(host, port));
                try {
                    channel.open().verify(CHANNEL_OPEN_TIMEOUT);
                } catch (IOException | RuntimeException e) {
                    channel.close(true);
                    throw e;
                }
                return new StreamIoSession.Pipe() {
                    @Override
                    public InputStream in() {
                        return channel.getInvertedOut();
                    }

                    @Override
                    public OutputStream out() {
                        return channel.getInvertedIn();
                    }

                    @Override
                    public void release() {
                        channel.close(false);
                    }

                    @Override
                    public String describe() {
                        return host + ":" + port + " via " + jump.destination();
                    }
                };
            }

            @Override
            public SocketAddress localAddress() {
                return InetSocketAddress.createUnresolved("127.0.0.1", 65535);
            }

            @Override
            public SocketAddress remoteAddress() {
                return InetSocketAddress.createUnresolved(host, port);
            }
        };
    }

    /**
     * A ProxyCommand ({@code /bin/sh -c command}, tokens already expanded) whose stdin and stdout carry the
     * connection. Its stderr is kept (the last {@value #STDERR_TAIL} bytes) for error messages, never printed.
     */
    static TunnelConnector.Tunnel proxyCommand(String command, String host, int port) {
        return new TunnelConnector.Tunnel() {
            @Override
            public StreamIoSession.Pipe open() throws IOException {
                Process process = new ProcessBuilder("/bin/sh", "-c", command).start();
                StringBuffer stderr = new StringBuffer();
                Thread.ofVirtual().name("drover-proxycommand-stderr").start(() -> {
                    byte[] buf = new byte[1024];
                    try (InputStream err = process.getErrorStream()) {
                        int n;
                        while ((n = err.read(buf)) > 0) {
                            stderr.append(new String(buf, 0, n, UTF_8));
                            if (stderr.length() > STDERR_TAIL) {
                                stderr.delete(0, stderr.length() - STDERR_TAIL);
                            }
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                return new StreamIoSession.Pipe() {
                    @Override
                    public InputStream in() {
                        return process.getInputStream();
                    }

                    @Override
                    public OutputStream out() {
                        return process.getOutputStream();
                    }

                    @Override
                    public void release() {
                        process.descendants().forEach(ProcessHandle::destroy);
                        process.destroy();
                    }

                    @Override
                    public String describe() {
                        String err = stderr.toString().strip();
                        return "ProxyCommand '" + command + "'" + (err.isEmpty() ? "" : " (stderr: " + err + ")");
                    }
                };
            }

            @Override
            public SocketAddress localAddress() {
                return InetSocketAddress.createUnresolved("127.0.0.1", 0);
            }

            @Override
            public SocketAddress remoteAddress() {
                return InetSocketAddress.createUnresolved(host, port);
            }
        };
    }
}
