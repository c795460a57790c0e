package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.api.EventListener;
import io.drover.cli.output.Durations;
import io.drover.cli.runs.RunRecord;
import io.drover.ssh.Ssh;
import io.drover.sync.ClusterLock;
import io.drover.sync.ClusterLockException;
import io.drover.sync.LockLoss;
import io.drover.sync.LockOptions;
import io.drover.sync.SyncException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code drover lock}: the cluster lock on its own, for maintenance or around a local command. */
@Command(name = "lock", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Take the cluster lock on every host (flock on a file, held by a process on each host that "
                + "answers drover's heartbeat), then hold it until interrupted (--hold) or while a local COMMAND "
                + "runs. All or nothing: if any host refuses, none keeps it.",
            "Another drover that wants the lock (drover lock, drover sync, drover upload --lock, drover run --lock) fails at once and "
                + "names the holder. If a host stops answering for --lock-timeout, the lock is lost: COMMAND is "
                + "stopped and drover exits with 4."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover lock -H 'db[1-3]' --hold                       # maintenance: others are kept out until Ctrl-C",
            "  drover lock -H 'web[01-16]' -- ./deploy.sh            # a local script, run while the cluster is locked",
            "  drover lock -i inventory.ini --lock-file /var/lock/deploy.lock --hold",
            "",
            "COMMAND gets DROVER_LOCK_FILE and DROVER_LOCK_HOSTS in its environment. Exit codes: COMMAND's own exit "
                + "code; 1 the lock is held by someone else (or failed on a host); 3 a host was unreachable; "
                + "4 the lock was lost; 130 interrupted (the lock is released)."
        })
