package io.drover.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code sshd -D} process. As root it runs inside {@code unshare --mount --uts --pid}: its own hostname, its
 * own {@code /root} and {@code /tmp} (bind mounts of directories under the host's directory), and its own PID
 * namespace, so that when the namespace's first process exits the kernel kills everything the host ran.
 *
 * <p>Lifetime: the first process (a small shell) blocks reading its stdin, a pipe held by this JVM. When the JVM
 * closes it, or dies, the shell reads EOF, stops sshd and exits, and the namespace goes with it: nothing outlives the
 * test, even on {@code kill -9} of the JVM. Detached hosts (for {@code drover lab up}) instead live until
 * {@link #stop()} or {@code lab down} kills them by PID.
 */
final class OpenSshHost implements FleetHost {
    /**
     * How long {@link TestHost#answers()} waits for the banner: a loaded machine may take a while to fork the sshd
     * that sends it, while a paused host accepts the connection and never sends it.
     */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(3);

    /** System property naming the {@code sshd} binary to use instead of the one found on this machine. */
    static final String SSHD_PROPERTY = "drover.testkit.sshd";
    private static final Path FOUND_SSHD = findSshd();

    private final String name;
    private final String address;
    private final int port;
    private final Path fleetDir;
    private final Path dir;
    private final boolean namespaces;
    private final boolean detached;
    private final String hostKeyLine;
    private final Duration readyTimeout;
    private Process process;
    private OutputStream lifeline;
    private long pid = -1;
    /** The fleet directory's real path when it lies under /root or /tmp (hidden by this host's binds), else null. */
    private Path hiddenFleetDir;
    /** Size of the log when the host was last launched: readiness is looked for after it. */
    private volatile long logOffset;
    private boolean paused;

    OpenSshHost(String name, String address, int port, Path fleetDir, boolean namespaces, boolean detached,
            String hostKeyLine, Duration readyTimeout) {
        this.name = name;
        this.address = address;
        this.port = port;
        this.fleetDir = fleetDir;
        this.dir = fleetDir.resolve("hosts").resolve(name);
        this.namespaces = namespaces;
        this.detached = detached;
        this.hostKeyLine = hostKeyLine;
        this.readyTimeout = readyTimeout;
    }

    /**
     * The {@code sshd} to run: {@code -Ddrover.testkit.sshd=PATH} when set (null when it is not executable), else the
     * one found in the usual places or on the PATH, or null.
     */
    static Path sshd() {
        String chosen = System.getProperty(SSHD_PROPERTY);
        if (chosen != null) {
            Path p = Path.of(chosen);
            return Files.isExecutable(p) ? p : null;
        }
        return FOUND_SSHD;
    }

    private static Path findSshd() {
        for (String candidate : List.of("/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "sshd"))) {
                return Path.of(d, "sshd");
            }
        }
        return null;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public long pid() {
        return pid;
    }

    /** Writes this host's sshd_config and directories. */
    void prepare(Path hostKey, Path authorizedKeys, List<String> extraConfig) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        try {
            Files.setAttribute(tmp, "unix:mode", 01777); // sticky and world-writable, as /tmp is
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        if (namespaces) {
            // the binds over /root and /tmp hide a fleet directory below them: give it a mount point in the host's
            // own home or tmp, so that the launch script binds the fleet directory there without running mkdir
            Path real = fleetDir.toRealPath();
            for (Path[] over : List.of(new Path[] {Path.of("/root"), home}, new Path[] {Path.of("/tmp"), tmp})) {
                if (real.startsWith(over[0])) {
                    Files.createDirectories(over[1].resolve(over[0].relativize(real).toString()));
                    hiddenFleetDir = real;
                }
            }
        }
        List<String> config = new ArrayList<>(List.of(
                "# sshd_config of test host " + name + " (generated by drover-testkit)",
                "ListenAddress " + address + ":" + port,
                "HostKey " + hostKey,
                "PidFile none",
                "AuthorizedKeysFile " + authorizedKeys,
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "Subsystem sftp internal-sftp",
                "AcceptEnv *",
                "PrintMotd no",
                "UseDNS no"));
        // sshd keeps a keyword's first value: an extra top-level LogLevel (e.g. DEBUG1 to see every auth request)
        // replaces the default instead of being ignored
        if (extraConfig.stream().noneMatch(line -> line.startsWith("LogLevel "))) {
            config.add("LogLevel VERBOSE");
        }
        config.addAll(extraConfig);
        Files.write(dir.resolve("sshd_config"), config, UTF_8);
    }

    /**
     * Starts the host's process tree. Per host, as root: {@code unshare}, the namespace's first {@code sh}, two or three
     * {@code mount}s and {@code sshd} (the hostname is written to /proc, directories are made beforehand in Java).
     */
    @Override
    public synchronized void launch() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>();
        Path log = dir.resolve("sshd.log");
        String sshd = sshd() + " -D -e -f " + quote(dir.resolve("sshd_config").toString());
        String tail = detached
                ? "exec " + sshd
                // fd 3 keeps the JVM's pipe: background jobs get /dev/null as stdin
                : "exec 3<&0\n" + sshd + " & sshd=$!\n(read -r _ <&3; kill -TERM $sshd 2>/dev/null) &\nwait $sshd";
        if (detached) {
            command.add("setsid"); // its own session: a Ctrl-C meant for the command that started the lab spares it
        }
        if (namespaces) {
            String rel = fleetDir.relativize(dir).toString();
            List<String> script = new ArrayList<>(List.of(
                    "set -e",
                    "echo " + quote(name) + " > /proc/sys/kernel/hostname",
                    "cd " + quote(fleetDir.toString()),
                    // binds use paths relative to the fleet dir (the shell's cwd), not canonicalised (-c), which stay
                    // reachable even when the fleet dir itself lives under /root or /tmp and is hidden by the binds;
                    // unshare made every mount private already
                    "mount -c --bind " + quote(rel + "/home") + " /root",
                    "mount -c --bind " + quote(rel + "/tmp") + " /tmp"));
            if (hiddenFleetDir != null) {
                script.add("mount -c --bind . " + quote(hiddenFleetDir.toString()));
            }
            script.addAll(List.of("cd /", "set +e", tail));
            command.addAll(List.of("unshare", "--mount", "--uts", "--pid", "--fork", "--kill-child", "--mount-proc",
                    "/bin/sh", "-c", String.join("\n", script)));
        } else {
            if (!detached) {
                command.add("setsid");
            }
            command.addAll(List.of("/bin/sh", "-c", tail, "drover-testkit-host", fleetDir.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (detached) {
            pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        try {
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sshd for " + name + ": " + command.getFirst(), e);
        }
        pid = process.pid();
        lifeline = detached ? null : process.getOutputStream();
    }

    /**
     * Waits until this host's sshd listens: it logs {@code Server listening on} once its socket is bound, which costs
     * nothing to watch (connecting instead would make sshd fork and re-execute itself for every probe: 500 starting
     * hosts, 500 extra sshd start-ups). When the line does not come (a {@code LogLevel} below INFO in the extra
     * config) it falls back to probing for an SSH banner. Fails with the host's log when sshd exited or the deadline
     * passed.
     */
    @Override
    public void awaitReady() {
        Instant start = Instant.now();
        Instant deadline = start.plus(readyTimeout);
        Instant probeFrom = start.plusSeconds(2);
        long sleep = 5;
        while (true) {
            if (logSinceLaunch().contains("Server listening on ")) {
                return;
            }
            if (Instant.now().isAfter(probeFrom) && answers(Duration.ofMillis(500))) {
                return;
            }
            if (!isRunning()) {
                throw new IllegalStateException("test host " + name + " (" + hostPort() + ") exited while starting; log:\n" + log());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("test host " + name + " (" + hostPort() + ") did not answer within "
                        + readyTimeout + "; log:\n" + log());
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            sleep = Math.min(sleep * 2, 50);
        }
    }

    /** What sshd logged since the last {@link #launch()}. */
    private String logSinceLaunch() {
        Path log = dir.resolve("sshd.log");
        try (var ch = java.nio.channels.FileChannel.open(log)) {
            long size = ch.size();
            if (size <= logOffset) {
                return "";
            }
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size - logOffset, 1 << 20));
            ch.read(buf, logOffset);
            return new String(buf.array(), 0, buf.position(), UTF_8);
        } catch (IOException e) {
            return "";
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
        return HostKind.OPENSSH;
    }

    @Override
    public Optional<Path> home() {
        return namespaces ? Optional.of(dir.resolve("home")) : Optional.empty();
    }

    @Override
    public Optional<Path> tmp() {
        return namespaces ? Optional.of(dir.resolve("tmp")) : Optional.empty();
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

    @Override
    public boolean answers() {
        return answers(OpenSshHost.ANSWER_TIMEOUT);
    }

    boolean answers(Duration timeout) {
        return banner(address, port, timeout);
    }

    /** Whether {@code address:port} accepts a TCP connection and sends an SSH banner within {@code timeout}. */
    static boolean banner(String address, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            int ms = (int) timeout.toMillis();
            socket.connect(new InetSocketAddress(address, port), ms);
            socket.setSoTimeout(ms);
            byte[] banner = new byte[4];
            int n = socket.getInputStream().readNBytes(banner, 0, 4);
            return n == 4 && new String(banner, UTF_8).equals("SSH-");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void stop() {
        if (paused) {
            resume(); // the shell watching the lifeline must run to see it close
        }
        if (lifeline != null) {
            closeLifeline();
            if (waitExit(Duration.ofSeconds(5))) {
                return;
            }
        }
        kill();
    }

    @Override
    public synchronized void stopNow() {
        if (namespaces && process != null && process.isAlive()) {
            // SIGKILL to unshare: --kill-child takes the namespace's first process, and the kernel the rest
            process.destroyForcibly();
            closeLifeline();
            if (waitExit(Duration.ofSeconds(5))) {
                return;
            }
        }
        stop();
    }

    private void closeLifeline() {
        if (lifeline != null) {
            try {
                lifeline.close();
            } catch (IOException ignored) {
                // the shell is gone already
            }
            lifeline = null;
        }
    }

    @Override
    public synchronized void kill() {
        paused = false; // SIGKILL ends stopped processes too
        ProcessHandle.of(pid).ifPresent(h -> {
            List<ProcessHandle> tree = new ArrayList<>(h.descendants().toList());
            h.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        });
        waitExit(Duration.ofSeconds(5));
        lifeline = null;
    }

    private boolean waitExit(Duration timeout) {
        if (process != null) {
            try {
                return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        Instant deadline = Instant.now().plus(timeout);
        while (isRunning() && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !isRunning();
    }

    @Override
    public synchronized void pause() {
        signalTree("STOP");
        paused = true;
    }

    @Override
    public synchronized void resume() {
        signalTree("CONT");
        paused = false;
    }

    private void signalTree(String signal) {
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isEmpty() || !root.get().isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        command.add(Long.toString(pid));
        root.get().descendants().forEach(d -> command.add(Long.toString(d.pid())));
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        launch();
        awaitReady();
    }

    @Override
    public boolean isRunning() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public String toString() {
        return name + "(" + hostPort() + ")";
    }
}
