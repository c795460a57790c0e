package io.drover.ssh.internal;

import io.drover.ssh.ExitStatus;
import io.drover.ssh.RemoteProcess;
import io.drover.ssh.SshException;
import io.drover.ssh.SshException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * One exec channel. Output streams are the channel's own pipes: bounded by the SSH window, so a reader that stops
 * reading stops the remote command instead of filling memory.
 */
final class MinaRemoteProcess implements RemoteProcess {
    private static final Duration PID_WAIT = Duration.ofSeconds(5);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final long CLOSE_GRACE_MS = 500;

    private final MinaConnection connection;
    private final ChannelExec channel;
    private final MarkerFilterInputStream marked;
    private final ChannelStdin stdin;
    private final boolean pty;
    private final CompletableFuture<ExitStatus> exit;
    private final AtomicBoolean killed;

    private MinaRemoteProcess(MinaConnection connection, ChannelExec channel, ChannelStdin stdin, String marker,
            boolean pty, CompletableFuture<ExitStatus> exit, AtomicBoolean killed) {
        this.connection = connection;
        this.channel = channel;
        this.pty = pty;
        this.exit = exit;
        this.killed = killed;
        this.marked = new MarkerFilterInputStream(pty ? channel.getInvertedOut() : channel.getInvertedErr(), marker);
        this.stdin = stdin;
        checkExit(channel, exit);
    }

    /**
     * Opens {@code channel} and wraps it. The exit watcher is registered before the channel opens: a short command can
     * end (and its channel start closing) before {@code open} returns, and MINA refuses listeners on closing channels.
     */
    static MinaRemoteProcess open(MinaConnection connection, ChannelExec channel, String marker, boolean pty,
            Duration openTimeout) throws java.io.IOException {
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        AtomicBoolean killed = new AtomicBoolean();
        // EOF: MINA's own stdin stream of the channel (which exists once it is open) sends it when closed
        ChannelStdin stdin = new ChannelStdin(channel, () -> channel.getInvertedIn().close());
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelStateChanged(Channel c, String hint) {
                checkExit(channel, exit);
            }

            @Override
            public void channelClosed(Channel c, Throwable reason) {
                stdin.abort();
                checkExit(channel, exit);
                if (exit.isDone()) {
                    return;
                }
                if (killed.get()) {
                    exit.complete(ExitStatus.signal("KILL"));
                } else if (!connection.isOpen()) {
                    exit.completeExceptionally(new SshException(Kind.DISCONNECTED, "connection to "
                            + connection.destination() + " was lost before the command ended", reason));
                } else {
                    exit.completeExceptionally(new SshException(Kind.CHANNEL, "channel to "
                            + connection.destination() + " closed without an exit status", reason));
                }
            }
        });
        channel.open().verify(openTimeout);
        return new MinaRemoteProcess(connection, channel, stdin, marker, pty, exit, killed);
    }

    private static void checkExit(ChannelExec channel, CompletableFuture<ExitStatus> exit) {
        Integer code = channel.getExitStatus();
        if (code != null) {
            exit.complete(ExitStatus.code(code));
            return;
        }
        String signal = channel.getExitSignal();
        if (signal != null) {
            exit.complete(ExitStatus.signal(signal));
        }
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return pty ? marked : channel.getInvertedOut();
    }

    @Override
    public InputStream stderr() {
        return pty ? InputStream.nullInputStream() : marked;
    }

    @Override
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        return awaitExit(exit, timeout, connection.destination());
    }

    /**
     * {@link RemoteProcess#waitFor} over a future exit status: empty on timeout; a failure is rethrown as an
     * {@link SshException} of the caller's thread (same kind and message), anything else as a CHANNEL failure of
     * the command on {@code destination}.
     */
    static Optional<ExitStatus> awaitExit(CompletableFuture<ExitStatus> exit, Duration timeout, String destination)
            throws InterruptedException {
        try {
            return Optional.of(exit.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SshException se) {
                throw new SshException(se.kind(), se.getMessage(), se);
            }
            throw new SshException(Kind.CHANNEL, "command on " + destination + " failed: " + e.getCause(),
                    e.getCause());
        }
    }

    /**
     * Sends the {@code signal KILL} channel request (sshd kills the process group), then runs
     * {@code pkill -KILL -s PID; kill -KILL -- -PID} on a second channel: every process in the command's session
     * dies, including children that moved to another process group, and background children still holding the
     * channel open after the shell itself exited. Processes that started their own session ({@code setsid},
     * daemons) are deliberately out of reach, as they are for OpenSSH. The session is only signalled while the channel
     * is open, i.e. while a process of that session still exists, so its id cannot have been reused.
     */
    @Override
    public void kill() {
        if (!killed.compareAndSet(false, true)) {
            return;
        }
        if (!channel.isClosed() && !channel.isClosing()) {
            if (!exit.isDone()) {
                sendSignal("KILL");
            }
            // one budget for every step: a host that stopped answering costs KILL_WAIT once, not per step
            long deadline = System.nanoTime() + KILL_WAIT.toNanos();
            OptionalLong pid = marked.awaitPid(PID_WAIT);
            if (pid.isPresent() && connection.isOpen() && !channel.isClosed()) {
                long p = pid.getAsLong();
                connection.runQuietly("pkill -KILL -s " + p + " 2>/dev/null; kill -KILL -- -" + p
                        + " 2>/dev/null; true", remaining(deadline));
            }
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), remaining(deadline).toMillis());
        }
        channel.close(false);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private void sendSignal(String name) {
        try {
            Buffer buffer = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 32);
            buffer.putUInt(channel.getRecipient());
            buffer.putString("signal");
            buffer.putBoolean(false);
            buffer.putString(name);
            channel.writePacket(buffer);
        } catch (IOException | RuntimeException ignored) {
            // the second channel does the work
        }
    }

    /**
     * Kills what still runs: the command, or background processes it left holding the channel open (the close
     * message normally follows the exit status within milliseconds; a channel still open after
     * {@value #CLOSE_GRACE_MS} ms has a process behind it).
     */
    @Override
    public void close() {
        if (exit.isDone()) {
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), CLOSE_GRACE_MS);
        }
        if (!channel.isClosed()) {
            kill();
        }
        channel.close(false);
    }
}
