package io.drover.sync;

import static java.util.Objects.requireNonNull;

import io.drover.api.EventListener;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.api.Stream;
import io.drover.ssh.ExitStatus;
import io.drover.ssh.Ssh;
import io.drover.ssh.SshConnection;
import io.drover.ssh.SshException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends local files to many hosts at once as one tar stream, read from disk once, and puts them in place on every
 * host. Two modes:
 *
 * <ul>
 *   <li>{@link Mode#SYNC}: the remote root directory is <em>replaced</em> by the sources, atomically per host. The
 *       tree is extracted into a stage directory beside the root, and only when that succeeded is it switched in
 *       by renames; a host that fails or dies before the switch keeps its old tree untouched (a switch cut short
 *       between its two renames is repaired by the next run, which also deletes stale stages).
 *   <li>{@link Mode#UPLOAD}: the sources are added to the remote directory; other files there stay. Entries are
 *       extracted into a stage inside the directory, then each file and symlink is renamed into place on its own,
 *       so no file is ever seen half-written; the upload as a whole is not atomic.
 * </ul>
 *
 * <p>Steps: (1) connect to every host and start its extraction; (2) stream the tar to all of them through one
 * bounded window of {@link Builder#window} bytes: the slowest host sets the pace, one that accepts nothing for
 * {@link Builder#stallTimeout} is dropped as {@link HostResult.TimedOut}, one whose connection breaks is dropped as
 * {@link HostResult.Unreachable}, and the others carry on; (3) when every host has finished extracting, put the
 * files in place on those that succeeded (on none of them with {@link Builder#allOrNothing}); (4) optionally run a
 * command there ({@link Builder#then}) or a sync tool speaking the orgalorg protocol ({@link Builder#syncTool}).
 *
 * <p>Each instance runs once. {@link #run()} blocks; {@link #cancel} may be called from any thread (for example when
 * the cluster lock is lost): remote extractions and commands are killed, switches already under way finish, and
 * hosts not done are reported {@link HostResult.Cancelled}. Emits {@code TaskStarted}/{@code TaskEnded} per host
 * (task {@code "sync"} or {@code "upload"}), {@code BytesTransferred}, {@code OutputLine} for remote output, and
 * {@code Warning} for local files skipped or changing while read (host {@code "(local)"}).
 */
public final class FileSync {
    /** How the files are put in place; see {@link FileSync}. */
    public enum Mode {
        UPLOAD,
        SYNC
    }

    private static final int CHUNK = 64 * 1024;
    /** How long a cancelled run waits for hosts to wind down before it reports them cancelled and returns. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(10);
    /** How long a run waits at its end for stage removals on hosts that failed. */
    private static final Duration CLEANUP_WAIT = Duration.ofSeconds(5);
    private static final long PROGRESS_STEP = 1024 * 1024;
    /** How long to wait for the remote exit status after a write to the extraction failed. */
    private static final Duration EXIT_AFTER_WRITE_FAILURE = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Ssh ssh;
    private final Mode mode;
    private final Map<String, String> hosts;
    private final List<Source> sources;
    private final String root;
    private final boolean owner;
    private final Optional<String> then;
    private final Optional<String> syncTool;
    private final boolean sudo;
    private final boolean allOrNothing;
    private final long window;
    private final Duration stallTimeout;
    private final int parallel;
    private final InstantSource clock;
    private final Events events;
    private final String id;
    private final AtomicBoolean ran = new AtomicBoolean();
    private final Set<HostCommand> active = ConcurrentHashMap.newKeySet();
    private final List<Thread> cleanups = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Object cancelLock = new Object();
    private volatile String cancelled;
    private volatile Broadcast broadcast;

    private FileSync(Builder b) {
        this.ssh = b.ssh;
        this.mode = b.mode;
        this.hosts = b.hosts;
        this.sources = List.copyOf(b.sources);
        this.root = b.root;
        this.owner = b.owner;
        this.then = b.then;
        this.syncTool = b.syncTool;
        this.sudo = b.sudo;
        this.allOrNothing = b.allOrNothing;
        this.window = b.window;
        this.stallTimeout = b.stallTimeout;
        this.parallel = b.parallel;
        this.clock = b.clock;
        this.events = new Events(b.listener, b.clock);
        byte[] nonce = new byte[6];
        RANDOM.nextBytes(nonce);
        this.id = HexFormat.of().formatHex(nonce);
    }

    /** A sync: the remote root is replaced by the sources. */
    public static Builder sync(Ssh ssh) {
        return new Builder(ssh, Mode.SYNC);
    }

    /** An upload: the sources are added to the remote directory. */
    public static Builder upload(Ssh ssh) {
        return new Builder(ssh, Mode.UPLOAD);
    }

    /** The task name in events and the report: {@code "sync"} or {@code "upload"}. */
    public String task() {
        return mode == Mode.SYNC ? "sync" : "upload";
    }

    /** The remote directory, normalized. */
    public String root() {
        return root;
    }

    /**
     * Runs the whole transfer and returns every host's result in host order. When the calling thread is interrupted
     * the run is cancelled as by {@link #cancel}, the report is still returned, and the thread's interrupt flag is
     * set again.
     *
     * @throws SyncException when a source is missing, unreadable or overlaps another (before any host is contacted)
     * @throws IllegalStateException when called a second time
     */
    public RunReport<Void> run() {
        if (!ran.compareAndSet(false, true)) {
            throw new IllegalStateException("a FileSync runs once; build a new one");
        }
        Instant start = clock.instant();
        TarWriter tar = new TarWriter(sources, owner, w -> events.warning(Events.LOCAL, w));
        tar.scan();
        List<HostState> states = hosts.entrySet().stream().map(e -> new HostState(e.getKey(), e.getValue())).toList();
        boolean interrupted = false;
        try {
            stage(states);
            transfer(tar, states);
            place(states);
            finishWork(states);
        } catch (InterruptedException e) {
            interrupted = true;
            cancel("interrupted");
        }
        List<HostResult<Void>> results = new ArrayList<>();
        for (HostState st : states) {
            if (st.result() == null) {
                st.finish(cancelled != null ? cancelledResult(st) : new HostResult.Ok<>(st.host, null, st.elapsed()));
            }
            results.add(st.result());
        }
        awaitCleanups();
        events.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new RunReport<>(task(), start, Duration.between(start, clock.instant()), results);
    }

    /**
     * Cancels a running transfer from any thread: extractions and commands on hosts are killed, switches already
     * under way finish, hosts not done are reported {@link HostResult.Cancelled} with {@code reason}. Idempotent
     * (the first reason is kept).
     */
    public void cancel(String reason) {
        requireNonNull(reason, "reason is null");
        synchronized (cancelLock) {
            if (cancelled != null) {
                return;
            }
            cancelled = reason;
        }
        Broadcast b = broadcast;
        if (b != null) {
            b.abort(new SyncException("cancelled: " + reason));
        }
        for (HostCommand c : active) {
            c.killAsync();
        }
    }

    /** Whether {@link #cancel} was called (or the run was interrupted). */
    public boolean isCancelled() {
        return cancelled != null;
    }

    // ---------------------------------------------------------------- step 1: connect, start extraction

    private void stage(List<HostState> states) throws InterruptedException {
        String command = Scripts.stage(mode, root, id, owner, sudo);
        forEach(states, Integer.MAX_VALUE, st -> {
            events.started(st.host, task());
            st.started = clock.instant();
            try {
                st.connection = ssh.connect(st.destination);
            } catch (SshException e) {
                st.finish(failure(st, "connecting", e));
                return;
            }
            try {
                st.stage = track(HostCommand.start(st.connection, st.host, command, line -> events.line(st.host,
                        Stream.STDOUT, line), line -> events.line(st.host, Stream.STDERR, line)));
            } catch (SshException e) {
                st.finish(failure(st, "starting the extraction", e));
            }
        });
    }

    // ---------------------------------------------------------------- step 2: one tar stream to all

    private void transfer(TarWriter tar, List<HostState> states) throws InterruptedException {
        List<HostState> ready = states.stream().filter(st -> st.stage != null && st.result() == null).toList();
        if (ready.isEmpty()) {
            return;
        }
        Broadcast b = new Broadcast(window, stallTimeout, clock, Duration.ofMillis(200));
        for (HostState st : ready) {
            st.reader = b.join(st.host, cause -> {
                st.sendFailure = cause;
                st.stage.killAsync();
                // final at once: a frozen host's sender may stay blocked until its channel is torn down
                st.finish(failure(st, "sending", cause));
            });
        }
        broadcast = b;
        if (cancelled != null) {
            b.abort(new SyncException("cancelled: " + cancelled));
        }
        for (HostState st : ready) {
            st.worker = Thread.ofVirtual().name("drover-send-" + st.host).start(() -> send(st));
        }
        boolean interrupted = false;
        try (ChunkStream out = new ChunkStream(b, CHUNK)) {
            tar.write(out);
            out.flush();
            b.finish();
        } catch (ChunkStream.NoReadersLeft e) {
            b.finish();
        } catch (IOException | RuntimeException e) {
            if (e instanceof InterruptedIOException || e instanceof java.nio.channels.ClosedByInterruptException
                    || Thread.interrupted()) {
                interrupted = true;
                cancel("interrupted");
            } else {
                b.abort(new SyncException("cannot read the local files: " + e.getMessage(), e));
            }
        }
        joinSenders(ready);
        if (interrupted) {
            throw new InterruptedException("interrupted while sending");
        }
    }

    /** Waits for every sender, except for hosts already final (dropped): those are not waited for. */
    private void joinSenders(List<HostState> ready) throws InterruptedException {
        InterruptedException interrupted = null;
        long deadline = Long.MAX_VALUE;
        for (HostState st : ready) {
            while (st.worker.isAlive() && (st.result() == null || st.sendFailure == null)) {
                if (cancelled != null && deadline == Long.MAX_VALUE) {
                    deadline = System.nanoTime() + CANCEL_GRACE.toNanos();
                }
                long wait = Math.min(TimeUnit.MILLISECONDS.toNanos(200), deadline - System.nanoTime());
                if (wait <= 0) {
                    break;
                }
                try {
                    st.worker.join(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    if (interrupted == null) {
                        interrupted = e;
                        cancel("interrupted");
                    }
                }
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }

    private void send(HostState st) {
        OutputStream stdin = st.stage.process().stdin();
        long sent = 0;
        long reported = 0;
        Throwable writeFailure = null;
        try {
            byte[] chunk;
            while ((chunk = st.reader.next()) != null) {
                stdin.write(chunk);
                stdin.flush();
                st.reader.consumed();
                sent += chunk.length;
                if (sent - reported >= PROGRESS_STEP) {
                    events.bytes(st.host, root, sent, -1);
                    reported = sent;
                }
            }
            stdin.close();
            events.bytes(st.host, root, sent, sent);
        } catch (Broadcast.DroppedException e) {
            // the drop callback recorded why and killed the extraction
        } catch (IOException | RuntimeException e) {
            // the remote side stopped reading: it exited (its status says why) or the connection broke
            writeFailure = e;
            st.reader.fail(e);
        } catch (InterruptedException e) {
            st.sendFailure = e;
            st.reader.fail(e);
            st.stage.killAsync();
            Thread.currentThread().interrupt();
            active.remove(st.stage);
            return;
        }
        try {
            ExitStatus status;
            if (writeFailure == null) {
                status = st.stage.await();
            } else {
                Optional<ExitStatus> ended = st.stage.process().waitFor(EXIT_AFTER_WRITE_FAILURE);
                if (ended.isEmpty()) {
                    st.stage.killAsync();
                    st.finish(failure(st, "sending", writeFailure));
                    return;
                }
                st.stage.drain();
                status = ended.get();
                if (status.success()) {
                    st.finish(failure(st, "sending", writeFailure));
                    return;
                }
            }
            if (st.sendFailure != null) {
                st.finish(failure(st, "sending", st.sendFailure));
            } else if (!status.success()) {
                st.finish(exitFailure(st, "extracting", status, st.stage));
            }
        } catch (SshException e) {
            Throwable why = st.sendFailure != null ? st.sendFailure : writeFailure != null ? writeFailure : e;
            st.finish(failure(st, "extracting", why instanceof SshException ? why : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            active.remove(st.stage);
        }
    }

    // ---------------------------------------------------------------- step 3: switch or rename into place

    private void place(List<HostState> states) throws InterruptedException {
        List<HostState> staged = states.stream().filter(st -> st.stage != null && st.result() == null).toList();
        // hosts that answered with a failure get their stage removed; frozen or lost ones are left to the next run
        List<HostState> failed = states.stream().filter(st -> st.stage != null
                && st.result() instanceof HostResult.Failed<Void> && st.connection.isOpen()).toList();
        Optional<String> firstFailure = states.stream().filter(st -> st.result() != null).map(st -> st.host)
                .findFirst();
        boolean abandon = cancelled != null || (allOrNothing && firstFailure.isPresent());
        String discard = Scripts.discard(mode, root, id, sudo);
        for (HostState st : failed) {
            // best effort, not waited for here: a frozen host must not hold the others up (see run())
            cleanups.add(Thread.ofVirtual().name("drover-discard-" + st.host).start(() -> runQuietly(st, discard)));
        }
        if (abandon) {
            String reason = cancelled != null ? cancelled
                    : "not put in place: " + firstFailure.get() + " failed and --all-or-nothing was given";
            forEach(staged, parallel, st -> {
                runQuietly(st, discard);
                st.finish(new HostResult.Cancelled<>(st.host, reason, st.elapsed()));
            });
            return;
        }
        String command = Scripts.place(mode, root, id, owner, sudo);
        // not tracked as active: a switch is never killed half way (it is two renames)
        forEach(staged, parallel, st -> {
            HostCommand c;
            try {
                c = HostCommand.start(st.connection, st.host, command,
                        line -> events.line(st.host, Stream.STDOUT, line),
                        line -> events.line(st.host, Stream.STDERR, line));
                ExitStatus status = c.await();
                if (!status.success()) {
                    st.finish(exitFailure(st, mode == Mode.SYNC ? "switching the new tree in" : "renaming into place",
                            status, c));
                }
            } catch (SshException e) {
                st.finish(failure(st, mode == Mode.SYNC ? "switching the new tree in" : "renaming into place", e));
            }
        });
    }

    private void runQuietly(HostState st, String command) {
        try {
            HostCommand c = HostCommand.start(st.connection, st.host, command, line -> {}, line -> {});
            c.process().waitFor(Duration.ofSeconds(30));
            c.process().close();
        } catch (SshException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Gives the stage removals on failed hosts up to {@link #CLEANUP_WAIT} to finish; the next run removes the rest. */
    private void awaitCleanups() {
        long deadline = System.nanoTime() + CLEANUP_WAIT.toNanos();
        for (Thread t : cleanups) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- step 4: then / sync tool

    private void finishWork(List<HostState> states) throws InterruptedException {
        List<HostState> placed = states.stream().filter(st -> st.result() == null).toList();
        if (placed.isEmpty() || cancelled != null) {
            return;
        }
        if (then.isPresent()) {
            String command = Scripts.inRoot(root, then.get(), sudo);
            forEach(placed, parallel, st -> {
                try {
                    HostCommand c = track(HostCommand.start(st.connection, st.host, command,
                            line -> events.line(st.host, Stream.STDOUT, line),
                            line -> events.line(st.host, Stream.STDERR, line)));
                    try {
                        ExitStatus status = c.await();
                        if (!status.success()) {
                            st.finish(exitFailure(st, "--then command", status, c));
                        }
                    } finally {
                        active.remove(c);
                    }
                } catch (SshException e) {
                    st.finish(failure(st, "--then command", e));
                }
            });
        }
        if (syncTool.isPresent() && cancelled == null) {
            List<HostState> ready = placed.stream().filter(st -> st.result() == null).toList();
            if (ready.isEmpty()) {
                return;
            }
            SyncProtocol protocol = new SyncProtocol(events, Scripts.inRoot(root, syncTool.get(), sudo));
            for (HostState st : ready) {
                protocol.add(st.host, st.connection);
            }
            var outcomes = protocol.run(this::track, active::remove, () -> cancelled != null);
            for (HostState st : ready) {
                switch (outcomes.get(st.host)) {
                    case SyncProtocol.Outcome.Ok ok -> { }
                    case SyncProtocol.Outcome.Exited x -> st.finish(exitFailure(st, "sync tool", x.status(),
                            x.command()));
                    case SyncProtocol.Outcome.Broken b -> st.finish(failure(st, "sync tool", b.error()));
                    case SyncProtocol.Outcome.Aborted a -> st.finish(cancelled != null ? cancelledResult(st)
                            : new HostResult.Cancelled<>(st.host, a.reason(), st.elapsed()));
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private HostCommand track(HostCommand c) {
        active.add(c);
        if (cancelled != null) {
            c.killAsync();
        }
        return c;
    }

    @FunctionalInterface
    private interface HostTask {
        void run(HostState st) throws InterruptedException;
    }

    /**
     * Runs {@code task} for every host on virtual threads, at most {@code limit} at once, and waits. A task that
     * throws fails its host. An interrupt of the waiting thread cancels the run, waits (bounded) for the tasks to
     * notice, and is rethrown.
     */
    private void forEach(List<HostState> states, int limit, HostTask task) throws InterruptedException {
        Semaphore permits = new Semaphore(Math.min(limit, Math.max(1, states.size())));
        List<Thread> threads = new ArrayList<>();
        for (HostState st : states) {
            threads.add(Thread.ofVirtual().name("drover-" + task() + "-" + st.host).start(() -> {
                permits.acquireUninterruptibly();
                try {
                    if (cancelled != null) {
                        st.finish(cancelledResult(st));
                        return;
                    }
                    task.run(st);
                } catch (InterruptedException e) {
                    st.finish(cancelledResult(st));
                } catch (RuntimeException e) {
                    st.finish(failure(st, task(), e));
                } finally {
                    permits.release();
                }
            }));
        }
        joinAll(threads);
    }

    /**
     * Joins every thread. On an interrupt, cancels the run. Once the run is cancelled, waits at most
     * {@link #CANCEL_GRACE} more: a host whose thread is still stuck then (a frozen host being killed) is left to it
     * and reported cancelled. Rethrows the interrupt.
     */
    private void joinAll(List<Thread> threads) throws InterruptedException {
        InterruptedException interrupted = null;
        long deadline = Long.MAX_VALUE;
        for (Thread t : threads) {
            while (t.isAlive()) {
                if (cancelled != null && deadline == Long.MAX_VALUE) {
                    deadline = System.nanoTime() + CANCEL_GRACE.toNanos();
                }
                long wait = Math.min(TimeUnit.MILLISECONDS.toNanos(200), deadline - System.nanoTime());
                if (wait <= 0) {
                    break;
                }
                try {
                    t.join(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    if (interrupted == null) {
                        interrupted = e;
                        cancel("interrupted");
                    }
                }
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }

    private HostResult<Void> cancelledResult(HostState st) {
        return new HostResult.Cancelled<>(st.host, cancelled == null ? "cancelled" : cancelled, st.elapsed());
    }

    private HostResult<Void> failure(HostState st, String step, Throwable e) {
        Duration took = st.elapsed();
        if (cancelled != null) {
            return cancelledResult(st);
        }
        Throwable cause = e instanceof Broadcast.DroppedException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof Broadcast.StalledException) {
            return new HostResult.TimedOut<>(st.host, stallTimeout, took);
        }
        String tail = st.stage == null ? "" : st.stage.stderrTail();
        if (cause instanceof SshException se) {
            return switch (se.kind()) {
                case CONNECT, HOST_KEY, AUTH, CONFIG -> new HostResult.Unreachable<>(st.host, se.getMessage(), took);
                case DISCONNECTED -> new HostResult.Unreachable<>(st.host, step + ": connection lost: "
                        + se.getMessage(), took);
                case CHANNEL -> new HostResult.Failed<>(st.host, OptionalInt.empty(), Optional.empty(),
                        step + ": " + se.getMessage(), tail, took);
            };
        }
        if (st.connection != null && !st.connection.isOpen()) {
            return new HostResult.Unreachable<>(st.host, step + ": connection lost (" + cause.getMessage() + ")", took);
        }
        String why = cause instanceof SyncException || cause.getMessage() == null ? String.valueOf(cause.getMessage())
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new HostResult.Failed<>(st.host, OptionalInt.empty(), Optional.empty(), step + ": " + why, tail, took);
    }

    private HostResult<Void> exitFailure(HostState st, String step, ExitStatus status, HostCommand c) {
        if (cancelled != null) {
            return cancelledResult(st);
        }
        String last = c.lastStderrLine();
        return new HostResult.Failed<>(st.host, status.code(), status.signal(),
                step + " failed (" + status + ")" + (last.isEmpty() ? "" : ": " + last), c.stderrTail(), st.elapsed());
    }

    /** One host's progress through the steps. Its result is set once; the first one wins. */
    private final class HostState {
        final String host;
        final String destination;
        volatile Instant started;
        volatile SshConnection connection;
        volatile HostCommand stage;
        volatile Broadcast.Reader reader;
        volatile Throwable sendFailure;
        volatile Thread worker;
        private HostResult<Void> result;

        HostState(String host, String destination) {
            this.host = host;
            this.destination = destination;
        }

        synchronized HostResult<Void> result() {
            return result;
        }

        void finish(HostResult<Void> r) {
            synchronized (this) {
                if (result != null) {
                    return;
                }
                result = r;
            }
            events.ended(host, task(), r);
        }

        Duration elapsed() {
            Instant s = started;
            return s == null ? Duration.ZERO : Duration.between(s, clock.instant());
        }
    }

    /** Settings for a {@link FileSync}. */
    public static final class Builder {
        private final Ssh ssh;
        private final Mode mode;
        private Map<String, String> hosts = Map.of();
        private List<Source> sources = List.of();
        private String root;
        private boolean owner;
        private Optional<String> then = Optional.empty();
        private Optional<String> syncTool = Optional.empty();
        private boolean sudo;
        private boolean allOrNothing;
        private long window = 8L * 1024 * 1024;
        private Duration stallTimeout = Duration.ofSeconds(60);
        private int parallel = 256;
        private InstantSource clock = InstantSource.system();
        private EventListener listener = EventListener.NONE;

        private Builder(Ssh ssh, Mode mode) {
            this.ssh = requireNonNull(ssh, "ssh is null");
            this.mode = mode;
        }

        /** The destinations, as {@link Ssh#connect} takes them, also naming the hosts; results come in this order. */
        public Builder hosts(List<String> hosts) {
            Map<String, String> named = new LinkedHashMap<>();
            for (String h : hosts) {
                requireNonNull(h, "host is null");
                if (named.put(h, h) != null) {
                    throw new SyncException("host " + h + " is given twice");
                }
            }
            this.hosts = Collections.unmodifiableMap(named);
            return this;
        }

        /**
         * Hosts by the name results and events use (an inventory name, say) to the destination {@link Ssh#connect}
         * takes; results come in the map's iteration order.
         */
        public Builder hosts(Map<String, String> namedDestinations) {
            Map<String, String> named = new LinkedHashMap<>();
            namedDestinations.forEach((name, destination) -> named.put(requireNonNull(name, "host name is null"),
                    requireNonNull(destination, "destination of " + name + " is null")));
            this.hosts = Collections.unmodifiableMap(named);
            return this;
        }

        public Builder sources(List<Source> sources) {
            this.sources = List.copyOf(sources);
            return this;
        }

        /**
         * The remote directory: for a sync the tree that is replaced (not {@code /}, not a mount point); for an upload
         * the directory the sources are added to (created when missing). An absolute path; trailing slashes are
         * dropped.
         */
        public Builder root(String root) {
            this.root = normalizeRoot(requireNonNull(root, "root is null"), mode);
            return this;
        }

        /** Keep the files' numeric uid/gid and user/group names (needs root on the hosts, or {@link #sudo}). */
        public Builder owner(boolean owner) {
            this.owner = owner;
            return this;
        }

        /** A command run by the login shell in the root on every host where the files were put in place. */
        public Builder then(String command) {
            this.then = Optional.of(requireNonNull(command, "command is null"));
            return this;
        }

        /**
         * A sync tool: a command run in the root on every host where the files were put in place, talking orgalorg's
         * sync protocol on its stdin/stdout. drover writes {@code PREFIX HELLO}, then {@code PREFIX NODE host} for
         * every host taking part ({@code PREFIX NODE host CURRENT} for the tool's own host), then
         * {@code PREFIX START}; the prefix ({@code DROVER:<hex>}) is new for every run, so a tool reads it from the
         * first line. A line {@code PREFIX SYNC text} printed by any tool is sent to every tool (the sender too) as
         * {@code PREFIX SYNC host text}, in the same order for all: waiting for one such line per {@code NODE} is a
         * cluster-wide barrier. Other lines are the tool's output. When a tool fails, the tools still running are
         * stopped (they would wait at their next barrier forever) and reported cancelled. Runs after
         * {@link #then} when both are given.
         */
        public Builder syncTool(String command) {
            this.syncTool = Optional.of(requireNonNull(command, "command is null"));
            return this;
        }

        /** Run the remote steps through {@code sudo -n} (password-less sudo; a prompt fails the host at once). */
        public Builder sudo(boolean sudo) {
            this.sudo = sudo;
            return this;
        }

        /** Put the files in place on no host unless every host received and extracted them. */
        public Builder allOrNothing(boolean allOrNothing) {
            this.allOrNothing = allOrNothing;
            return this;
        }

        /** How far (bytes) the stream may run ahead of the slowest host; the memory the transfer uses. Default 8 MiB. */
        public Builder window(long bytes) {
            if (bytes < CHUNK) {
                throw new IllegalArgumentException("window (" + bytes + ") must be at least " + CHUNK + " bytes");
            }
            this.window = bytes;
            return this;
        }

        /** How long a host may accept nothing while the others wait for it before it is dropped. Default 60 s. */
        public Builder stallTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("stallTimeout (" + timeout + ") must be positive");
            }
            this.stallTimeout = timeout;
            return this;
        }

        /** How many hosts run the steps after the transfer (switch, --then) at once. Default 256. */
        public Builder parallel(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("parallel (" + n + ") must be at least 1");
            }
            this.parallel = n;
            return this;
        }

        public Builder listener(EventListener listener) {
            this.listener = requireNonNull(listener, "listener is null");
            return this;
        }

        /** The clock for durations, events and stall detection (tests pass a fake one). */
        public Builder clock(InstantSource clock) {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        /**
         * Checks the sources (reading metadata only) and builds.
         *
         * @throws SyncException when no host, no source or no root was given, or a source is missing, unreadable or
         *     lands where another does
         */
        public FileSync build() {
            if (hosts.isEmpty()) {
                throw new SyncException("no hosts given");
            }
            if (sources.isEmpty()) {
                throw new SyncException("no sources given");
            }
            if (root == null) {
                throw new SyncException("no remote " + (mode == Mode.SYNC ? "root (--root)" : "destination") + " given");
            }
            new TarWriter(sources, owner, w -> {}).scan();
            return new FileSync(this);
        }
    }

    /** Checks and normalizes a remote root: absolute, no {@code .}/{@code ..}/empty components, no control characters. */
    static String normalizeRoot(String root, Mode mode) {
        if (!root.startsWith("/")) {
            throw new SyncException("remote path '" + root + "' must be absolute (start with /)");
        }
        if (root.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            throw new SyncException("remote path '" + root.replaceAll("\\p{Cntrl}", "?")
                    + "' contains control characters");
        }
        String r = root.replaceAll("/+$", "");
        if (r.isEmpty()) {
            if (mode == Mode.SYNC) {
                throw new SyncException("remote root '/' cannot be synced (a sync replaces the whole tree); name a "
                        + "directory such as /srv/app");
            }
            return "/";
        }
        for (String part : r.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new SyncException("remote path '" + root + "' must be normalized (no empty, '.' or '..' parts)");
            }
        }
        return r;
    }
}
