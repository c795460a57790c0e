package io.drover.core;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.ssh.SshConnection;
import io.drover.ssh.SshException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One run of a task on every host of a group. A dispatcher thread starts hosts in order within the group's
 * in-flight bound; each host's task runs on the group's executor; results are recorded once per host, the error
 * policy consulted under the run's lock before the next host may start.
 */
final class RunExecution<T> {
    private final Group group;
    private final String name;
    private final Task<T> task;
    private final RunOptions options;
    private final List<HostEntry> hosts;
    private final HostResult<T>[] results;
    private final CountDownLatch done;
    private final Object lock = new Object();
    private final Set<HostRun> running = new HashSet<>();
    private List<HostRun> stopping = List.of(); // guarded by lock: the hosts cancel stopped
    private int finished;
    private int failures;
    private String stopReason;
    private String cancelReason;
    private volatile Thread dispatcher;
    private final Semaphore runPermits; // the run's own bound, or null

    @SuppressWarnings("unchecked")
    RunExecution(Group group, String name, Task<T> task, RunOptions options) {
        this.group = group;
        this.name = name;
        this.task = task;
        this.options = options;
        this.hosts = group.entries();
        this.results = (HostResult<T>[]) new HostResult<?>[hosts.size()];
        this.done = new CountDownLatch(hosts.size());
        this.runPermits = options.maxInFlight().isPresent() ? new Semaphore(options.maxInFlight().getAsInt()) : null;
    }

