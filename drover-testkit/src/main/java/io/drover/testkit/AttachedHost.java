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
    private final Path fleetDir;
    private final String hostKeyLine;
    private final long pid;

    AttachedHost(String name, String address, int port, HostKind kind, Path fleetDir, String hostKeyLine, long pid) {
        this.name = name;
        this.address = address;
        this.port = port;
        this.kind = kind;
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
        return OpenSshHost.banner(address, port, Duration.ofSeconds(1));
    }

    /** SIGTERM to the host's process tree, then SIGKILL to whatever is left after 5 s. */
    @Override
    public void stop() {
        process().ifPresent(root -> {
            List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
            signal("CONT", root, tree);
            root.destroy();
            try {
                root.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            root.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        });
    }

    @Override
    public void kill() {
        process().ifPresent(root -> {
            List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
            signal("CONT", root, tree);
            root.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
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
