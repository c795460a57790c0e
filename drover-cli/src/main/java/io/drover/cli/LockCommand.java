package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.api.EventListener;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
final class LockCommand extends FleetCommand {
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
        LockOptions options = ClusterLockOptions.lockOptions(lockFile, lockTimeout, sudo, holderCommand(),
                EventListener.NONE);
        Map<String, String> targets = Targets.destinations(Targets.expand(hosts, null, Targets.sshConfig(ssh, cli),
                cli));
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
                return stop.isDone() ? ExitCodes.INTERRUPTED : ClusterLockOptions.refused(e, err);
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
}