final class LockCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HostOptions hosts;

    @Mixin
    SshOptions ssh;

    @Option(names = "--lock-file", paramLabel = "PATH",
            description = "The lock file on every host (default: " + LockOptions.DEFAULT_PATH + "); its directory "
                    + "must exist. A file on a file system shared by several hosts locks them against each other.")
    String lockFile;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The lock is lost when a host has not answered the heartbeat (every second) for this "
                    + "long (default: 10s).")
    Duration lockTimeout;

    @Option(names = "--sudo", description = "Take the lock through 'sudo -n' (for lock files only root may open).")
    boolean sudo;

    @Option(names = "--hold", description = "Hold the lock until interrupted (Ctrl-C), then release it.")
    boolean hold;

    @Mixin
    LogOptions log;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "A local command (and its arguments) to run while the lock is held.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        CliEnv cli = main.env();
        hosts.validate();
        if (hold == !command.isEmpty()) {
            throw new UsageException(hold ? "give --hold or a COMMAND, not both"
                    : "say what to do with the lock: --hold, or -- COMMAND to run while it is held");
        }
        LockOptions options = lockOptions(lockFile, lockTimeout, sudo, holderCommand(spec), EventListener.NONE);
        Map<String, String> targets = destinations(Targets.expand(hosts, null, Targets.sshConfig(ssh, cli), cli));
        PrintWriter err = spec.commandLine().getErr();
        CompletableFuture<Integer> stop = new CompletableFuture<>();
        Thread caller = Thread.currentThread();
        try (Ssh client = ssh.newSsh(ssh.prompter(cli), EventListener.NONE, 64);
                AutoCloseable sigint = Interrupts.onInterrupt(cli.ownsProcess(), () -> {
                    stop.complete(ExitCodes.INTERRUPTED);
                    caller.interrupt();
                })) {
            ClusterLock lock;
            try {
                lock = ClusterLock.acquire(client, targets, options);
            } catch (ClusterLockException e) {
                Thread.interrupted();
                return stop.isDone() ? ExitCodes.INTERRUPTED : refused(e, err);
            }
            try (lock) {
                String where = Folding.fold(lock.hosts()) + " (" + plural(lock.hosts().size(), "host") + ")";
                lock.lost().thenAccept(loss -> stop.complete(ExitCodes.LOCK_LOST));
                if (hold) {
                    say(err, "holding the cluster lock " + lock.path() + " on " + where + "; Ctrl-C releases it");
                    int code = await(stop);
                    return finish(code, lock, err);
                }
                say(err, "cluster lock " + lock.path() + " held on " + where + "; running " + String.join(" ",
                        command));
                return finish(runLocal(lock, stop, cli), lock, err);
            }
        } catch (SyncException e) {
            throw new UsageException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            Thread.interrupted();
        }
    }

    private int finish(int code, ClusterLock lock, PrintWriter err) {
        if (code == ExitCodes.LOCK_LOST) {
            say(err, lock.loss().map(LockLoss::toString).orElse("cluster lock lost") + "; releasing it everywhere");
        } else if (code == ExitCodes.INTERRUPTED) {
            say(err, "interrupted: releasing the cluster lock " + lock.path());
        }
        return code;
    }

    /** Waits for the lock to be lost or the user to interrupt; an interrupt of this thread counts as the latter. */
    private static int await(CompletableFuture<Integer> stop) {
        try {
            return stop.get();
        } catch (InterruptedException e) {
            return stop.getNow(ExitCodes.INTERRUPTED);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Runs COMMAND; stops it (its whole process tree) when the lock is lost or the user interrupts. */
    private int runLocal(ClusterLock lock, CompletableFuture<Integer> stop, CliEnv cli) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DROVER_LOCK_FILE", lock.path());
        pb.environment().put("DROVER_LOCK_HOSTS", String.join(",", lock.hosts()));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (cli.ownsProcess()) {
            pb.inheritIO();
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UsageException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        List<Thread> pumps = new ArrayList<>();
        if (!cli.ownsProcess()) {
            p.getOutputStream().close();
            pumps.add(pump(p.getInputStream(), out));
            pumps.add(pump(p.getErrorStream(), err));
        }
        p.onExit().thenAccept(done -> stop.complete(-1));
        int code = await(stop);
        if (code != -1 && p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        for (Thread t : pumps) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                break;
            }
        }
        out.flush();
        if (code != -1) {
            return code;
        }
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            return ExitCodes.INTERRUPTED;
        }
    }

    private static Thread pump(InputStream in, PrintWriter to) {
        return Thread.ofVirtual().start(() -> {
            try (in) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (to) {
                        to.write(new String(buf, 0, n, UTF_8));
                        to.flush();
                    }
                }
            } catch (IOException ignored) {
                // the command ended
            }
        });
    }

    private static void say(PrintWriter err, String message) {
        err.println("drover: " + message);
        err.flush();
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    // ---------------------------------------------------------------- shared with sync, upload and run

    /**
     * {@code --lock}, {@code --no-lock}, {@code --lock-file} and {@code --lock-timeout} for commands that can hold
     * the cluster lock while they work ({@code sync} by default; {@code upload} and {@code run} when asked).
     */
    static final class Options {
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

    /**
     * Prints why the lock was not taken ({@code drover: cluster lock PATH is held on web3 by alice@ctl pid 42
     * since ...: drover sync ...}) and returns the exit code: 3 when a host was unreachable, else 1.
     */
    static int refused(ClusterLockException e, PrintWriter err) {
        say(err, e.getMessage());
        return e.unreachable() ? ExitCodes.UNREACHABLE : ExitCodes.FAILED;
    }

    /** What a holder writes into the lock files: {@code drover} and the arguments as given. */
    static String holderCommand(CommandLine.Model.CommandSpec spec) {
        List<String> args = spec.commandLine().getParseResult() == null ? List.of()
                : spec.root().commandLine().getParseResult().originalArgs();
        return ("drover " + String.join(" ", args)).strip();
    }

    /** Host names (as output and results show them) to the destinations to connect to, in order. */
    static Map<String, String> destinations(List<Targets.Chosen> chosen) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Targets.Chosen c : chosen) {
            out.put(c.name(), c.target().destination());
        }
        return out;
    }
}
