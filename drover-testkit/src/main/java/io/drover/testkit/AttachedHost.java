package io.drover.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A host of a detached fleet started by another process ({@code drover lab up}), seen from {@code lab status} or
 * {@code lab down}: it is controlled through the PID recorded in {@code fleet.properties}, and only while that PID
 * still belongs to a process whose command line names the fleet directory (so a recycled PID is never signalled).
 */
final class AttachedHost implements TestHost {
    private final String name;
    private final String address;
    private final int port;
    private final HostKind kind;
    private final boolean namespaces;
    private final Path fleetDir;
    private final String hostKeyLine;
    private final long pid;

    AttachedHost(String name, String address, int port, HostKind kind, boolean namespaces, Path fleetDir,
            String hostKeyLine, long pid) {
        this.name = name;
        this.address = address;
        this.port = port;
        this.kind = kind;
        this.namespaces = namespaces;
        this.fleetDir = fleetDir;
        this.hostKeyLine = hostKeyLine;
        this.pid = pid;
    }

    long pid() {
        return pid;
    }

    /** The host's process, when it is alive and still ours. */
    private Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(fleetDir.toString())).orElse(false));
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
        return kind;
    }

    @Override
    public Optional<Path> home() {
        return Optional.of(fleetDir.resolve("hosts").resolve(name).resolve("home"));
    }

    @Override
    public Optional<Path> tmp() {
        return kind == HostKind.OPENSSH ? Optional.of(fleetDir.resolve("hosts").resolve(name).resolve("tmp"))
                : Optional.empty();
    }

    @Override
    public String hostKeyLine() {
        return hostKeyLine;
    }

    @Override
    public String log() {
        Path log = fleetDir.resolve("hosts").resolve(name).resolve("sshd.log");
        try {
            return Files.exists(log) ? Files.readString(log, UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public boolean answers() {
        return OpenSshHost.banner(address, port, OpenSshHost.ANSWER_TIMEOUT);
    }

    /**
     * Stops the host: an OpenSSH host in its own namespaces by SIGKILL to its {@code unshare} (the kernel takes every
     * process of the namespace with it); one without namespaces by SIGKILL to sshd and every process below it; an
     * embedded host by SIGTERM to its JVM (which then stops its commands), SIGKILL after 10 s.
     */
    @Override
    public void stop() {
        process().ifPresent(root -> {
            switch (kind) {
                case OPENSSH -> {
                    List<ProcessHandle> tree = namespaces ? List.of() : root.descendants().toList();
                    root.destroyForcibly();
                    tree.forEach(ProcessHandle::destroyForcibly);
                    awaitExit(root, Duration.ofSeconds(10));
                }
                case EMBEDDED -> {
                    root.destroy();
                    if (!awaitExit(root, Duration.ofSeconds(10))) {
                        root.destroyForcibly();
                        awaitExit(root, Duration.ofSeconds(5));
                    }
                }
            }
        });
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !process.isAlive();
        }
    }

    @Override
    public void kill() {
        process().ifPresent(root -> {
            List<ProcessHandle> tree = root.descendants().toList();
            root.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitExit(root, Duration.ofSeconds(10));
        });
    }

    @Override
    public void pause() {
        process().ifPresent(root -> signal("STOP", root, root.descendants().toList()));
    }

    @Override
    public void resume() {
        process().ifPresent(root -> signal("CONT", root, root.descendants().toList()));
    }

    private static void signal(String signal, ProcessHandle root, List<ProcessHandle> tree) {
        List<String> command = new ArrayList<>(List.of("kill", "-s", signal, Long.toString(root.pid())));
        tree.forEach(h -> command.add(Long.toString(h.pid())));
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Not supported: a detached host is restarted by starting its lab again. */
    @Override
    public void start() {
        throw new UnsupportedOperationException("host " + name + " belongs to a fleet started by another process ("
                + fleetDir + "); start a new one instead");
    }

    @Override
    public boolean isRunning() {
        return process().isPresent();
    }

    @Override
    public String toString() {
        return name + "(" + hostPort() + ", pid " + pid + ")";
    }
}
