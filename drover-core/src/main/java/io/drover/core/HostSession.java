package io.drover.core;

import static java.util.Objects.requireNonNull;

import io.drover.core.internal.RemoteEnv;
import io.drover.ssh.CommandRequest;
import io.drover.ssh.RemoteProcess;
import io.drover.ssh.SshConnection;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * What a {@link Task} sees of one host while it runs there: its name and variables, its environment, and the
 * actions (commands, transfers, file checks). Valid only while the task runs; afterwards every action throws
 * {@link IllegalStateException}. A task may use its session from several threads at once.
 *
 * <p>When the task is stopped (timeout, cancellation) every command it started is killed with its process group,
 * every transfer is cut, and further actions throw {@link CancellationException}.
 */
public final class HostSession {
    /** How long a stop waits for its kills to be confirmed before it goes on. */
    static final Duration KILL_PATIENCE = Duration.ofSeconds(2);

    private final String name;
    private final Map<String, Object> vars;
    private final SshConnection connection;
    private final Events events;
    private final boolean residentShell;
    private final Object lock = new Object();
    private final Set<RemoteProcess> processes = new HashSet<>();
    private final Set<Closeable> resources = new HashSet<>();
    private String abortReason;
    private boolean closed;
    private Map<String, String> env;

    HostSession(String name, Map<String, Object> vars, SshConnection connection, Events events,
            boolean residentShell) {
        this.name = requireNonNull(name, "name is null");
        this.vars = requireNonNull(vars, "vars is null");
        this.connection = requireNonNull(connection, "connection is null");
        this.events = requireNonNull(events, "events is null");
        this.residentShell = residentShell;
    }

    /** The host's name, as results and events name it. */
    public String name() {
        return name;
    }

    /**
     * The host's variables, from the inventory or the group builder, unmodifiable, in definition order. Inventory
     * values are {@link String}, {@link Long}, {@link Double}, {@link Boolean}, lists and maps of those, or null.
     */
    public Map<String, Object> vars() {
        return vars;
    }

    /** A variable's value; empty when unset or null. */
    public Optional<Object> var(String key) {
        return Optional.ofNullable(vars.get(requireNonNull(key, "key is null")));
    }

    /**
     * A variable's value as {@code type}; empty when unset or null.
     *
     * @throws IllegalArgumentException when the value is of another type, naming both
     */
    public <V> Optional<V> var(String key, Class<V> type) {
        requireNonNull(type, "type is null");
        Object v = vars.get(requireNonNull(key, "key is null"));
        if (v == null) {
            return Optional.empty();
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("variable " + key + " of " + name + " is a " + v.getClass().getSimpleName()
                    + " (" + v + "), not a " + type.getSimpleName());
        }
        return Optional.of(type.cast(v));
    }

    /**
     * The remote user's environment as a command sees it (read with {@code env} on first use, then cached for this
     * task), in the order {@code env} listed it.
     */
    public Map<String, String> env() {
        synchronized (lock) {
            if (env != null) {
                return env;
            }
        }
        String out = run(Shell.builder("env -0 2>/dev/null || env").emitLines(false).captureStdout(4 << 20).build())
                .stdout();
        Map<String, String> parsed = Collections.unmodifiableMap(new LinkedHashMap<>(RemoteEnv.parse(out)));
        synchronized (lock) {
            if (env == null) {
                env = parsed;
            }
            return env;
        }
    }

    /**
     * Expands {@code $NAME} and {@code ${NAME}} with the remote environment ({@link #env()}, read only when the text
     * has a variable); unset variables expand to nothing, {@code $$} is a literal {@code $}.
     *
     * @throws IllegalArgumentException when a {@code ${...}} is malformed, naming the text
     */
    public String expand(String text) {
        requireNonNull(text, "text is null");
        return RemoteEnv.expand(text, n -> env().get(n));
    }

    /** The remote user's home directory ({@code $HOME}). */
    public RemotePath home() {
        String home = env().get("HOME");
        if (home == null || !home.startsWith("/")) {
            throw new DroverException("HOME on " + name + " is not an absolute path: " + home);
        }
        return RemotePath.of(home);
    }

    /**
     * Runs {@code command} with the defaults of {@link Shell#of(String)}.
     *
     * @throws CommandFailedException when it exits non-zero or dies of a signal
     */
    public CommandResult shell(String command) {
        return run(Shell.of(command));
    }

    /**
     * Runs a command and waits for it to end, streaming its output as {@link Shell} describes.
     *
     * @throws CommandFailedException when it exits non-zero or dies of a signal (unless {@code check(false)}), or
     *     when sudo wants a password
     * @throws CancellationException when the task is stopped (timeout, cancellation, interrupt) meanwhile
     * @throws io.drover.ssh.SshException when the connection breaks
     */
    public CommandResult run(Shell shell) {
        requireNonNull(shell, "shell is null");
        return ShellRunner.run(this, shell);
    }

    /** The stdout of {@code command}, as it printed it (trailing newline included), at most 1 MiB. */
    public String output(String command) {
        return output(command, Shell.DEFAULT_OUTPUT_LIMIT);
    }

    /**
     * The stdout of {@code command}, as it printed it. No output line is sent to the listener; the tail of stderr goes
     * into the failure when the command fails.
     *
     * @throws DroverException when stdout exceeds {@code maxBytes} (the command is killed)
     * @throws CommandFailedException when the command fails
     */
    public String output(String command, int maxBytes) {
        return run(Shell.builder(command).captureStdout(maxBytes).emitLines(false).build()).stdout();
    }

    /** Whether {@code path} exists on the host (following symbolic links), checked over SFTP. */
    public boolean exists(RemotePath path) {
        requireNonNull(path, "path is null");
        checkUsable();
        return Files.exists(fileSystem().getPath(path.path()));
    }

