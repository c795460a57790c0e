package io.drover.core;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.core.hosts.HostSpec;
import io.drover.core.hosts.Inventory;
import io.drover.core.hosts.InventoryHost;
import io.drover.core.hosts.Target;
import io.drover.ssh.Ssh;
import io.drover.ssh.SshConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Hosts connected over SSH, on which tasks run concurrently: drover's main entry point.
 *
 * <pre>{@code
 * try (Group group = Group.builder(ssh).targets(HostSpec.defaults().expand("web[1-3]")).connect()) {
 *     RunReport<String> report = group.run("kernel", host -> host.output("uname -r").strip());
 * }
 * }</pre>
 *
 * <h2>Connecting</h2>
 * {@link Builder#connect()} dials every host, at most {@code dialConcurrency} at once (the {@link Ssh} bounds TCP
 * connects and handshakes too). A host that cannot be dialed is reported {@link HostResult.Unreachable} by every run,
 * or, with {@link DialPolicy#FAIL_FAST}, {@code connect()} throws. A connection lost between runs is dialed again
 * when a task next needs it; a host unreachable at connect time is not dialed again.
 *
 * <h2>Running</h2>
 * {@link #run} runs a task on every host and returns each host's result in host order: a failure on one host is a
 * value in the report, never an exception. Hosts are started in host order, with at most {@code maxInFlight} tasks
 * of this group in flight at once across all its runs (a fair semaphore); the {@link ErrorPolicy} may stop the run
 * from starting more.
 *
 * <h2>Stopping tasks</h2>
 * A running task is stopped when its task timeout passes ({@link HostResult.TimedOut}), or when its run is cancelled
 * ({@link HostResult.Cancelled}): by the run's {@link Cancellation}, by its run timeout, by an interrupt of the thread
 * that called {@code run}, or by {@link #close()}. Stopping kills the task's remote commands with their whole
 * process group, cuts its transfers, and interrupts its thread. A task that ignores the interrupt is reported after
 * a grace period of 10 seconds and left to end on its own; its session refuses every further action.
 *
 * <h2>Events</h2>
 * The group's listener receives, stamped with the group's clock and named by the group's host names:
 * <ul>
 *   <li>{@code DialStarted}/{@code DialEnded} around each dial of a host (at connect time, and when a lost
 *       connection is dialed again);
 *   <li>{@code TaskStarted}/{@code TaskEnded}: for every task that starts, one pair per host per run, the end always
 *       after the start and carrying the host's result, also on failure, timeout and cancellation (skipped and
 *       unreachable hosts start no task; their results are in the report);
 *   <li>{@code OutputLine}: each line of command output (see {@link Shell}); the lines of one stream of one host
 *       arrive in order, each whole (a line over 1 MiB in pieces of at most 1 MiB);
 *   <li>{@code BytesTransferred}: progress of uploads and downloads, at least every MiB and at the end of each file.
 * </ul>
 * {@code Retry} and {@code Warning} events about connections are emitted by the {@link Ssh}, to the listener given to
 * its own builder (which also receives the Ssh's dial events, per destination and jump host).
 *
 * <p>The listener contract (that of {@link EventListener}): it is called from many threads at once, so it must be
 * thread-safe; it must return quickly (render or enqueue; a slow listener slows the remote commands through SSH flow
 * control); it must not throw, and if it does the exception is caught and ignored and the run goes on.
 *
 * <p>Thread-safe: several runs may go on at once. {@link #close()} cancels runs in progress and closes the group's
 * connections (the {@link Ssh} itself stays open; another group sharing a connection dials it again).
 */
public final class Group implements AutoCloseable {
    /** How long a stopped task may take to notice before its result is reported without it. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(10);
    /** How long closing a group waits for the commands of its cancelled runs to be killed. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final Ssh ssh;
    private final List<HostEntry> hosts;
    private final Events events;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final boolean residentShell;
    private final ScheduledExecutorService timer;
    private final Map<String, SshConnection> connections = new ConcurrentHashMap<>();
    private final Set<RunExecution<?>> runs = ConcurrentHashMap.newKeySet();
    private volatile Map<String, String> unreachable = Map.of();
    private volatile boolean closed;

    private Group(Builder b) {
        this.ssh = b.ssh;
        this.hosts = List.copyOf(b.hosts.values());
        this.events = new Events(b.listener, b.clock);
        this.ownedExecutor = b.executor == null ? Executors.newVirtualThreadPerTaskExecutor() : null;
        this.executor = b.executor == null ? ownedExecutor : b.executor;
        this.maxInFlight = b.maxInFlight;
        this.inFlight = new Semaphore(b.maxInFlight, true);
        this.residentShell = b.residentShell;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, Thread.ofVirtual().name("drover-timer").factory());
        t.setRemoveOnCancelPolicy(true); // finished tasks' timeouts do not linger
        this.timer = t;
    }

    public static Builder builder(Ssh ssh) {
        return new Builder(ssh);
    }

    /** The host names, in the order given. */
    public List<String> hosts() {
        return hosts.stream().map(HostEntry::name).toList();
    }

    /** The hosts that could not be dialed, with the reason, in host order. */
    public Map<String, String> unreachable() {
        return unreachable;
    }

    /** The bound on tasks of this group in flight at once. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Runs {@code task} on every host with {@link RunOptions#defaults()}. Never throws for a host's failure. */
    public <T> RunReport<T> run(String name, Task<T> task) {
        return run(name, task, RunOptions.defaults());
    }

    /**
     * Runs {@code task} on every host concurrently (at most {@code maxInFlight} at once, started in host order) and
     * returns one result per host, in host order. A failure on one host is reported in its result and never thrown.
     * If the calling thread is interrupted, the run is cancelled, the report returned, and the interrupt status kept.
     *
     * @throws IllegalStateException when the group is closed
     */
    public <T> RunReport<T> run(String name, Task<T> task, RunOptions options) {
        requireNonNull(name, "name is null");
        requireNonNull(task, "task is null");
        requireNonNull(options, "options is null");
        if (closed) {
            throw new IllegalStateException("group is closed; cannot run '" + name + "'");
        }
        RunExecution<T> run = new RunExecution<>(this, name, task, options);
        runs.add(run);
        try {
            if (closed) {
                run.cancel("group closed");
            }
            return run.execute();
        } finally {
            runs.remove(run);
        }
    }

    /** {@link #collect(String, Task, RunOptions)} with {@link RunOptions#defaults()}. */
    public <T> Map<String, T> collect(String name, Task<T> task) {
        return collect(name, task, RunOptions.defaults());
    }

    /**
     * Runs {@code task} everywhere and returns the value it produced on each host, in host order (a map that
     * allows {@code null} values).
     *
     * @throws RunFailedException when any host did not succeed; its report has every host's result
     */
    public <T> Map<String, T> collect(String name, Task<T> task, RunOptions options) {
        RunReport<T> report = run(name, task, options);
        if (!report.allOk()) {
            throw new RunFailedException(report);
        }
        Map<String, T> values = new LinkedHashMap<>();
        for (HostResult<T> r : report.results()) {
            values.put(r.host(), ((HostResult.Ok<T>) r).value());
        }
        return Collections.unmodifiableMap(values);
    }

    /**
     * Cancels runs in progress (waiting at most {@link #STOP_WAIT} for their commands to be killed), closes this
     * group's connections, all at once, and stops its threads. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RunExecution<?>> cancelled = List.copyOf(runs);
        for (RunExecution<?> run : cancelled) {
            run.cancel("group closed");
        }
        // the kills go through the connections closed next: let them reach the hosts first
        for (RunExecution<?> run : cancelled) {
            run.awaitStops(STOP_WAIT);
        }
        SshConnection.closeAll(List.copyOf(connections.values()));
        connections.clear();
        timer.shutdown(); // delayed actions already scheduled (grace periods of stopped tasks) still run
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "Group[" + hosts.size() + " hosts, " + unreachable.size() + " unreachable, maxInFlight " + maxInFlight + "]";
    }

    // ---- engine internals, used by RunExecution and HostSession ----

    List<HostEntry> entries() {
        return hosts;
    }

    Events events() {
        return events;
    }

    /** Whether plain commands go to each host's resident shell ({@link Builder#residentShell(boolean)}). */
    boolean residentShell() {
        return residentShell;
    }

    Executor executor() {
        return executor;
    }

    Semaphore inFlight() {
        return inFlight;
    }

    /** The dial error of a host that could not be reached at connect time, or null. */
    String dialError(String host) {
        return unreachable.get(host);
    }

    /**
     * Runs {@code action} on a fresh virtual thread after {@code delay}. Once the group is closed the timer is gone
     * and the action runs on a sleeping virtual thread instead (then null is returned: it cannot be cancelled).
     */
    ScheduledFuture<?> schedule(Duration delay, Runnable action) {
        try {
            return timer.schedule(() -> Thread.ofVirtual().name("drover-deadline").start(action),
                    delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            Thread.ofVirtual().name("drover-deadline").start(() -> {
                try {
                    Thread.sleep(delay);
                    action.run();
                } catch (InterruptedException ignored) {
                    // nobody interrupts these threads
                }
            });
            return null;
        }
    }

    /**
     * The open connection to {@code host}, dialed again when it was lost since the last use.
     *
     * @throws UnreachableHost when it cannot be dialed
     */
    SshConnection connection(HostEntry host) {
        SshConnection c = connections.get(host.name());
        if (c != null && c.isOpen()) {
            return c;
        }
        Optional<String> error = dial(host);
        if (error.isPresent()) {
            throw new UnreachableHost(error.get());
        }
        return connections.get(host.name());
    }

    /** The host could not be dialed; carries the reason. */
    static final class UnreachableHost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreachableHost(String reason) {
            super(reason, null, false, false);
        }
    }

    private Optional<String> dial(HostEntry host) {
        Instant start = events.now();
        events.emit(new DroverEvent.DialStarted(start, host.name()));
        Optional<String> error;
        try {
            SshConnection c = ssh.connect(host.destination());
            SshConnection old = connections.put(host.name(), c);
            if (old != null && old != c) {
                old.close();
            }
            error = Optional.empty();
        } catch (RuntimeException e) {
            error = Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        Instant end = events.now();
        events.emit(new DroverEvent.DialEnded(end, host.name(), Duration.between(start, end), error));
        return error;
    }

    private void dialAll(int concurrency, DialPolicy policy) {
        Semaphore dials = new Semaphore(concurrency);
        Map<String, String> errors = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HostEntry h : hosts) {
                pool.execute(() -> {
                    try {
                        dials.acquire();
                    } catch (InterruptedException e) {
                        errors.put(h.name(), "not dialed: interrupted");
                        return;
                    }
                    try {
                        if (policy == DialPolicy.FAIL_FAST && firstFailure.get() != null) {
                            errors.put(h.name(), "not dialed: " + firstFailure.get() + " could not be reached first");
                            return;
                        }
                        dial(h).ifPresent(err -> {
                            errors.put(h.name(), err);
                            firstFailure.compareAndSet(null, h.name());
                        });
                    } finally {
                        dials.release();
                    }
                });
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (HostEntry h : hosts) {
            if (errors.containsKey(h.name())) {
                ordered.put(h.name(), errors.get(h.name()));
            }
        }
        unreachable = Collections.unmodifiableMap(ordered);
        if (Thread.currentThread().isInterrupted()) {
            close();
            throw new DroverException("interrupted while connecting to " + hosts.size() + " hosts");
        }
        if (policy == DialPolicy.FAIL_FAST && firstFailure.get() != null) {
            close();
            List<String> failed = ordered.entrySet().stream().filter(e -> !e.getValue().startsWith("not dialed"))
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
            throw new DroverException("cannot reach " + failed.size() + " of " + hosts.size() + " hosts: "
                    + failed.stream().limit(10).collect(Collectors.joining(", ")) + (failed.size() > 10 ? ", ..." : ""));
        }
    }

    /** What {@link Builder#connect()} does when a host cannot be dialed. */
    public enum DialPolicy {
        /** Keep going; the host is reported {@link HostResult.Unreachable} by every run (the default). */
        COLLECT,
        /** Stop dialing at the first failure, close what was opened, and throw {@link DroverException}. */
        FAIL_FAST
    }

    /** Settings of a {@link Group}; {@link #connect()} dials the hosts. */
    public static final class Builder {
        private final Ssh ssh;
        private final Map<String, HostEntry> hosts = new LinkedHashMap<>();
        private int dialConcurrency = 32;
        private DialPolicy dialPolicy = DialPolicy.COLLECT;
        private int maxInFlight = 256;
        private EventListener listener = EventListener.NONE;
        private InstantSource clock = InstantSource.system();
        private Executor executor;
        private boolean residentShell;

        private Builder(Ssh ssh) {
            this.ssh = requireNonNull(ssh, "ssh is null");
        }

        /**
         * Adds a host by its destination ({@code [user@]alias[:port]}, as {@code ssh} takes it), which is also its
         * name in results and events.
         *
         * @throws IllegalArgumentException when a host of that name was added already
         */
        public Builder host(String destination) {
            return host(destination, Map.of());
        }

        /** Adds a host with its variables ({@link HostSession#vars()}). */
        public Builder host(String destination, Map<String, ?> vars) {
            return add(new HostEntry(destination, destination, Collections.unmodifiableMap(vars)));
        }

        /** Adds hosts by destination, in order. */
        public Builder hosts(Collection<String> destinations) {
            requireNonNull(destinations, "destinations is null").forEach(this::host);
            return this;
        }

        /**
         * Adds a host spec's target; its name in results and events is {@link Target#destination()} ({@code web1},
         * or {@code alice@web1:2222} when it carries a user or port).
         */
        public Builder host(Target target) {
            return host(target, Map.of());
        }

        /** Adds a target with its variables. */
        public Builder host(Target target, Map<String, ?> vars) {
            requireNonNull(target, "target is null");
            return add(new HostEntry(target.destination(), target.destination(), Collections.unmodifiableMap(vars)));
        }

        /** Adds targets (as {@link HostSpec#expand} returns them), in order. */
        public Builder targets(Collection<Target> targets) {
            requireNonNull(targets, "targets is null").forEach(this::host);
            return this;
        }

        /**
         * Adds an inventory host: named by its inventory name, dialed at its target ({@code ansible_host},
         * {@code ansible_port}, {@code ansible_user}), with its variables.
         */
        public Builder host(InventoryHost host) {
            requireNonNull(host, "host is null");
            return add(new HostEntry(host.name(), host.target().destination(), host.vars()));
        }

        /** Adds inventory hosts (as {@link Inventory#hosts(String)} returns them), in order. */
        public Builder inventoryHosts(Collection<InventoryHost> hosts) {
            requireNonNull(hosts, "hosts is null").forEach(this::host);
            return this;
        }

        Builder add(HostEntry entry) {
            requireNonNull(entry, "entry is null");
            if (entry.name().isBlank()) {
                throw new IllegalArgumentException("host name must not be blank");
            }
            if (hosts.putIfAbsent(entry.name(), entry) != null) {
                throw new IllegalArgumentException("host " + entry.name() + " is in the group twice");
            }
            return this;
        }

        /** How many hosts {@link #connect()} dials at once (default 32). */
        public Builder dialConcurrency(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("dialConcurrency (" + n + ") must be at least 1");
            }
            this.dialConcurrency = n;
            return this;
        }

        public Builder dialPolicy(DialPolicy policy) {
            this.dialPolicy = requireNonNull(policy, "policy is null");
            return this;
        }

        /** At most this many tasks of the group run at once, across all its runs (default 256). */
        public Builder maxInFlight(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxInFlight (" + n + ") must be at least 1");
            }
            this.maxInFlight = n;
            return this;
        }

        /** Receives the group's events (see {@link Group} and the contract of {@link EventListener}). */
        public Builder listener(EventListener listener) {
            this.listener = requireNonNull(listener, "listener is null");
            return this;
        }

        /**
         * The clock for event times, result durations and the report's start (default the system clock). Timeouts
         * are waited in real time: they bound real remote work.
         */
        public Builder clock(InstantSource clock) {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        /**
         * Runs tasks on this executor instead of a virtual thread per task. It must run each task on a thread that
         * can be interrupted; the group does not shut it down. The engine's own stream readers and timers still use
         * virtual threads of their own.
         */
        public Builder executor(Executor executor) {
            this.executor = requireNonNull(executor, "executor is null");
            return this;
        }

        /**
         * Whether commands run in a resident shell on each host (default false): one long-lived session channel per
         * connection running the user's login shell, which runs each command in a subshell of its own. A command
         * then costs the host a fork instead of a session channel, an sshd fork and a shell start (about 2 ms of
         * the host's CPU per command with OpenSSH), which is what bounds a long sequence of short commands over kept
         * connections. Only commands without stdin and without a pty use it ({@link Shell}'s working directory,
         * environment and sudo are part of the command and work the same); others, and commands started while the
         * host's resident shell is busy with another command of the group (several threads of one task), run on a
         * channel of their own.
         *
         * <p>Off by default because some semantics differ from a channel per command, in ways a shell cannot
         * close (see {@link io.drover.ssh.SshConnection#start}): {@code $$} and {@code $PPID} are the resident
         * shell's; an exit status of 129..192 reads as the signal 128+n; output that a command's background process
         * writes while a later command runs lands in that later command's output; and stopping a command (timeout,
         * cancellation) kills the resident shell's whole session, including background processes that earlier
         * commands left running, before a new resident shell is opened. Turn it on for sequences of short commands
         * that leave nothing running in the background.
         */
        public Builder residentShell(boolean on) {
            this.residentShell = on;
            return this;
        }

        /**
         * Dials every host and returns the group.
         *
         * @throws DroverException with {@link DialPolicy#FAIL_FAST} when a host cannot be reached, or when
         *     interrupted
         * @throws IllegalStateException when no host was added
         */
        public Group connect() {
            if (hosts.isEmpty()) {
                throw new IllegalStateException("a group needs at least one host");
            }
            Group group = new Group(this);
            group.dialAll(dialConcurrency, dialPolicy);
            return group;
        }
    }
}
