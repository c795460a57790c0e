package io.drover.sync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.drover.api.HostResult;
import io.drover.ssh.ExitStatus;
import io.drover.ssh.Ssh;
import io.drover.ssh.SshConnection;
import io.drover.ssh.SshException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lock over a set of hosts: {@code flock} on the same path on every host, each held by a long-running remote
 * process that doubles as the heartbeat. Taken all or nothing, without waiting: when any host refuses (another
 * holder has it, or the host cannot be reached), the hosts that granted it release it again and
 * {@link #acquire} throws, naming the holder.
 *
 * <p>While held, drover pings every holder each {@link LockOptions#heartbeatInterval()} and the holder echoes the
 * ping after checking that the lock file is still the one it locked. The lock is <em>lost</em> when a host stays
 * silent for {@link LockOptions#heartbeatTimeout()} (a frozen or cut-off host), when a holder process ends or its
 * connection breaks, or when the lock file was removed or replaced: then {@link #lost()} completes with the first
 * {@link LockLoss}; whoever runs work under the lock must stop it (the CLI exits with code 4).
 *
 * <p>A holder gives the lock up when its channel closes (it reads EOF on stdin and exits), so {@link #close()} and
 * the end of the drover process, even by {@code kill -9}, release it; with bash on the host a holder that gets no
 * ping for longer than the heartbeat timeout releases it by itself too.
 *
 * <p>The holder writes {@code user@controller pid N since TIME: command} into the lock file, which a refused drover
 * shows. Thread-safe.
 */
public final class ClusterLock implements AutoCloseable {
    private static final String HELD = "DROVER-LOCK HELD";
    private static final String BUSY = "DROVER-LOCK BUSY";
    private static final String ERROR = "DROVER-LOCK ERROR ";
    private static final String LOST = "DROVER-LOCK LOST ";
    private static final String PING = "PING ";
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

    /** Runs the holder with bash when there is one (for {@code read -t}), else with sh. */
    private static final String BOOT = """
            s=$1; shift
            if command -v bash >/dev/null 2>&1; then exec bash -c "$s" drover-lock "$@"; fi
            exec sh -c "$s" drover-lock "$@"
            """;

    private static final String HOLDER = """
            p=$1 info=$2 t=$3
            if [ -d "$p" ] || { [ -e "$p" ] && ! [ -w "$p" ]; }; then
              # a directory, or a lock file this user may only read: flock works on a read-only descriptor
              if ! err=$( { : 9<"$p"; } 2>&1 ); then
                echo "DROVER-LOCK ERROR cannot open the lock file $p: ${err##*: }"; exit 71
              fi
              exec 9<"$p"
            else
              if ! err=$( { : 9<>"$p"; } 2>&1 ); then
                echo "DROVER-LOCK ERROR cannot open the lock file $p: ${err##*: }"; exit 71
              fi
              exec 9<>"$p"
            fi
            if ! command -v flock >/dev/null 2>&1; then
              echo "DROVER-LOCK ERROR flock(1) is not installed on this host (it is in util-linux)"; exit 72
            fi
            if ! flock -n 9; then
              echo "DROVER-LOCK BUSY"
              head -c 4096 "$p" 2>/dev/null; echo
              exit 75
            fi
            if [ -f "$p" ] && [ -w "$p" ]; then printf '%s\\n' "$info" > "$p"; fi
            echo "DROVER-LOCK HELD $$"
            check() {
              if [ -e /proc/$$/fd/9 ] && ! [ "$p" -ef /proc/$$/fd/9 ]; then
                echo "DROVER-LOCK LOST the lock file $p was removed or replaced"; exit 76
              fi
            }
            if [ -n "${BASH_VERSION:-}" ]; then
              while IFS= read -r -t "$t" line; do check; printf '%s\\n' "$line"; done
            else
              while IFS= read -r line; do check; printf '%s\\n' "$line"; done
            fi
            """;

    private final List<Holder> holders;
    private final LockOptions options;
    private final Events events;
    private final String holderLine;
    private final CompletableFuture<LockLoss> lost = new CompletableFuture<>();
    private volatile Heartbeats beats;
    private volatile boolean closing;
    private final List<Thread> workers = new ArrayList<>();

    private ClusterLock(Map<String, String> hosts, LockOptions options) {
        this.options = options;
        this.events = new Events(options.listener(), options.clock());
        this.holderLine = options.holderLine();
        this.holders = hosts.entrySet().stream().map(e -> new Holder(e.getKey(), e.getValue())).toList();
    }

    /**
     * Takes the lock on every host, or on none.
     *
     * @param ssh connects to the hosts (connections are shared with other work of the same {@code Ssh})
     * @param hosts destinations as {@link Ssh#connect} takes them
     * @return the held lock; {@link #close()} it to release
     * @throws ClusterLockException when any host refused or could not be asked, or the calling thread was
     *     interrupted (the hosts still being dialed or asked are given up at once, their results {@code Cancelled},
     *     and the thread's interrupt status is set again); nothing is held then
     * @throws SyncException when {@code hosts} is empty or names a host twice
     */
    public static ClusterLock acquire(Ssh ssh, List<String> hosts, LockOptions options) throws ClusterLockException {
        Map<String, String> named = new LinkedHashMap<>();
        for (String h : hosts) {
            if (named.put(requireNonNull(h, "host is null"), h) != null) {
                throw new SyncException("host " + h + " is given twice");
            }
        }
        return acquire(ssh, named, options);
    }

    /**
     * Takes the lock on every host, or on none; hosts are named (in results, losses and messages) by the map's keys
     * and reached at its values, in its iteration order.
     *
     * @throws ClusterLockException when any host refused or could not be asked; nothing is held then
     * @throws SyncException when there is no host
     */
    public static ClusterLock acquire(Ssh ssh, Map<String, String> namedDestinations, LockOptions options)
            throws ClusterLockException {
        requireNonNull(ssh, "ssh is null");
        requireNonNull(options, "options is null");
        if (namedDestinations.isEmpty()) {
            throw new SyncException("no hosts to lock");
        }
        ClusterLock lock = new ClusterLock(new LinkedHashMap<>(namedDestinations), options);
        lock.take(ssh);
        return lock;
    }

    /** The lock file path on the hosts. */
    public String path() {
        return options.path();
    }

    /** The hosts the lock is held on, in the order given. */
    public List<String> hosts() {
        return holders.stream().map(h -> h.host).toList();
    }

    /** What this holder wrote into the lock files. */
    public String holderLine() {
        return holderLine;
    }

    /**
     * Completes (once, from a drover thread) with the first loss. Never completes if the lock is closed before it is
     * lost. The returned future is a copy: completing it does not affect the lock.
     */
    public CompletableFuture<LockLoss> lost() {
        return lost.copy();
    }

    /** The loss, when the lock was lost. */
    public Optional<LockLoss> loss() {
        return Optional.ofNullable(lost.getNow(null));
    }

    public boolean isLost() {
        return lost.isDone();
    }

    /**
     * Releases the lock on every host: each holder's stdin is closed and it exits; one that does not within 5 s is
     * killed. Idempotent; returns within about 10 s even when hosts are frozen (their holders end with their
     * connection, or by themselves after the heartbeat timeout).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        workers.forEach(Thread::interrupt);
        release(holders);
    }

    // ---------------------------------------------------------------- acquisition

    private void take(Ssh ssh) {
        List<Thread> threads = new ArrayList<>();
        for (Holder h : holders) {
            threads.add(Thread.ofVirtual().name("drover-lock-" + h.host).start(() -> h.result = h.take(ssh)));
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    // the takers stop waiting (a dial or the holder's answer) and end as cancelled
                    interrupted = true;
                    threads.forEach(Thread::interrupt);
                }
            }
        }
        List<HostResult<Void>> results = holders.stream().map(h -> h.result).toList();
        if (interrupted || results.stream().anyMatch(r -> !r.isOk())) {
            closing = true;
            release(holders.stream().filter(h -> h.held).toList());
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Map<String, String> busy = new LinkedHashMap<>();
            for (Holder h : holders) {
                if (h.busyInfo != null) {
                    busy.put(h.host, h.busyInfo);
                }
            }
            throw new ClusterLockException(refusal(results, busy, interrupted), results, busy);
        }
        beats = new Heartbeats(hosts(), options.clock().instant(), options.heartbeatTimeout());
        for (Holder h : holders) {
            workers.add(Thread.ofVirtual().name("drover-lock-ping-" + h.host).start(h::ping));
        }
        workers.add(Thread.ofVirtual().name("drover-lock-monitor").start(this::monitor));
    }

    private String refusal(List<HostResult<Void>> results, Map<String, String> busy, boolean interrupted) {
        if (interrupted) {
            return "interrupted while taking the cluster lock " + path();
        }
        if (!busy.isEmpty()) {
            Map<String, List<String>> byHolder = new LinkedHashMap<>();
            busy.forEach((host, who) -> byHolder.computeIfAbsent(who, k -> new ArrayList<>()).add(host));
            StringBuilder sb = new StringBuilder("cluster lock " + path() + " is held");
            byHolder.forEach((who, hs) -> sb.append(" on ").append(String.join(",", hs)).append(" by ")
                    .append(who.isEmpty() ? "an unknown holder (the lock file names none)" : who).append(';'));
            sb.setLength(sb.length() - 1);
            return sb.toString();
        }
        List<String> bad = results.stream().filter(r -> !r.isOk()).map(r -> r.host() + " (" + describe(r) + ")")
                .toList();
        return "cannot take the cluster lock " + path() + " on " + String.join(", ", bad);
    }

    private static String describe(HostResult<Void> r) {
        return switch (r) {
            case HostResult.Ok<Void> ok -> "ok";
            case HostResult.Failed<Void> f -> f.message();
            case HostResult.Unreachable<Void> u -> "unreachable: " + u.reason();
            case HostResult.TimedOut<Void> t -> "no answer within " + t.timeout().toSeconds() + "s";
            case HostResult.Cancelled<Void> c -> c.reason();
            case HostResult.Skipped<Void> s -> s.reason();
        };
    }

    // ---------------------------------------------------------------- heartbeat

    private void monitor() {
        long step = Math.max(50, Math.min(options.heartbeatInterval().toMillis(),
                options.heartbeatTimeout().toMillis() / 4));
        try {
            while (!closing && !lost.isDone()) {
                Thread.sleep(step);
                beats.overdue(options.clock().instant()).ifPresent(o -> lose(o.host(), "no heartbeat for "
                        + seconds(o.silence()) + " (the host is frozen, overloaded or cut off)"));
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    private void lose(String host, String reason) {
        if (closing) {
            return;
        }
        LockLoss loss = new LockLoss(host, reason, options.clock().instant());
        if (lost.complete(loss)) {
            events.warning(host, loss.toString());
        }
    }

    private static void release(List<Holder> hs) {
        List<Thread> threads = new ArrayList<>();
        for (Holder h : hs) {
            threads.add(Thread.ofVirtual().name("drover-unlock-" + h.host).start(h::release));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One host's holder process. */
    private final class Holder {
        final String host;
        final String destination;
        final CompletableFuture<String> answer = new CompletableFuture<>();
        final CompletableFuture<Optional<ExitStatus>> ended = new CompletableFuture<>();
        final StringBuilder busyLines = new StringBuilder();
        volatile HostCommand command;
        volatile boolean held;
        volatile String busyInfo;
        volatile HostResult<Void> result;
        private boolean busy;
        private long seq;

        Holder(String host, String destination) {
            this.host = host;
            this.destination = destination;
        }

        HostResult<Void> take(Ssh ssh) {
            Instant start = options.clock().instant();
            SshConnection connection;
            try {
                connection = ssh.connect(destination);
            } catch (SshException e) {
                return Thread.currentThread().isInterrupted() ? new HostResult.Cancelled<>(host, "interrupted",
                        took(start)) : new HostResult.Unreachable<>(host, e.getMessage(), took(start));
            }
            String cmd = Sh.command("drover-lock-boot", BOOT, List.of(HOLDER, path(), holderLine,
                    Long.toString(options.heartbeatTimeout().plus(options.heartbeatInterval()).toSeconds() + 1)),
                    options.sudo());
            try {
                command = HostCommand.start(connection, host, cmd, this::onLine, line -> {});
            } catch (SshException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return new HostResult.Cancelled<>(host, "interrupted", took(start));
                }
                return e.kind() == SshException.Kind.DISCONNECTED
                        ? new HostResult.Unreachable<>(host, e.getMessage(), took(start))
                        : new HostResult.Failed<>(host, OptionalInt.empty(), Optional.empty(),
                                "cannot start the lock holder: " + e.getMessage(), "", took(start));
            }
            Thread.ofVirtual().name("drover-lock-watch-" + host).start(this::watch);
            String a;
            try {
                a = answer.get(options.acquireTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                command.process().kill();
                return new HostResult.TimedOut<>(host, options.acquireTimeout(), took(start));
            } catch (InterruptedException e) {
                command.process().kill();
                Thread.currentThread().interrupt();
                return new HostResult.Cancelled<>(host, "interrupted", took(start));
            } catch (ExecutionException e) {
                a = "EXIT";
            }
            if (a.equals("HELD")) {
                held = true;
                return new HostResult.Ok<>(host, null, took(start));
            }
            Optional<ExitStatus> exit = awaitEnd();
            if (a.equals("BUSY")) {
                synchronized (this) {
                    busyInfo = busyLines.toString().strip();
                }
                return new HostResult.Failed<>(host, OptionalInt.empty(), Optional.empty(),
                        "lock " + path() + " is held by " + (busyInfo.isEmpty() ? "an unknown holder" : busyInfo),
                        "", took(start));
            }
            String why = a.startsWith(ERROR) ? a.substring(ERROR.length())
                    : exit.isEmpty() ? "the connection was lost"
                    : "the lock holder ended (" + exit.get() + ")"
                            + (command.lastStderrLine().isEmpty() ? "" : ": " + command.lastStderrLine());
            if (exit.isEmpty() && !connection.isOpen()) {
                return new HostResult.Unreachable<>(host, "lock: " + why, took(start));
            }
            return new HostResult.Failed<>(host, exit.flatMap(s -> s.code().isPresent()
                    ? Optional.of(s.code().getAsInt()) : Optional.empty()).map(OptionalInt::of)
                    .orElse(OptionalInt.empty()), exit.flatMap(ExitStatus::signal), "cannot take the lock: " + why,
                    command.stderrTail(), took(start));
        }

        private Duration took(Instant start) {
            return Duration.between(start, options.clock().instant());
        }

        /** The holder's exit, or empty when its connection broke; waits (bounded). */
        private Optional<ExitStatus> awaitEnd() {
            try {
                return ended.get(RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (ExecutionException | TimeoutException e) {
                return Optional.empty();
            }
        }

        private void watch() {
            Optional<ExitStatus> status;
            String reason;
            try {
                ExitStatus s = command.await();
                status = Optional.of(s);
                reason = "the lock holder ended (" + s + ")";
            } catch (SshException e) {
                status = Optional.empty();
                reason = "the connection broke: " + e.getMessage();
            } catch (InterruptedException e) {
                status = Optional.empty();
                reason = "interrupted";
            }
            ended.complete(status);
            answer.complete("EXIT");
            if (held) {
                lose(host, reason);
            }
        }

        private void onLine(String line) {
            if (!answer.isDone()) {
                if (line.startsWith(HELD)) {
                    answer.complete("HELD");
                } else if (line.equals(BUSY)) {
                    synchronized (this) {
                        busy = true;
                    }
                    answer.complete("BUSY");
                } else if (line.startsWith(ERROR)) {
                    answer.complete(line);
                }
                return;
            }
            synchronized (this) {
                if (busy) {
                    busyLines.append(line).append('\n');
                    return;
                }
            }
            if (line.startsWith(PING)) {
                Heartbeats b = beats;
                if (b != null) {
                    b.beat(host, options.clock().instant());
                }
            } else if (line.startsWith(LOST)) {
                lose(host, line.substring(LOST.length()));
            }
        }

        private void ping() {
            OutputStream stdin = command.process().stdin();
            try {
                while (!closing) {
                    Thread.sleep(options.heartbeatInterval().toMillis());
                    stdin.write((PING + ++seq + "\n").getBytes(UTF_8));
                    stdin.flush();
                }
            } catch (InterruptedException e) {
                // closing
            } catch (IOException | RuntimeException e) {
                lose(host, "the lock channel broke: " + e.getMessage());
            }
        }

        /** Whether this host missed its last three heartbeats (and at least two seconds of them). */
        private boolean silent() {
            Heartbeats b = beats;
            if (b == null) {
                return false;
            }
            Duration patience = options.heartbeatInterval().multipliedBy(3);
            if (patience.compareTo(Duration.ofSeconds(2)) < 0) {
                patience = Duration.ofSeconds(2);
            }
            return b.silence(host, options.clock().instant()).compareTo(patience) > 0;
        }

        /**
         * Closes the holder's stdin (it exits and the lock is free) and waits for it; a holder still there is killed
         * on a background thread; 5 s in all. A host that lost the lock or missed its last heartbeats is not waited
         * for: its holder is killed in the background, and else left to its own heartbeat timeout and to the
         * connection's end.
         */
        void release() {
            HostCommand c = command;
            if (c == null) {
                return;
            }
            LockLoss loss = lost.getNow(null);
            if (!ended.isDone() && (loss != null && loss.host().equals(host) || silent())) {
                // this host stopped answering: no point waiting for it; its holder ends with the channel
                Thread.ofVirtual().name("drover-unlock-kill-" + host).start(c.process()::kill);
                return;
            }
            // one budget for the polite end and the kill: a host that stopped answering costs RELEASE_WAIT once
            long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
            try {
                c.process().stdin().close();
            } catch (IOException | RuntimeException ignored) {
                // the channel is gone already; the holder has exited or will be killed below
            }
            try {
                ended.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // kill it below
            }
            Thread killer = Thread.ofVirtual().name("drover-unlock-kill-" + host).start(c.process()::kill);
            try {
                killer.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
