package io.drover.ssh.internal;

import io.drover.ssh.CommandRequest;
import io.drover.ssh.RemoteProcess;
import io.drover.ssh.SshConnection;
import io.drover.ssh.SshException;
import io.drover.ssh.SshException.Kind;
import io.drover.ssh.config.HostConfig;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;

/** An authenticated MINA session behind drover's {@link SshConnection}. */
final class MinaConnection implements SshConnection {
    static final Duration CHANNEL_OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SFTP = SftpConstants.SFTP_SUBSYSTEM_NAME;
    private static final Duration GRACEFUL_CLOSE_WAIT = Duration.ofSeconds(2);

    private final String destination;
    private final HostConfig config;
    private final ClientSession session;
    private final Object fsLock = new Object();
    private volatile FileSystem fileSystem;
    private final AtomicBoolean agentRequested = new AtomicBoolean();
    private final Consumer<String> warnings;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object residentLock = new Object();
    private ResidentShell resident; // guarded by residentLock
    private boolean residentOpening; // guarded by residentLock
    private String residentUnsupported; // guarded by residentLock

    MinaConnection(String destination, HostConfig config, ClientSession session, Runnable onClose,
            Consumer<String> warnings) {
        this.destination = destination;
        this.config = config;
        this.session = session;
        this.warnings = warnings;
        session.addCloseFutureListener(f -> onClose.run());
    }

    ClientSession session() {
        return session;
    }

    @Override
    public String destination() {
        return destination;
    }

    @Override
    public HostConfig config() {
        return config;
    }

    /**
     * Runs the request's command after a one-line preamble that reports the remote shell's pid on stderr (stdout
     * with a pty) and is stripped again by {@link MarkerFilterInputStream}: sshd makes that shell a session leader, so
     * its pid names the session {@link RemoteProcess#kill()} ends. Exit status and output are the command's own.
     */
    @Override
    public RemoteProcess start(CommandRequest request) {
        ensureOpen("start a command");
        if (request.resident()) {
            RemoteProcess p = startResident(request.command());
            if (p != null) {
                return p;
            }
            p = startExec(request);
            try {
                p.stdin().close(); // as in the resident shell: end of file at once
            } catch (IOException ignored) {
                // the command ended already
            }
            return p;
        }
        return startExec(request);
    }

    /**
     * Runs {@code command} in the resident shell; null when that shell is busy, being opened by another caller, or
     * cannot run here (the caller then uses a channel of its own).
     */
    private RemoteProcess startResident(String command) {
        ResidentShell shell = null;
        ResidentShell stale = null;
        synchronized (residentLock) {
            if (residentUnsupported != null || residentOpening) {
                return null;
            }
            if (resident != null && !resident.usable()) {
                stale = resident;
                resident = null;
            }
            if (resident != null) {
                if (!resident.reserve()) {
                    return null;
                }
                shell = resident;
            } else {
                residentOpening = true;
            }
        }
        if (stale != null) {
            stale.close(false);
        }
        if (shell == null) {
            shell = openResident();
            if (shell == null) {
                return null;
            }
        }
        return shell.startReserved(command);
    }