    RunReport<T> execute() {
        Instant started = group.events().now();
        boolean interrupted = Thread.interrupted();
        if (interrupted) {
            cancel("interrupted");
        }
        Runnable unregister = options.cancellation().map(c -> c.onCancel(this::cancel)).orElse(() -> {});
        ScheduledFuture<?> deadline = options.runTimeout()
                .map(t -> group.schedule(t, () -> cancel("run timeout of " + human(t) + " passed")))
                .orElse(null);
        Thread d = Thread.ofVirtual().name("drover-run-" + name).unstarted(this::dispatch);
        dispatcher = d;
        d.start();
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                cancel("interrupted");
            }
        }
        unregister.run();
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Instant end = group.events().now();
        return new RunReport<>(name, started, Duration.between(started, end), Arrays.asList(results));
    }

    /**
     * Waits, at most {@code bound} in all, until the stops that {@link #cancel} began have killed their hosts'
     * commands (or given up on hosts that do not answer): before the connections close under them, or the kills
     * never reach the hosts.
     */
    void awaitStops(Duration bound) {
        List<HostRun> toWait;
        synchronized (lock) {
            toWait = stopping;
        }
        long deadline = System.nanoTime() + bound.toNanos();
        for (HostRun r : toWait) {
            if (!r.awaitStopped(deadline)) {
                return;
            }
        }
    }

    /** Cancels the run: running tasks are stopped, hosts not started are skipped. First reason wins. */
    void cancel(String reason) {
        List<HostRun> toStop;
        synchronized (lock) {
            if (cancelReason != null) {
                return;
            }
            cancelReason = reason;
            toStop = new ArrayList<>(running);
        }
        for (HostRun r : toStop) {
            r.abort(false, reason);
        }
        synchronized (lock) {
            stopping = toStop;
        }
        Thread d = dispatcher;
        if (d != null) {
            d.interrupt();
        }
    }

    private void dispatch() {
        for (int i = 0; i < hosts.size(); i++) {
            HostEntry h = hosts.get(i);
            String unreachable = group.dialError(h.name());
            if (unreachable != null) {
                record(i, new HostResult.Unreachable<>(h.name(), unreachable, Duration.ZERO), false);
                continue;
            }
            String skip = skipReason();
            if (skip == null) {
                try {
                    acquire();
                } catch (InterruptedException e) {
                    String reason = skipReason();
                    if (reason == null) {
                        cancel("interrupted");
                    }
                    record(i, new HostResult.Skipped<>(h.name(), skipReasonOr("run cancelled: interrupted")), false);
                    continue;
                }
                HostRun hr = new HostRun(i, h);
                synchronized (lock) {
                    skip = skipReasonLocked();
                    if (skip == null) {
                        running.add(hr);
                    }
                }
                if (skip == null) {
                    try {
                        group.executor().execute(hr);
                    } catch (RejectedExecutionException e) {
                        hr.finish(new HostResult.Failed<>(h.name(), OptionalInt.empty(), Optional.empty(),
                                "the executor refused the task: " + e.getMessage(), "", Duration.ZERO));
                    }
                    continue;
                }
                release();
            }
            record(i, new HostResult.Skipped<>(h.name(), skip), false);
        }
        Thread.interrupted(); // a late cancel's interrupt must not outlive the dispatcher
    }

    /** Takes a place within the run's bound, then within the group's. */
    private void acquire() throws InterruptedException {
        if (runPermits != null) {
            runPermits.acquire();
        }
        try {
            group.inFlight().acquire();
        } catch (InterruptedException e) {
            if (runPermits != null) {
                runPermits.release();
            }
            throw e;
        }
    }

    private void release() {
        group.inFlight().release();
        if (runPermits != null) {
            runPermits.release();
        }
    }

    private String skipReason() {
        synchronized (lock) {
            return skipReasonLocked();
        }
    }

    private String skipReasonOr(String fallback) {
        String r = skipReason();
        return r == null ? fallback : r;
    }

    private String skipReasonLocked() {
        if (cancelReason != null) {
            return "run cancelled: " + cancelReason;
        }
        return stopReason;
    }

    private void record(int index, HostResult<T> result, boolean heldPermit) {
        synchronized (lock) {
            results[index] = result;
            finished++;
            if (isFailure(result)) {
                failures++;
                if (stopReason == null && cancelReason == null) {
                    stopReason = decide(result);
                }
            }
        }
        if (heldPermit) {
            release();
        }
        done.countDown();
    }

    private static boolean isFailure(HostResult<?> r) {
        return switch (r) {
            case HostResult.Failed<?> f -> true;
            case HostResult.TimedOut<?> t -> true;
            case HostResult.Unreachable<?> u -> true;
            case HostResult.Ok<?> o -> false;
            case HostResult.Cancelled<?> c -> false;
            case HostResult.Skipped<?> s -> false;
        };
    }

    /** Under the lock: the reason to start no more hosts after this failure, or null to go on. */
    private String decide(HostResult<T> failure) {
        String after = " (after " + failure.host() + " failed)";
        return switch (options.errorPolicy()) {
            case ErrorPolicy.Collect c -> null;
            case ErrorPolicy.FailFast f -> "not started: fail-fast" + after;
            case ErrorPolicy.StopAfter s -> failures >= s.failures()
                    ? "not started: " + failures + " hosts failed, the limit is " + s.failures() + after
                    : null;
            case ErrorPolicy.StopAfterPercent p -> failures * 100.0 >= p.percent() * hosts.size()
                    ? "not started: " + failures + " of " + hosts.size() + " hosts failed, the limit is "
                            + p.percent() + "%" + after
                    : null;
            case ErrorPolicy.Custom c -> {
                try {
                    ErrorPolicy.Decision d = c.handler().onFailure(failure,
                            new ErrorPolicy.Progress(hosts.size(), finished, failures));
                    yield d == ErrorPolicy.Decision.STOP ? "not started: the failure handler stopped the run" + after : null;
                } catch (RuntimeException e) {
                    yield "not started: the failure handler threw " + e + after;
                }
            }
        };
    }

    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /** One host's task: started by the dispatcher, run on the group's executor. */
    private final class HostRun implements Runnable {
        private final int index;
        private final HostEntry host;
        private final AtomicReference<Abort> abort = new AtomicReference<>();
        private final Object state = new Object();
        private boolean recorded; // guarded by state
        private Instant startedAt; // guarded by state; set when TaskStarted is emitted
        private Thread thread; // guarded by this
        private volatile HostSession session;
        private volatile Thread stopper;

        HostRun(int index, HostEntry host) {
            this.index = index;
            this.host = host;
        }

        @Override
        public void run() {
            synchronized (this) {
                thread = Thread.currentThread();
            }
            try {
                body();
            } finally {
                synchronized (this) {
                    thread = null;
                    Thread.interrupted(); // an abort's interrupt must not leak into the executor's next task
                }
            }
        }

        private void body() {
            if (abort.get() != null) {
                finishAborted();
                return;
            }
            SshConnection connection;
            try {
                connection = group.connection(host);
            } catch (Group.UnreachableHost e) {
                finish(new HostResult.Unreachable<>(host.name(), e.getMessage(), Duration.ZERO));
                return;
            } catch (RuntimeException e) {
                finish(new HostResult.Unreachable<>(host.name(), String.valueOf(e.getMessage()), Duration.ZERO));
                return;
            }
            Events events = group.events();
            HostSession s = new HostSession(host.name(), host.vars(), connection, events, group.residentShell());
            Instant t0;
            synchronized (state) {
                if (recorded) {
                    return; // reported already (stopped while waiting for its thread): never start it
                }
                t0 = events.now();
                session = s;
                startedAt = t0;
                events.emit(new DroverEvent.TaskStarted(t0, host.name(), name));
            }
            Abort early = abort.get();
            if (early != null) {
                s.abort(early.reason());
            }
            ScheduledFuture<?> timeout = options.taskTimeout()
                    .map(t -> group.schedule(t, () -> abort(true, "task timeout of " + human(t) + " passed")))
                    .orElse(null);
            T value = null;
            Throwable error = null;
            try {
                value = task.run(s);
            } catch (Throwable e) {
                error = e;
            } finally {
                if (timeout != null) {
                    timeout.cancel(false);
                }
                s.close();
            }
            Duration took = Duration.between(t0, events.now());
            if (abort.get() != null) {
                finishAborted();
            } else if (error == null) {
                finish(new HostResult.Ok<>(host.name(), value, took));
            } else {
                finish(failed(host.name(), error, took));
            }
        }

        /** Stops this host's task: marks why, kills its commands, interrupts its thread. First call wins. */
        void abort(boolean timeout, String reason) {
            if (!abort.compareAndSet(null, new Abort(timeout, reason))) {
                return;
            }
            // the stop itself on a thread of its own: killing the commands of a host that stopped answering waits
            // for it (bounded), and must hold up neither the caller nor the stopping of other hosts
            stopper = Thread.ofVirtual().name("drover-stop-" + host.name()).start(() -> {
                HostSession s = session;
                if (s != null) {
                    s.abort(reason);
                }
                synchronized (this) {
                    if (thread != null) {
                        thread.interrupt();
                    }
                }
            });
            // a task that ignores the interrupt is reported without it after a grace period
            group.schedule(Group.ABORT_GRACE, this::finishAborted);
        }

        /** Waits until this host's stop has done its work, or {@code deadline} ({@link System#nanoTime}) passes. */
        boolean awaitStopped(long deadline) {
            Thread t = stopper;
            if (t == null) {
                return true;
            }
            try {
                long left = deadline - System.nanoTime();
                return left > 0 && t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Under {@code state}: the result of a stopped task. */
        private HostResult<T> abortResult() {
            Abort a = abort.get();
            Instant t0 = startedAt;
            if (t0 == null) {
                return new HostResult.Skipped<>(host.name(), "run cancelled: " + a.reason());
            }
            Duration took = Duration.between(t0, group.events().now());
            if (a.timeout()) {
                return new HostResult.TimedOut<>(host.name(), options.taskTimeout().orElseThrow(), took);
            }
            return new HostResult.Cancelled<>(host.name(), a.reason(), took);
        }

        void finish(HostResult<T> result) {
            finishWith(() -> result);
        }

        void finishAborted() {
            finishWith(this::abortResult);
        }

        /** Records this host's result once; emits TaskEnded when TaskStarted was emitted (always after it). */
        private void finishWith(Supplier<HostResult<T>> outcome) {
            HostResult<T> result;
            boolean started;
            synchronized (state) {
                if (recorded) {
                    return;
                }
                recorded = true;
                result = outcome.get();
                started = startedAt != null;
            }
            synchronized (lock) {
                running.remove(this);
            }
            if (started) {
                group.events().emit(new DroverEvent.TaskEnded(group.events().now(), host.name(), name, result));
            }
            record(index, result, true);
        }
    }

    private record Abort(boolean timeout, String reason) {}

    static <T> HostResult<T> failed(String host, Throwable e, Duration took) {
        if (e instanceof CommandFailedException c) {
            return new HostResult.Failed<>(host, c.status().code(), c.status().signal(), c.getMessage(), c.stderrTail(),
                    took);
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getName();
        } else if (!(e instanceof DroverException || e instanceof SshException || e instanceof CancellationException)) {
            message = e.getClass().getSimpleName() + ": " + message;
        }
        int nl = message.indexOf('\n');
        if (nl >= 0) {
            message = message.substring(0, nl);
        }
        return new HostResult.Failed<>(host, OptionalInt.empty(), Optional.empty(), message, "", took);
    }
}
