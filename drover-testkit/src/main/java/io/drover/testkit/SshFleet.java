package io.drover.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A set of throwaway SSH hosts on loopback addresses, with the client files to reach them: an {@code ssh_config}
 * (alias to address, user, identity, known_hosts), a {@code known_hosts} listing every host key, and a user key.
 * Strict host key checking stays on: the generated config trusts exactly these hosts' keys, and nothing else.
 *
 * <pre>{@code
 * try (SshFleet fleet = SshFleet.builder().hosts(3).namePrefix("web").start()) {
 *     // every host answers the real OpenSSH client (or drover) through the generated config
 *     Process p = new ProcessBuilder("ssh", "-F", fleet.sshConfig().toString(), "web1", "hostname").start();
 *     // web1 prints "web1" when running as root: each host has its own hostname, home and /tmp
 *
 *     TestHost web2 = fleet.host("web2");
 *     web2.pause();    // SIGSTOP: connects, but no banner; open sessions hang
 *     web2.resume();
 *     web2.kill();     // crash: connections drop
 *     web2.start();    // back, same address and key
 *
 *     System.err.print(fleet.logs()); // every host's log, e.g. when something failed
 * }   // close(): every host and everything it ran is gone
 *
 * // no sshd on this machine: in-process Apache MINA SSHD hosts instead
 * try (SshFleet fleet = SshFleet.builder().kind(HostKind.EMBEDDED).hosts(2).start()) { ... }
 * }</pre>
 *
 * <p>In JUnit 5 tests, {@link SshHosts @SshHosts} does the starting, injecting, log dumping and stopping.
 *
 * <p>Host {@code i} (1-based) is named {@code prefix + i} and listens on {@code 127.B.(1 + (i-1)/250).(1 + (i-1)%250)},
 * port 22 when running as root and port 22 is free there (else a free port), where {@code B} is chosen per fleet.
 * Nothing outlives the fleet: {@link #close()} stops every host, and when the JVM dies, however it dies, the hosts'
 * processes die with it (see {@link HostKind}) — unless the fleet was started {@link Builder#detached(boolean)
 * detached}. Thread-safe.
 */
public final class SshFleet implements AutoCloseable {
    /** The most hosts one fleet may have. */
    public static final int MAX_HOSTS = 5000;
    static final String STATE_FILE = "fleet.properties";

    private final Path dir;
    private final boolean ownsDir;
    private final String prefix;
    private final List<TestHost> hosts;
    private final Reaper reaper;
    private final Thread shutdownHook;
    /** What {@link #closing} registered, last first; guarded by itself, together with {@link #closed}. */
    private final ArrayDeque<AutoCloseable> resources = new ArrayDeque<>();
    private volatile boolean closed;

    private SshFleet(Path dir, boolean ownsDir, String prefix, List<TestHost> hosts, Reaper reaper, boolean hook) {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.prefix = prefix;
        this.hosts = List.copyOf(hosts);
        this.reaper = reaper;
        this.shutdownHook = hook ? new Thread(this::close, "drover-testkit-shutdown") : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether this machine can run real OpenSSH hosts: {@code sshd} is installed (in /usr/sbin, /usr/local/sbin, /sbin
     * or on the PATH), or the system property {@code drover.testkit.sshd} names an executable one.
     */
    public static boolean openSshAvailable() {
        return OpenSshHost.sshd() != null;
    }

    /** Whether hosts get their own hostname, home, /tmp and PID namespace (root with {@code unshare}). */
    public static boolean namespacesAvailable() {
        return isRoot() && Stream.of("/usr/bin/unshare", "/bin/unshare").anyMatch(p -> Files.isExecutable(Path.of(p)));
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Re-opens a detached fleet started by another process in {@code dir} (as {@code drover lab up} does), to check or
     * stop it. Its hosts are controlled through the PIDs recorded in the directory's {@code fleet.properties}, and only
     * while those PIDs still run processes of this fleet; {@link TestHost#start()} is not supported on them. Closing
     * the returned fleet stops every host and removes {@code fleet.properties}.
     *
     * @throws IllegalArgumentException when {@code dir} holds no fleet, or its {@code fleet.properties} is malformed
     */
    public static SshFleet attach(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path state = abs.resolve(STATE_FILE);
        if (!Files.isRegularFile(state)) {
            throw new IllegalArgumentException("no fleet in " + abs + " (" + state + " is missing)");
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(state, UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + state, e);
        }
        HostKind kind;
        int count;
        try {
            kind = HostKind.valueOf(p.getProperty("kind", "OPENSSH"));
            count = Integer.parseInt(p.getProperty("hosts", "0"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(state + ": 'kind' must be OPENSSH or EMBEDDED and 'hosts' a number: " + e.getMessage());
        }
        boolean ns = Boolean.parseBoolean(p.getProperty("namespaces", "false"));
        List<TestHost> hosts = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String entry = p.getProperty("host." + i, "");
            String[] f = entry.split(" ", 5);
            try {
                hosts.add(new AttachedHost(f[0], f[1], Integer.parseInt(f[2]), kind, ns, abs, f[4], Long.parseLong(f[3])));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(state + ": host." + i + " (" + entry
                        + ") must be 'NAME ADDRESS PORT PID HOSTKEY'");
            }
        }
        return new SshFleet(abs, false, p.getProperty("prefix", "host"), hosts, null, false);
    }

    /** The hosts, in order. */
    public List<TestHost> hosts() {
        return hosts;
    }

    /** The host named {@code name}. */
    public TestHost host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no host " + name + " in this fleet (" + hostSpec() + ")"));
    }

    /** The host names, in order. */
    public List<String> names() {
        return hosts.stream().map(TestHost::name).toList();
    }

    /** The fleet's directory: keys, configs, host directories and logs. */
    public Path directory() {
        return dir;
    }

    /** The generated client config: pass it as {@code ssh -F} / {@code drover -F}. */
    public Path sshConfig() {
        return dir.resolve("ssh_config");
    }

    /** The known_hosts file with every host's key. */
    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** The user's private key (ed25519, no passphrase), authorised on every host. */
    public Path identity() {
        return dir.resolve("id_ed25519");
    }

    /** A drover host spec for all hosts, e.g. {@code lab[1-20]}. */
    public String hostSpec() {
        return hosts.size() == 1 ? hosts.getFirst().name() : prefix + "[1-" + hosts.size() + "]";
    }

    /** Every host's log, each headed by its name: for dumping when a test fails. */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (TestHost h : hosts) {
            sb.append("===== ").append(h).append(" =====\n").append(h.log()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Has {@link #close()} close {@code resource} (typically a client built on {@link #sshConfig()}) before it stops the
     * hosts, so the client ends its sessions while the hosts still answer. Resources close last registered first. One
     * whose close throws does not keep the others from closing nor the hosts from stopping: {@code close()} throws
     * afterwards.
     *
     * <pre>{@code
     * @SshHosts(count = 2)
     * static SshFleet fleet;
     * static Ssh ssh;
     *
     * @BeforeAll
     * static void client() {
     *     ssh = fleet.closing(Ssh.builder().configFile(fleet.sshConfig()).build());
     * }
     * }</pre>
     *
     * @return {@code resource}
     * @throws IllegalStateException when the fleet is closed already (the resource is then closed at once)
     */
    public <T extends AutoCloseable> T closing(T resource) {
        requireNonNull(resource, "resource is null");
        synchronized (resources) {
            if (!closed) {
                resources.push(resource);
                return resource;
            }
        }
        IllegalStateException e = closeAll(List.of(resource));
        throw new IllegalStateException("the fleet in " + dir + " is closed; " + resource + " was closed at once", e);
    }

    /**
     * Closes what {@link #closing} registered, then stops every host (in parallel) and, when the fleet made its own
     * directory, deletes it. Idempotent.
     *
     * @throws IllegalStateException when a registered resource failed to close (the hosts are stopped all the same)
     */
    @Override
    public void close() {
        List<AutoCloseable> registered;
        synchronized (resources) {
            if (closed) {
                return;
            }
            closed = true;
            registered = List.copyOf(resources);
            resources.clear();
        }
        IllegalStateException failure = closeAll(registered);
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down already
            }
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (TestHost h : hosts) {
                pool.submit(() -> {
                    if (h instanceof FleetHost f) {
                        f.stopNow();
                    } else {
                        h.stop();
                    }
                });
            }
        }
        if (reaper != null) {
            reaper.close();
        }
        Path state = dir.resolve(STATE_FILE);
        try {
            Files.deleteIfExists(state);
        } catch (IOException ignored) {
            // best effort
        }
        if (ownsDir) {
            deleteTree(dir);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes each resource in order; returns null, or an exception naming those that failed (theirs suppressed). */
    private static IllegalStateException closeAll(List<AutoCloseable> resources) {
        List<Exception> failures = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                failures.add(e);
                failed.add(r + " (" + e + ")");
            }
        }
        if (failures.isEmpty()) {
            return null;
        }
        IllegalStateException e = new IllegalStateException("cannot close " + String.join(", ", failed));
        failures.forEach(e::addSuppressed);
        return e;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a mount point or a file a dying process still writes: leave it
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    /** Settings for a fleet. */
    public static final class Builder {
        private int count = 1;
        private String prefix = "host";
        private HostKind kind = HostKind.OPENSSH;
        private Path directory;
        private Boolean namespaces;
        private boolean detached;
        private int secondOctet = -1;
        private int preferredSecondOctet = -1;
        private Duration readyTimeout = Duration.ofSeconds(30);
        private final List<String> sshdConfig = new ArrayList<>();
        private int startConcurrency = 32;

        private Builder() {}

        /** How many hosts (1 to {@value #MAX_HOSTS}). */
        public Builder hosts(int count) {
            if (count < 1 || count > MAX_HOSTS) {
                throw new IllegalArgumentException("hosts (" + count + ") must be between 1 and " + MAX_HOSTS);
            }
            this.count = count;
            return this;
        }

        /** Host names are {@code prefix1..prefixN}; the prefix is letters, digits and {@code -} only. */
        public Builder namePrefix(String prefix) {
            if (!prefix.matches("[A-Za-z][A-Za-z0-9-]*")) {
                throw new IllegalArgumentException("namePrefix (" + prefix + ") must be a letter then letters, digits or '-'");
            }
            this.prefix = prefix;
            return this;
        }

        public Builder kind(HostKind kind) {
            this.kind = requireNonNull(kind, "kind is null");
            return this;
        }

        /** Where to put keys, configs and host directories; by default a new temporary directory deleted on close. */
        public Builder directory(Path directory) {
            this.directory = requireNonNull(directory, "directory is null");
            return this;
        }

        /** Force namespaces on or off; by default on when running as root with {@code unshare}. */
        public Builder namespaces(boolean on) {
            this.namespaces = on;
            return this;
        }

        /**
         * Hosts outlive this JVM (for {@code drover lab up}); stop them with {@link SshFleet#attach} and close. Test
         * fleets must not be detached: their hosts die with the JVM.
         */
        public Builder detached(boolean detached) {
            this.detached = detached;
            return this;
        }

        /** Fixes the second octet of the host addresses ({@code 127.B.x.y}), 0 to 255; random by default. */
        public Builder secondOctet(int b) {
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("secondOctet (" + b + ") must be between 0 and 255");
            }
            this.secondOctet = b;
            return this;
        }

        /**
         * Prefers the block {@code 127.B.0.0/16} but falls back to a random free one when a server already listens on
         * its first address (port 22 as root): for a stable, documented address of {@code drover lab up}.
         */
        public Builder preferredSecondOctet(int b) {
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("preferredSecondOctet (" + b + ") must be between 0 and 255");
            }
            this.preferredSecondOctet = b;
            return this;
        }

        /** How long each OpenSSH host may take to listen once launched (default 30 s); embedded hosts listen at once. */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = requireNonNull(timeout, "timeout is null");
            return this;
        }

        /**
         * An extra {@code sshd_config} line for every host, e.g. {@code "MaxStartups 3:30:5"}; a top-level
         * {@code LogLevel} line replaces the default {@code LogLevel VERBOSE}.
         */
        public Builder sshdConfig(String line) {
            sshdConfig.add(requireNonNull(line, "line is null"));
            return this;
        }

        /** How many hosts are launched at once while starting. */
        public Builder startConcurrency(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("startConcurrency (" + n + ") must be at least 1");
            }
            this.startConcurrency = n;
            return this;
        }

        /**
         * Starts every host and waits until all answer. On failure nothing is left running and the files written so
         * far are removed when the fleet made its own directory.
         *
         * @throws IllegalStateException when a host cannot start (its log is in the message), or OpenSSH hosts are
         *     asked for and {@code sshd} is not installed
         * @throws IllegalArgumentException when the settings contradict each other (embedded hosts cannot be detached
         *     and take no {@code sshd_config} lines)
         */
        public SshFleet start() {
            if (kind == HostKind.OPENSSH && !openSshAvailable()) {
                throw new IllegalStateException("no sshd found (install openssh-server) - or use HostKind.EMBEDDED");
            }
            if (kind == HostKind.EMBEDDED && detached) {
                throw new IllegalArgumentException("embedded hosts live in this JVM and cannot be detached; "
                        + "run them in a JVM of their own (EmbeddedLabMain) instead");
            }
            if (kind == HostKind.EMBEDDED && !sshdConfig.isEmpty()) {
                throw new IllegalArgumentException("sshdConfig " + sshdConfig + " applies to OPENSSH hosts only");
            }
            boolean ns = kind == HostKind.OPENSSH && (namespaces != null ? namespaces : namespacesAvailable());
            if (ns && !namespacesAvailable()) {
                throw new IllegalStateException("namespaces need root and unshare");
            }
            boolean ownsDir = directory == null;
            Path dir;
            try {
                dir = (ownsDir ? Files.createTempDirectory("drover-fleet-") : Files.createDirectories(directory))
                        .toAbsolutePath().normalize();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create fleet directory " + directory, e);
            }
            List<FleetHost> started = Collections.synchronizedList(new ArrayList<>());
            // detached hosts outlive the JVM once started, but not a JVM stopped (Ctrl-C) while they start
            Thread abandoned = detached ? new Thread(() -> started.forEach(FleetHost::kill), "drover-testkit-abort") : null;
            if (abandoned != null) {
                Runtime.getRuntime().addShutdownHook(abandoned);
            }
            Reaper reaper = null;
            try {
                reaper = kind == HostKind.EMBEDDED ? Reaper.start(dir) : null;
                SshFleet fleet = startHosts(dir, ownsDir, ns, reaper, started);
                if (abandoned != null) {
                    Runtime.getRuntime().removeShutdownHook(abandoned);
                }
                return fleet;
            } catch (RuntimeException | Error e) {
                if (abandoned != null) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(abandoned);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running or will run: it kills the same hosts
                    }
                }
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    started.forEach(h -> pool.submit(h::kill));
                }
                if (reaper != null) {
                    reaper.close();
                }
                if (ownsDir) {
                    deleteTree(dir);
                }
                throw e;
            }
        }

        private SshFleet startHosts(Path dir, boolean ownsDir, boolean ns, Reaper reaper, List<FleetHost> started) {
            if (kind == HostKind.OPENSSH && isRoot()) {
                try {
                    Files.createDirectories(Path.of("/run/sshd"));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create /run/sshd (sshd's privilege separation directory)", e);
                }
            }
            Block block = pickBlock();
            try {
                KeyPair user = KeyFiles.newEd25519();
                KeyFiles.write(user, dir.resolve("id_ed25519"), "drover-testkit-user");
                String userLine = KeyFiles.publicLine(user, "drover-testkit-user");
                Path authorized = dir.resolve("authorized_keys");
                Files.writeString(authorized, userLine + "\n", UTF_8);
                Files.createDirectories(dir.resolve("hosts"));
                List<FleetHost> hosts = new ArrayList<>(count);
                for (int i = 1; i <= count; i++) {
                    String address = address(block.secondOctet(), i);
                    int port = block.port22() ? 22 : freePort(address);
                    KeyPair hostKey = KeyFiles.newEd25519();
                    String name = prefix + i;
                    String keyLine = KeyFiles.publicLine(hostKey, name);
                    FleetHost host = switch (kind) {
                        case OPENSSH -> new OpenSshHost(name, address, port, dir, ns, detached, keyLine, readyTimeout);
                        case EMBEDDED -> new EmbeddedHost(name, address, port, dir, keyLine, userLine, reaper);
                    };
                    Files.createDirectories(host.dir());
                    Path keyFile = host.dir().resolve("ssh_host_ed25519_key");
                    KeyFiles.write(hostKey, keyFile, name);
                    switch (host) {
                        case OpenSshHost o -> o.prepare(keyFile, authorized, sshdConfig);
                        case EmbeddedHost e -> e.prepare();
                        default -> throw new AssertionError(host);
                    }
                    hosts.add(host);
                }
                writeClientFiles(dir, hosts);
                Semaphore launching = new Semaphore(startConcurrency);
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> futures = new ArrayList<>();
                    for (FleetHost h : hosts) {
                        futures.add(pool.submit(() -> {
                            launching.acquireUninterruptibly();
                            try {
                                started.add(h);
                                h.launch();
                            } finally {
                                launching.release();
                            }
                            h.awaitReady();
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) {
                        try {
                            f.get();
                        } catch (java.util.concurrent.ExecutionException e) {
                            if (e.getCause() instanceof RuntimeException re) {
                                throw re;
                            }
                            throw new IllegalStateException(e.getCause());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting the fleet", e);
                }
                writeState(dir, hosts, ns);
                return new SshFleet(dir, ownsDir, prefix, new ArrayList<>(hosts), reaper, !detached);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the fleet in " + dir, e);
            }
        }

        private static String address(int b, int i) {
            return "127." + b + "." + (1 + (i - 1) / 250) + "." + (1 + (i - 1) % 250);
        }

        /** The address block and whether its hosts can listen on port 22. */
        private record Block(int secondOctet, boolean port22) {}

        private Block pickBlock() {
            boolean root = isRoot();
            if (secondOctet >= 0) {
                return new Block(secondOctet, root && canBind(address(secondOctet, 1), 22));
            }
            List<Integer> candidates = new ArrayList<>();
            if (preferredSecondOctet >= 0) {
                candidates.add(preferredSecondOctet);
            }
            for (int attempt = 0; attempt < 20; attempt++) {
                candidates.add(ThreadLocalRandom.current().nextInt(16, 240));
            }
            if (!root) {
                return new Block(candidates.getFirst(), false);
            }
            for (int b : candidates) {
                if (canBind(address(b, 1), 22)) {
                    return new Block(b, true);
                }
            }
            // port 22 is taken everywhere (e.g. the machine's own sshd listens on 0.0.0.0:22): use free ports
            return new Block(candidates.getFirst(), false);
        }

        private static boolean canBind(String address, int port) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(address, port));
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private void writeClientFiles(Path dir, List<FleetHost> hosts) throws IOException {
            StringBuilder config = new StringBuilder("# ssh_config of a drover-testkit fleet: use with ssh -F / drover -F\n");
            StringBuilder known = new StringBuilder();
            for (FleetHost h : hosts) {
                config.append("Host ").append(h.name()).append("\n  HostName ").append(h.address()).append('\n');
                if (h.port() != 22) {
                    config.append("  Port ").append(h.port()).append('\n');
                }
                known.append(h.hostPort()).append(' ').append(h.hostKeyLine()).append('\n');
            }
            config.append("\nHost *\n")
                    .append("  User ").append(System.getProperty("user.name")).append('\n')
                    .append("  IdentityFile ").append(dir.resolve("id_ed25519")).append('\n')
                    .append("  IdentitiesOnly yes\n")
                    .append("  IdentityAgent none\n")
                    .append("  UserKnownHostsFile ").append(dir.resolve("known_hosts")).append('\n')
                    .append("  GlobalKnownHostsFile /dev/null\n")
                    .append("  StrictHostKeyChecking yes\n")
                    .append("  CheckHostIP no\n")
                    .append("  BatchMode yes\n");
            atomicWrite(dir.resolve("ssh_config"), config.toString());
            atomicWrite(dir.resolve("known_hosts"), known.toString());
        }

        private void writeState(Path dir, List<FleetHost> hosts, boolean ns) throws IOException {
            Map<String, String> lines = new LinkedHashMap<>();
            lines.put("prefix", prefix);
            lines.put("kind", kind.name());
            lines.put("hosts", Integer.toString(hosts.size()));
            lines.put("directory", dir.toString());
            lines.put("namespaces", Boolean.toString(ns));
            for (int i = 0; i < hosts.size(); i++) {
                FleetHost h = hosts.get(i);
                lines.put("host." + (i + 1), h.name() + " " + h.address() + " " + h.port() + " " + h.pid() + " "
                        + h.hostKeyLine());
            }
            StringBuilder sb = new StringBuilder("# drover-testkit fleet state: NAME ADDRESS PORT PID HOSTKEY\n");
            lines.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            atomicWrite(dir.resolve(STATE_FILE), sb.toString());
        }

        private static int freePort(String address) throws IOException {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(address, 0));
                return s.getLocalPort();
            }
        }
    }

    static void atomicWrite(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content, UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
