package io.drover.cli;

import io.drover.api.EventListener;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.cli.output.Durations;
import io.drover.cli.runs.RunRecord;
import io.drover.ssh.Ssh;
import io.drover.sync.ClusterLock;
import io.drover.sync.ClusterLockException;
import io.drover.sync.LockOptions;
import io.drover.sync.SyncException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Option;

/**
 * {@code --lock}, {@code --no-lock}, {@code --lock-file} and {@code --lock-timeout} for commands that can hold
 * the cluster lock while they work ({@code sync} by default; {@code upload} and {@code run} when asked).
 */
final class ClusterLockOptions {
    @Option(names = "--lock", description = "Hold the cluster lock while working: fail at once if another "
            + "drover holds it; stop and exit 4 if it is lost.")
    boolean lock;

    @Option(names = "--no-lock", description = "Do not take the cluster lock.")
    boolean noLock;

    @Option(names = "--lock-file", paramLabel = "PATH",
            description = "The lock file on every host (default: " + LockOptions.DEFAULT_PATH + "); "
                    + "implies --lock.")
    String lockFile;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The lock is lost when a host has not answered the heartbeat for this long "
                    + "(default: 10s).")
    Duration lockTimeout;

    /**
     * The lock to take, or empty for none.
     *
     * @param byDefault whether the command locks unless told not to
     * @param holder what to write into the lock files (the command line)
     * @throws UsageException for contradicting or invalid options
     */
    Optional<LockOptions> resolve(boolean byDefault, String holder, boolean sudo) {
        if (noLock && (lock || lockFile != null)) {
            throw new UsageException("--no-lock contradicts " + (lock ? "--lock" : "--lock-file " + lockFile));
        }
        if (noLock || !(lock || lockFile != null || byDefault)) {
            if (lockTimeout != null && !noLock) {
                throw new UsageException("--lock-timeout needs --lock");
            }
            return Optional.empty();
        }
        return Optional.of(lockOptions(lockFile, lockTimeout, sudo, holder, EventListener.NONE));
    }

    /** What a run record keeps of the lock {@link #resolve} returned: null for none. */
    RunRecord.Lock toRecord(Optional<LockOptions> resolved) {
        return resolved.map(o -> new RunRecord.Lock(o.path(),
                lockTimeout == null ? null : lockTimeout.toMillis() + "ms")).orElse(null);
    }

    /**
     * Takes the lock of a recorded run again ({@code --retry-failed}): its file and timeout, unless given anew;
     * nothing when the run held none or {@code --no-lock} is given.
     */
    void inherit(RunRecord.Lock recorded) {
        if (recorded == null || noLock) {
            return;
        }
        lock = true;
        if (lockFile == null) {
            lockFile = recorded.file();
        }
        if (lockTimeout == null && recorded.timeout() != null) {
            lockTimeout = Durations.parse(recorded.timeout());
        }
    }

    /** Lock settings from the command line; the heartbeat runs every second (faster for timeouts under 2 s). */
    static LockOptions lockOptions(String file, Duration timeout, boolean sudo, String holder,
            EventListener listener) {
        try {
            LockOptions.Builder b = LockOptions.builder().command(holder).sudo(sudo).listener(listener);
            if (file != null) {
                b.path(file);
            }
            if (timeout != null) {
                Duration interval = timeout.compareTo(Duration.ofSeconds(2)) >= 0 ? Duration.ofSeconds(1)
                        : timeout.dividedBy(4);
                if (interval.isZero()) {
                    throw new UsageException("--lock-timeout " + timeout.toMillis() + "ms is too short");
                }
                b.heartbeat(interval, timeout);
            }
            return b.build();
        } catch (SyncException | IllegalArgumentException e) {
            throw new UsageException(e.getMessage().replace("lock path", "--lock-file"), e);
        }
    }

    /** The cluster lock taken for a command's work, or why it was not. */
    sealed interface Taken {
        /** Held on every host. */
        record Held(ClusterLock lock) implements Taken {}

        /**
         * Held nowhere, and nothing was done.
         *
         * @param report every host's result: the lock's own where it failed (the holder's host, unreachable ones);
         *     the others skipped, or cancelled when the user interrupted
         * @param code 130 when interrupted, else 3 when a host was unreachable, else 1
         * @param message why, for the user
         */
        record Refused(RunReport<Void> report, int code, boolean interrupted, String message) implements Taken {}
    }

    /**
     * Takes the lock before {@code task}'s work. The first Ctrl-C meanwhile gives it up at once: hosts still being
     * dialed or asked are cancelled and those that granted it release it again (a Ctrl-C just as the lock was taken
     * releases it too). A handler the caller installed for its work is put back afterwards.
     */
    static Taken take(CliEnv cli, Ssh ssh, Map<String, String> hosts, LockOptions options, String task,
            RunOutput out) {
        Instant started = Instant.now();
        AtomicBoolean interrupted = new AtomicBoolean();
        Object gate = new Object();
        boolean[] taking = {true};
        Thread caller = Thread.currentThread();
        ClusterLock lock = null;
        ClusterLockException refusal = null;
        try (Interrupts.Registration sigint = Interrupts.onInterrupt(cli.ownsProcess(), () -> {
            synchronized (gate) {
                interrupted.set(true);
                if (taking[0]) {
                    caller.interrupt();
                }
            }
            out.phase("interrupted: giving the cluster lock back (Ctrl-C again to quit at once)");
        })) {
            try {
                lock = ClusterLock.acquire(ssh, hosts, options);
            } catch (ClusterLockException e) {
                refusal = e;
            } finally {
                synchronized (gate) {
                    taking[0] = false; // no interrupt reaches the caller after this
                }
                Thread.interrupted();
            }
        }
        if (refusal == null && !interrupted.get()) {
            return new Taken.Held(lock);
        }
        if (lock != null) {
            lock.close();
        }
        boolean stopped = interrupted.get();
        Duration took = Duration.between(started, Instant.now());
        Map<String, HostResult<Void>> failed = new HashMap<>();
        if (refusal != null) {
            refusal.results().stream().filter(r -> !r.isOk()).forEach(r -> failed.put(r.host(), r));
        }
        List<HostResult<Void>> results = new ArrayList<>();
        for (String host : hosts.keySet()) {
            results.add(failed.containsKey(host) ? failed.get(host) : stopped
                    ? new HostResult.Cancelled<>(host, "interrupted while taking the cluster lock", took)
                    : new HostResult.Skipped<>(host, "not started: the cluster lock was refused"));
        }
        int code = stopped ? ExitCodes.INTERRUPTED : exitCode(refusal);
        String message = refusal != null ? refusal.getMessage()
                : "interrupted while taking the cluster lock " + options.path();
        return new Taken.Refused(new RunReport<>(task, started, took, results), code, stopped, message);
    }

    /**
     * Prints why the lock was not taken ({@code drover: cluster lock PATH is held on web3 by alice@ctl pid 42
     * since ...: drover sync ...}) and returns the exit code: 3 when a host was unreachable, else 1.
     */
    static int refused(ClusterLockException e, PrintWriter err) {
        err.println("drover: " + e.getMessage());
        err.flush();
        return exitCode(e);
    }

    /** The exit code of a refused lock: 3 when a host was unreachable, else 1. */
    private static int exitCode(ClusterLockException e) {
        return e.unreachable() ? ExitCodes.UNREACHABLE : ExitCodes.FAILED;
    }
}