    /** @throws IllegalArgumentException when {@code path} is not absolute */
    public boolean exists(String path) {
        return exists(RemotePath.of(path));
    }

    /** Whether {@code path} is a directory on the host (following symbolic links), checked over SFTP. */
    public boolean isDirectory(RemotePath path) {
        requireNonNull(path, "path is null");
        checkUsable();
        return Files.isDirectory(fileSystem().getPath(path.path()));
    }

    /** @throws IllegalArgumentException when {@code path} is not absolute */
    public boolean isDirectory(String path) {
        return isDirectory(RemotePath.of(path));
    }

    /**
     * Copies a local file or tree to the host, each file replaced atomically (see {@link Upload}).
     *
     * @throws DroverException when the source is missing or the target cannot be written, naming both
     */
    public void upload(Upload upload) {
        requireNonNull(upload, "upload is null");
        checkUsable();
        Transfers.upload(this, upload);
    }

    /**
     * Copies a remote file or tree from the host (see {@link Download}).
     *
     * @return the local path written, {@link Download#localPathFor(String) named for this host}
     */
    public Path download(Download download) {
        requireNonNull(download, "download is null");
        checkUsable();
        return Transfers.download(this, download);
    }

    /**
     * The host's file system over SFTP: paths are absolute unix paths ({@code fs.getPath("/etc/hosts")}). Shared by
     * every task on this host and closed with the connection: do not close it.
     */
    public FileSystem fileSystem() {
        checkUsable();
        return connection.fileSystem();
    }

    @Override
    public String toString() {
        return "HostSession[" + name + "]";
    }

    // ---- engine side ----

    Events events() {
        return events;
    }

    /** Whether commands without stdin or pty may run in the host's resident shell. */
    boolean residentShell() {
        return residentShell;
    }

    /** Starts a remote command that a stop of the task kills. */
    RemoteProcess start(CommandRequest request) {
        synchronized (lock) {
            checkUsableLocked();
        }
        RemoteProcess p = connection.start(request);
        synchronized (lock) {
            if (abortReason != null || closed) {
                p.kill();
                checkUsableLocked();
            }
            processes.add(p);
        }
        return p;
    }

    void release(RemoteProcess p) {
        synchronized (lock) {
            processes.remove(p);
        }
    }

    /** Registers a stream or channel that a stop of the task closes. */
    <C extends Closeable> C track(C resource) {
        synchronized (lock) {
            if (abortReason != null || closed) {
                closeQuietly(resource);
                checkUsableLocked();
            }
            resources.add(resource);
        }
        return resource;
    }

    void untrack(Closeable resource) {
        synchronized (lock) {
            resources.remove(resource);
        }
    }

    /**
     * Stops everything this session started: kills its commands (waiting at most {@link #KILL_PATIENCE} for the
     * host to confirm) and cuts its transfers; later actions throw {@link CancellationException}.
     */
    void abort(String reason) {
        List<RemoteProcess> toKill;
        List<Closeable> toClose;
        synchronized (lock) {
            if (abortReason != null) {
                return;
            }
            abortReason = reason;
            toKill = List.copyOf(processes);
            toClose = List.copyOf(resources);
        }
        killAll(toKill);
        if (!toClose.isEmpty()) {
            // a transfer under way: cut its SFTP channel first, or closing its stream waits for the host's
            // replies to the reads in flight, which a frozen host never sends
            connection.abortFileSystem();
        }
        toClose.forEach(HostSession::closeQuietly);
    }

    /** The task ended: kill what it left running; the session is no longer usable. */
    void close() {
        List<RemoteProcess> toKill;
        List<Closeable> toClose;
        synchronized (lock) {
            closed = true;
            toKill = List.copyOf(processes);
            toClose = List.copyOf(resources);
            processes.clear();
            resources.clear();
        }
        toKill.forEach(HostSession::killQuietly);
        toClose.forEach(HostSession::closeQuietly);
    }

    /** Why the task was stopped, or null. */
    String abortReason() {
        synchronized (lock) {
            return abortReason;
        }
    }

    /**
     * Throws when the task was stopped or has ended. Call after a blocking operation failed, so a failure caused by
     * the stop reads as the stop.
     */
    void checkUsable() {
        synchronized (lock) {
            checkUsableLocked();
        }
    }

    private void checkUsableLocked() {
        if (abortReason != null) {
            throw new CancellationException("task on " + name + " stopped: " + abortReason);
        }
        if (closed) {
            throw new IllegalStateException("the task on " + name + " has ended; its session can no longer be used");
        }
    }

    /** An interrupt while waiting: restore it and report the stop. */
    CancellationException interrupted() {
        Thread.currentThread().interrupt();
        String reason = abortReason();
        return new CancellationException("task on " + name + " stopped: " + (reason == null ? "interrupted" : reason));
    }

    /**
     * Kills the processes, each on its own thread, and waits for them at most {@link #KILL_PATIENCE}: a live host
     * confirms within milliseconds; for one that stopped answering the kill goes on in the background (bounded by
     * the SSH layer) while the stop proceeds.
     */
    private void killAll(List<RemoteProcess> toKill) {
        List<Thread> killers = toKill.stream()
                .map(p -> Thread.ofVirtual().name("drover-kill-" + name).start(() -> killQuietly(p))).toList();
        long deadline = System.nanoTime() + KILL_PATIENCE.toNanos();
        try {
            for (Thread t : killers) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killQuietly(RemoteProcess p) {
        try {
            p.kill();
        } catch (RuntimeException ignored) {
            // the connection may be gone already: then so is the process
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // closing to cut a transfer: errors do not matter
        }
    }
}
