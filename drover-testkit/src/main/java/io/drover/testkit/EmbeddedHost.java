package io.drover.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An in-process Apache MINA SSHD server standing in for a machine: public-key authentication with the fleet's user
 * key only (and only as the user running the JVM), commands through {@code /bin/sh -c}, an interactive {@code /bin/sh}
 * for shells, the SFTP subsystem, and direct TCP forwarding to loopback addresses only (for jump hosts).
 *
 * <p>How it differs from an {@link HostKind#OPENSSH} host: it shares the machine's hostname and {@code /tmp}; its own
 * home ({@link #home()}) is the working directory and {@code $HOME} of its commands and the base of relative SFTP
 * paths. Commands run in their own session ({@code setsid}); a {@link Reaper} kills them if the JVM dies.
 *
 * <p>Fault injection: {@link #kill()} and {@link #stop()} close the server and every connection at once and kill
 * (SIGKILL, resp. SIGTERM) every command's process group. {@link #pause()} comes close to SIGSTOP: the MINA acceptor
 * is replaced by a plain socket that accepts TCP connections into its backlog but never answers, reading stops on
 * every open connection, and every command is sent SIGSTOP. One difference: connections made during the pause are
 * reset by {@link #resume()} (a real SIGCONT'd sshd would serve them late).
 */
final class EmbeddedHost implements FleetHost {
    /** MINA's timeouts for every embedded host of this JVM (a daemon thread: it never keeps the JVM alive). */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("drover-testkit-sshd-timer").factory());

    private final String name;
    private final String address;
    private final int port;
    private final Path dir;
    private final Path hostKeyFile;
    private List<KeyPair> hostKeys;
    private final String hostKeyLine;
    private final String userKey;
    private final String user = System.getProperty("user.name");
    private final Reaper reaper;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    /** Process groups of commands that exited while other members of their group may live on. */
    private final Set<Long> lingering = ConcurrentHashMap.newKeySet();
    /** Guards the log file only: MINA's I/O threads log, and must never wait for a fault injection in progress. */
    private final Object logLock = new Object();
    private Server server;
    private ServerSocket silent;

    EmbeddedHost(String name, String address, int port, Path fleetDir, String hostKeyLine,
            String userKeyLine, Reaper reaper) {
        this.name = name;
        this.address = address;
        this.port = port;
        this.dir = fleetDir.resolve("hosts").resolve(name);
        this.hostKeyFile = dir.resolve("ssh_host_ed25519_key");
        this.hostKeyLine = hostKeyLine;
        String[] f = userKeyLine.split(" ");
        this.userKey = f[0] + " " + f[1];
        this.reaper = reaper;
    }

    /** A MINA server whose acceptor can be unbound and bound again (for {@link #pause()}). */
    private static final class Server extends SshServer {
        IoAcceptor ioAcceptor() {
            return acceptor;
        }
    }

    @Override
    public Path dir() {
        return dir;
    }

    Path homeDir() {
        return dir.resolve("home");
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    /** Creates the home directory and loads the host key (written as {@code hosts/NAME/ssh_host_ed25519_key}). */
    void prepare() throws IOException {
        Files.createDirectories(homeDir());
        List<KeyPair> keys = new ArrayList<>();
        new FileKeyPairProvider(hostKeyFile).loadKeys(null).forEach(keys::add);
        if (keys.isEmpty()) {
            throw new IllegalStateException("no host key in " + hostKeyFile);
        }
        hostKeys = List.copyOf(keys);
    }

    @Override
    public synchronized void launch() {
        if (server != null) {
            return;
        }
        Server s = (Server) ServerBuilder.builder().factory(Server::new).build();
        s.setHost(address);
        s.setPort(port);
        // one I/O thread per host and one timer thread for all: 5000 hosts must fit in one JVM
        CoreModuleProperties.NIO_WORKERS.set(s, 1);
        s.setScheduledExecutorService(TIMER, false);
        s.setKeyPairProvider(KeyPairProvider.wrap(hostKeys));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setGSSAuthenticator(null);
        s.setHostBasedAuthenticator(null);
        s.setPublickeyAuthenticator((username, key, session) -> {
            boolean ok = user.equals(username) && userKey.equals(keyLine(key));
            log((ok ? "Accepted publickey for " : "Refused publickey for ") + username + " from "
                    + session.getClientAddress());
            return ok;
        });
        s.setCommandFactory((channel, command) -> new ShellCommand(this, command));
        s.setShellFactory(channel -> new ShellCommand(this, null));
        s.setFileSystemFactory(new HomeFileSystem());
        s.setSubsystemFactories(List.of(new HomeSftp()));
        s.setForwardingFilter(ForwardingFilter.asForwardingFilter(null, null, new LoopbackOnly()));
        s.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                log("Connection from " + session.getRemoteAddress());
            }

            @Override
            public void sessionClosed(Session session) {
                log("Connection closed: " + session.getRemoteAddress());
            }
        });
        try {
            s.start();
        } catch (IOException e) {
            log("cannot listen on " + hostPort() + ": " + e);
            throw new IllegalStateException("embedded test host " + name + " cannot listen on " + hostPort() + ": " + e
                    + "; log:\n" + log(), e);
        }
        server = s;
        log("Server listening on " + hostPort());
    }

    private static String keyLine(PublicKey key) {
        try {
            return PublicKeyEntry.toString(key);
        } catch (IllegalArgumentException e) {
            return "unsupported " + key.getAlgorithm();
        }
    }

    /** Ready once launched: {@link #launch()} returns with the server listening (MINA binds synchronously). */
    @Override
    public synchronized void awaitReady() {
        if (server == null || server.ioAcceptor().getBoundAddresses().isEmpty()) {
            throw new IllegalStateException("embedded test host " + name + " (" + hostPort() + ") is not listening; log:\n"
                    + log());
        }
    }

    void commandStarted(Process p, String command) {
        running.add(p);
        if (Reaper.SETSID) {
            reaper.watch(p.pid());
        }
        log("Starting session: " + (command == null ? "shell" : "command '" + command + "'") + " pid " + p.pid());
    }

    void commandEnded(Process p, String command, int code) {
        running.remove(p);
        log("Exit status " + code + " of pid " + p.pid());
        if (Reaper.SETSID) {
            lingering.add(p.pid());
            pruneLingering();
        }
    }

    /** Forgets process groups that have no member left (their ID could be reused by an unrelated process group). */
    private void pruneLingering() {
        if (lingering.isEmpty()) {
            return;
        }
        Set<Long> live = ProcessGroups.existing(lingering);
        for (Long g : List.copyOf(lingering)) {
            if (!live.contains(g) && lingering.remove(g)) {
                reaper.forget(g);
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public HostKind kind() {
        return HostKind.EMBEDDED;
    }

    @Override
    public Optional<Path> home() {
        return Optional.of(homeDir());
    }

    @Override
    public Optional<Path> tmp() {
        return Optional.empty();
    }

    @Override
    public String hostKeyLine() {
        return hostKeyLine;
    }

    @Override
    public String log() {
        try {
            Path log = dir.resolve("sshd.log");
            return Files.exists(log) ? Files.readString(log, UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private void log(String line) {
        synchronized (logLock) {
            appendLog(line);
        }
    }

    private void appendLog(String line) {
        try {
            Files.writeString(dir.resolve("sshd.log"), LocalDateTime.now() + " " + line + "\n", UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the fleet directory is being deleted
        }
    }

    @Override
    public boolean answers() {
        return answers(OpenSshHost.ANSWER_TIMEOUT);
    }

    boolean answers(Duration timeout) {
        return OpenSshHost.banner(address, port, timeout);
    }

    @Override
    public synchronized void stop() {
        halt("TERM");
    }

    @Override
    public synchronized void kill() {
        halt("KILL");
    }

    @Override
    public void stopNow() {
        kill();
    }

    private void halt(String signal) {
        if (server == null) {
            return;
        }
        boolean wasPaused = silent != null;
        closeSilent();
        Collection<Long> groups = groups();
        if (wasPaused) {
            signal("CONT", groups);
        }
        signal(signal, groups);
        if (signal.equals("TERM")) {
            waitForCommands(Duration.ofSeconds(2));
            signal("KILL", groups());
        }
        try {
            server.stop(true);
        } catch (IOException e) {
            log("error while stopping: " + e);
        }
        server = null;
        for (Process p : running) {
            killTree(p.toHandle());
        }
        running.clear();
        lingering.forEach(reaper::forget);
        lingering.clear();
        log("Server stopped (" + signal + ")");
    }

    private void waitForCommands(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Process p : List.copyOf(running)) {
            try {
                p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Process groups of running commands and of exited commands whose group may live on; PIDs without setsid. */
    private Collection<Long> groups() {
        List<Long> ids = new ArrayList<>();
        for (Process p : running) {
            ids.add(p.pid());
            if (!Reaper.SETSID) {
                p.descendants().forEach(d -> ids.add(d.pid()));
            }
        }
        ids.addAll(lingering);
        return ids;
    }

    private static void signal(String signal, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-s", signal, "--"));
        for (long id : ids) {
            command.add(Reaper.SETSID ? "-" + id : Long.toString(id));
        }
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = root.descendants().toList();
        root.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public synchronized void pause() {
        if (server == null || silent != null) {
            return;
        }
        Server s = server;
        SshdSocketAddress bound = new SshdSocketAddress(address, port);
        s.ioAcceptor().unbind(bound.toInetSocketAddress());
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), 128);
            silent = socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hold " + hostPort() + " while " + name + " is paused", e);
        }
        for (AbstractSession session : s.getActiveSessions()) {
            session.getIoSession().suspendRead();
        }
        signal("STOP", groups());
        log("Paused");
    }

    @Override
    public synchronized void resume() {
        if (server == null || silent == null) {
            return;
        }
        closeSilent();
        try {
            server.ioAcceptor().bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + hostPort() + " again after the pause of " + name, e);
        }
        for (AbstractSession session : server.getActiveSessions()) {
            session.getIoSession().resumeRead();
        }
        signal("CONT", groups());
        log("Resumed");
    }

    private void closeSilent() {
        if (silent != null) {
            try {
                silent.close();
            } catch (IOException ignored) {
                // closing a listener that never accepted
            }
            silent = null;
        }
    }

    @Override
    public void start() {
        launch();
        awaitReady();
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public String toString() {
        return name + "(" + hostPort() + ", embedded)";
    }

    /** The native file system, with the host's home as the user's home. */
    private final class HomeFileSystem implements FileSystemFactory {
        @Override
        public Path getUserHomeDir(SessionContext session) {
            return homeDir();
        }

        @Override
        public FileSystem createFileSystem(SessionContext session) {
            return FileSystems.getDefault();
        }
    }

    /** SFTP whose relative paths start at the host's home, as with sshd. */
    private final class HomeSftp extends SftpSubsystemFactory {
        @Override
        public Command createSubsystem(ChannelSession channel) throws IOException {
            return new SftpSubsystem(channel, this) {
                @Override
                public void start(ChannelSession channel, Environment env) throws IOException {
                    defaultDir = homeDir();
                    super.start(channel, env);
                }
            };
        }
    }

    /** Direct TCP forwarding (ProxyJump through this host) to loopback addresses only; no remote listening. */
    private static final class LoopbackOnly implements TcpForwardingFilter {
        @Override
        public boolean canListen(SshdSocketAddress address, Session session) {
            return false;
        }

        @Override
        public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
            return type == Type.Direct && SshdSocketAddress.isLoopback(address.getHostName());
        }
    }
}