    /** Opens the resident shell (reserved for the caller); null when it cannot be opened now or here. */
    private ResidentShell openResident() {
        ResidentShell shell = null;
        String unsupported = null;
        ChannelExec channel = null;
        try {
            Map<String, Object> env = new LinkedHashMap<>(config.setEnv());
            sendEnv(env);
            channel = session.createExecChannel(ResidentShell.COMMAND, null, env);
            if (config.forwardAgent() && agentRequested.compareAndSet(false, true)) {
                channel.setAgentForwarding(true);
            }
            shell = ResidentShell.open(this, channel, CHANNEL_OPEN_TIMEOUT);
        } catch (ResidentShell.Unsupported e) {
            unsupported = "commands run on a channel each: no resident shell on " + destination + ": "
                    + e.getMessage();
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close(true);
            }
            // a transient refusal (MaxSessions, a closing connection): a channel of its own this time
        }
        synchronized (residentLock) {
            residentOpening = false;
            if (unsupported != null) {
                residentUnsupported = unsupported;
            }
            if (shell != null && isOpen()) {
                resident = shell;
            }
        }
        if (unsupported != null) {
            warnings.accept(unsupported);
        }
        return shell;
    }

    private RemoteProcess startExec(CommandRequest request) {
        String marker = "drover-pid-" + HexFormat.of().formatHex(nonce())
                + ":";
        String wrapped = "printf '%s%s\\n' '" + marker + "' \"$$\" >&2\n" + request.command();
        Map<String, Object> env = new LinkedHashMap<>();
        env.putAll(config.setEnv());
        sendEnv(env);
        env.putAll(request.env());
        ChannelExec channel = null;
        try {
            channel = session.createExecChannel(wrapped, null, env);
            channel.setUsePty(request.pty());
            // sshd honours one agent forwarding request per connection and then exports SSH_AUTH_SOCK to every
            // later session on it: ask on the first command only, as ssh does
            if (config.forwardAgent() && agentRequested.compareAndSet(false, true)) {
                channel.setAgentForwarding(true);
            }
            return MinaRemoteProcess.open(this, channel, marker, request.pty(), CHANNEL_OPEN_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close(true);
            }
            if (!isOpen()) {
                throw new SshException(Kind.DISCONNECTED, "connection to " + destination + " is closed", e);
            }
            throw new SshException(Kind.CHANNEL, "cannot start a command on " + destination + ": " + e.getMessage()
                    + " (the server may limit sessions per connection: MaxSessions)", e);
        }
    }

    private static byte[] nonce() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    private void sendEnv(Map<String, Object> env) {
        if (config.sendEnv().isEmpty()) {
            return;
        }
        Map<String, String> local = System.getenv();
        for (String pattern : config.sendEnv()) {
            Pattern p = Pattern.compile(glob(pattern));
            local.forEach((k, v) -> {
                if (p.matcher(k).matches()) {
                    env.put(k, v);
                }
            });
        }
    }

    private static String glob(String pattern) {
        StringBuilder sb = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return sb.toString();
    }

    /**
     * Runs a short command without the wrapper and waits for it, {@code timeout} in all (used by kill); its channel
     * is then closed without waiting for the host.
     */
    void runQuietly(String command, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ChannelExec channel = null;
        try {
            channel = session.createExecChannel(command);
            channel.setRedirectErrorStream(true);
            channel.open().verify(timeout);
            channel.waitFor(java.util.EnumSet.of(org.apache.sshd.client.channel.ClientChannelEvent.CLOSED),
                    Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (IOException | RuntimeException e) {
            // best effort: the caller falls back to closing the channel
        } finally {
            if (channel != null) {
                channel.close(true);
            }
        }
    }

    @Override
    public FileSystem fileSystem() {
        FileSystem fs = fileSystem;
        if (fs != null && fs.isOpen()) {
            return fs;
        }
        synchronized (fsLock) {
            if (fileSystem == null || !fileSystem.isOpen()) {
                ensureOpen("open SFTP");
                try {
                    fileSystem = SftpClientFactory.instance().createSftpFileSystem(session);
                } catch (IOException | RuntimeException e) {
                    throw new SshException(isOpen() ? Kind.CHANNEL : Kind.DISCONNECTED,
                            "cannot open SFTP on " + destination + ": " + e.getMessage(), e);
                }
            }
            return fileSystem;
        }
    }

    @Override
    public void abortFileSystem() {
        FileSystem fs;
        synchronized (fsLock) {
            fs = fileSystem;
            fileSystem = null;
        }
        if (fs == null) {
            return;
        }
        // closed now, not gracefully: a graceful close waits for the host's answer, and only a closed channel wakes
        // the SFTP client's threads waiting for replies
        if (session.getService(ConnectionService.class) instanceof AbstractConnectionService channels) {
            for (var channel : channels.getChannels()) {
                if (channel instanceof ChannelSubsystem sub && SFTP.equals(sub.getSubsystem())) {
                    sub.close(true);
                }
            }
        }
        try {
            fs.close();
        } catch (IOException | RuntimeException ignored) {
            // its channels are closed already
        }
    }

    private void ensureOpen(String what) {
        if (!isOpen()) {
            throw new SshException(Kind.DISCONNECTED, "cannot " + what + " on " + destination
                    + ": the connection is closed");
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen() && !session.isClosing();
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // closed by its group and again by the pool: the second would wait again for a silent host
        }
        ResidentShell shell;
        synchronized (residentLock) {
            shell = resident;
            resident = null;
            residentUnsupported = "the connection is closed";
        }
        if (shell != null) {
            shell.close(true); // the shell reads end of file and exits
        }
        FileSystem fs = fileSystem;
        if (fs != null) {
            try {
                fs.close();
            } catch (IOException | RuntimeException ignored) {
                // the session goes next anyway
            }
        }
        // no channel left: nothing to flush or to close politely, the socket can go at once (a graceful close
        // costs a round of futures and listeners per connection, which shows at a thousand hosts)
        ConnectionService service = session.getService(ConnectionService.class);
        if (service instanceof AbstractConnectionService channels && channels.getChannels().isEmpty()) {
            session.close(true);
            return;
        }
        // channels still open (a command stopped early): a live host closes them within milliseconds; a host that
        // stopped answering never does, so the wait is short
        session.close(false).awaitUninterruptibly(GRACEFUL_CLOSE_WAIT);
        if (session.isOpen()) {
            session.close(true);
        }
    }

    @Override
    public String toString() {
        return "SshConnection[" + destination + "]";
    }
}
