package io.drover.cli;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.core.Cancellation;
import io.drover.core.DroverException;
import io.drover.core.ErrorPolicy;
import io.drover.core.Group;
import io.drover.core.RunOptions;
import io.drover.core.Task;
import io.drover.ssh.Prompter;
import io.drover.ssh.Ssh;
import io.drover.sync.ClusterLock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connects to the hosts and runs one task on all of them for a command ({@code run}, {@code download}), with
 * Ctrl-C cancelling the run: the remote commands are stopped and every host still gets a result.
 */
final class FleetRunner {
    private FleetRunner() {}

    /**
     * @param hosts the hosts, in order
     * @param parallel at most this many hosts connect and run at once
     * @param timeout per-host limit, empty for none
     */
    record Settings(List<Targets.Chosen> hosts, int parallel, Optional<Duration> timeout, ErrorPolicy policy) {}

    /**
     * What happened: every host's result, whether the user interrupted the run, and its wall time from before
     * connecting to the end.
     */
    record Outcome(RunReport<?> report, boolean interrupted, Instant started, Duration wall) {}

    /**
     * The {@link Ssh} for a run of {@code parallel} hosts: at most 64 dials at once; of the SSH layer's events only
     * retries and warnings reach the output (dials are shown as the group reports them, by host name).
     */
    static Ssh newSsh(SshOptions options, Prompter prompter, RunOutput out, int parallel) {
        EventListener sshEvents = e -> {
            if (e instanceof DroverEvent.Retry || e instanceof DroverEvent.Warning) {
                out.listener().on(e);
            }
        };
        return options.newSsh(prompter, sshEvents, Math.min(parallel, 64));
    }

    static <T> Outcome execute(CliEnv env, RunOutput out, Ssh ssh, Settings s, String name, Task<T> task) {
        return execute(env, out, ssh, s, name, task, Optional.empty());
    }

    /**
     * As {@link #execute(CliEnv, RunOutput, Ssh, Settings, String, Task)}, under a cluster lock already held
     * through the same {@code ssh}: when the lock is lost, the run is cancelled (remote commands killed, hosts not
     * started skipped). The lock is released when the run ends, before the hosts are disconnected, since its
     * holders use the run's connections; the caller still closes it on every other path ({@code close} is
     * idempotent).
     *
     * @param ssh connects to the hosts; a connection it already holds (the lock's) is used, not dialed again. Left
     *     open.
     */
    static <T> Outcome execute(CliEnv env, RunOutput out, Ssh ssh, Settings s, String name, Task<T> task,
            Optional<ClusterLock> lock) {
        Instant started = Instant.now();
        Cancellation cancel = Cancellation.create();
        lock.ifPresent(l -> l.lost().thenAccept(loss -> {
            out.phase("the cluster lock was lost: stopping remote commands");
            cancel.cancel("the cluster lock was lost: " + loss);
        }));
        Thread runner = Thread.currentThread();
        AtomicBoolean interrupted = new AtomicBoolean();
        RunReport<?> report;
        try (AutoCloseable sigint = Interrupts.onInterrupt(env.ownsProcess(), () -> {
            interrupted.set(true);
            out.phase("interrupted: stopping remote commands (Ctrl-C again to quit at once)");
            cancel.cancel("interrupted");
            runner.interrupt();
        })) {
            RunOptions options = RunOptions.defaults().withErrorPolicy(s.policy()).withCancellation(cancel);
            if (s.timeout().isPresent()) {
                options = options.withTaskTimeout(s.timeout().get());
            }
            Group.Builder gb = Group.builder(ssh).dialConcurrency(Math.min(s.parallel(), 64))
                    .maxInFlight(s.parallel()).listener(out.listener());
            for (Targets.Chosen c : s.hosts()) {
                if (c.inventory().isPresent()) {
                    gb.host(c.inventory().get());
                } else {
                    gb.host(c.target());
                }
            }
            try (Group group = gb.connect()) {
                try {
                    report = group.run(name, task, options);
                } finally {
                    // closing the group closes the connections the lock's holders use: release the lock first, with
                    // an interrupt from Ctrl-C cleared so that the release waits for the holders to end
                    if (lock.isPresent()) {
                        boolean wasInterrupted = Thread.interrupted();
                        lock.get().close();
                        if (wasInterrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            } catch (DroverException e) {
                if (!interrupted.get()) {
                    throw e;
                }
                report = allCancelled(Targets.names(s.hosts()), started, "interrupted while connecting");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            // clear an interrupt from Ctrl-C so that writing the record and summary is not cut short
            Thread.interrupted();
        }
        return new Outcome(report, interrupted.get(), started, Duration.between(started, Instant.now()));
    }

    private static RunReport<Void> allCancelled(List<String> hosts, Instant started, String reason) {
        List<HostResult<Void>> results = new ArrayList<>();
        for (String h : hosts) {
            results.add(new HostResult.Cancelled<>(h, reason, Duration.ZERO));
        }
        return new RunReport<>("run", started, Duration.between(started, Instant.now()), results);
    }
}
