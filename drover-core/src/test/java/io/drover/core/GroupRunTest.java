package io.drover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.api.Stream;
import io.drover.testkit.SshFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Runs on 20 real OpenSSH hosts: bounds, timeouts, cancellation, error policies, results, events. */
class GroupRunTest {

    private static Group.Builder group(List<String> hosts) {
        return Group.builder(Fleets.sharedSsh()).hosts(hosts);
    }

    private static Group.Builder group20() {
        return group(Fleets.shared().names());
    }

    @Test
    void neverMoreThanMaxInFlightTasksRunAtOnce() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        try (Group g = group20().maxInFlight(5).connect()) {
            RunReport<Void> report = g.run("bounded", host -> {
                max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    host.shell("sleep 0.3");
                } finally {
                    inFlight.decrementAndGet();
                }
                return null;
            });
            assertThat(report.allOk()).as(report.problems().toString()).isTrue();
            assertThat(report.results()).hasSize(20);
        }
        assertThat(max.get()).isEqualTo(5);
    }

    @Test
    void aTaskPastItsTimeoutIsTimedOutAndItsRemoteProcessTreeIsGone() {
        SshFleet fleet = Fleets.shared();
        List<String> hosts = Fleets.first(3);
        RecordingListener events = new RecordingListener();
        try (Group g = group(hosts).listener(events).connect()) {
            RunReport<Void> report = g.run("slow", host -> {
                host.shell("sh -c 'sleep 301.25; true'; echo never");
                return null;
            }, RunOptions.defaults().withTaskTimeout(Duration.ofMillis(700)));
            assertThat(report.results()).allSatisfy(r -> {
                assertThat(r).isInstanceOf(HostResult.TimedOut.class);
                assertThat(((HostResult.TimedOut<?>) r).timeout()).isEqualTo(Duration.ofMillis(700));
            });
        }
        assertThat(Fleets.eventually(Duration.ofSeconds(10), () -> Fleets.hostsRunning(fleet, hosts, "sleep 301.25").isEmpty()))
                .as("no sleep left on any host").isTrue();
        assertThat(events.of(DroverEvent.TaskStarted.class)).hasSize(3);
        assertThat(events.of(DroverEvent.TaskEnded.class)).hasSize(3)
                .allSatisfy(e -> assertThat(e.result()).isInstanceOf(HostResult.TimedOut.class));
    }

    @Test
    void cancellingARunKillsRunningCommandsOnEveryHostAndSkipsHostsNotStarted() throws Exception {
        SshFleet fleet = Fleets.shared();
        Cancellation cancel = Cancellation.create();
        CountDownLatch started = new CountDownLatch(10);
        AtomicReference<RunReport<Void>> report = new AtomicReference<>();
        try (Group g = group20().maxInFlight(10).connect()) {
            Thread runner = Thread.ofVirtual().start(() -> report.set(g.run("cancel me", host -> {
                host.run(Shell.builder("echo started; exec sh -c 'sleep 302.5; true'")
                        .lines((stream, line) -> started.countDown()).build());
                return null;
            }, RunOptions.defaults().withCancellation(cancel))));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Fleets.hostsRunning(fleet, fleet.names().subList(0, 10), "sleep 302.5")).hasSize(10);
            cancel.cancel("operator pressed Ctrl-C");
            runner.join(Duration.ofSeconds(30));
            assertThat(runner.isAlive()).isFalse();
        }
        List<HostResult<Void>> results = report.get().results();
        assertThat(results.subList(0, 10)).allSatisfy(r -> {
            assertThat(r).isInstanceOf(HostResult.Cancelled.class);
            assertThat(((HostResult.Cancelled<?>) r).reason()).isEqualTo("operator pressed Ctrl-C");
        });
        assertThat(results.subList(10, 20)).allSatisfy(r -> {
            assertThat(r).isInstanceOf(HostResult.Skipped.class);
            assertThat(((HostResult.Skipped<?>) r).reason()).isEqualTo("run cancelled: operator pressed Ctrl-C");
        });
        assertThat(Fleets.eventually(Duration.ofSeconds(10),
                () -> Fleets.hostsRunning(fleet, fleet.names(), "sleep 302.5").isEmpty()))
                .as("no sleep left on any host").isTrue();
    }

    @Test
    void interruptingTheCallerCancelsTheRunAndKeepsTheInterruptStatus() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        AtomicReference<RunReport<Void>> report = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        try (Group g = group(Fleets.first(2)).connect()) {
            Thread caller = Thread.ofPlatform().start(() -> {
                report.set(g.run("interrupt me", host -> {
                    host.run(Shell.builder("echo go; sleep 303").lines((s, l) -> started.countDown()).build());
                    return null;
                }));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            caller.join(Duration.ofSeconds(30));
        }
        assertThat(stillInterrupted.get()).isTrue();
        assertThat(report.get().results()).allSatisfy(r -> assertThat(r).isEqualTo(
                new HostResult.Cancelled<Void>(r.host(), "interrupted", r.duration())));
    }

    @Test
    void aRunTimeoutCancelsRunningHostsAndSkipsTheRest() {
        try (Group g = group20().maxInFlight(5).connect()) {
            RunReport<Void> report = g.run("too long", host -> {
                host.shell("sleep 304");
                return null;
            }, RunOptions.defaults().withRunTimeout(Duration.ofSeconds(1)));
            assertThat(report.counts()).containsExactly(Map.entry("Cancelled", 5L), Map.entry("Skipped", 15L));
            assertThat(report.results().getFirst())
                    .isEqualTo(new HostResult.Cancelled<Void>("w1", "run timeout of 1s passed", report.results().getFirst().duration()));
        }
    }

    @Test
    void stopAfterTwoFailuresSkipsEveryHostNotStartedYet() {
        try (Group g = group20().maxInFlight(1).connect()) {
            RunReport<Void> report = g.run("fails on w2 and w4", host -> {
                host.shell(Set.of("w2", "w4").contains(host.name()) ? "echo broken >&2; exit 3" : "true");
                return null;
            }, RunOptions.defaults().withErrorPolicy(ErrorPolicy.stopAfter(2)));
            List<HostResult<Void>> r = report.results();
            assertThat(r.get(0)).isInstanceOf(HostResult.Ok.class);
            assertThat(r.get(1)).isInstanceOfSatisfying(HostResult.Failed.class, f -> {
                assertThat(f.exitCode()).hasValue(3);
                assertThat(f.stderrTail()).isEqualTo("broken");
                assertThat(f.message()).isEqualTo("`echo broken >&2; exit 3` failed on w2: exit 3");
            });
            assertThat(r.get(2)).isInstanceOf(HostResult.Ok.class);
            assertThat(r.get(3)).isInstanceOf(HostResult.Failed.class);
            assertThat(r.subList(4, 20)).allSatisfy(s -> assertThat(s).isInstanceOfSatisfying(HostResult.Skipped.class,
                    sk -> assertThat(sk.reason()).isEqualTo("not started: 2 hosts failed, the limit is 2 (after w4 failed)")));
        }
    }

    @Test
    void failFastStartsNothingAfterTheFirstFailure() {
        try (Group g = group20().maxInFlight(1).connect()) {
            RunReport<Void> report = g.run("fail fast", host -> {
                host.shell(host.name().equals("w3") ? "exit 1" : "true");
                return null;
            }, RunOptions.defaults().withErrorPolicy(ErrorPolicy.failFast()));
            assertThat(report.counts()).containsExactly(Map.entry("Failed", 1L), Map.entry("Ok", 2L), Map.entry("Skipped", 17L));
        }
    }

    @Test
    void stopAfterPercentCountsFailuresAgainstTheWholeRun() {
        try (Group g = group20().maxInFlight(2).connect()) {
            RunReport<Void> report = g.run("10 percent", host -> {
                int n = Integer.parseInt(host.name().substring(1));
                host.shell(n % 2 == 1 ? "exit 1" : "true"); // odd hosts fail
                return null;
            }, RunOptions.defaults().withErrorPolicy(ErrorPolicy.stopAfterPercent(10)));
            // 2 of 20 is 10%: after the second failure nothing more starts; with 2 in flight at most 4 ran
            long failed = report.results().stream().filter(r -> r instanceof HostResult.Failed).count();
            long started = report.results().stream().filter(r -> !(r instanceof HostResult.Skipped)).count();
            assertThat(failed).isBetween(2L, 3L);
            assertThat(started).isLessThanOrEqualTo(5);
            assertThat(report.results().getLast()).isInstanceOf(HostResult.Skipped.class);
        }
    }

    @Test
    void aCustomFailureHandlerDecidesWhetherTheRunGoesOn() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ErrorPolicy stopOnW5 = ErrorPolicy.custom((failure, progress) -> {
            seen.add(failure.host() + "@" + progress.failures() + "/" + progress.hosts());
            return failure.host().equals("w5") ? ErrorPolicy.Decision.STOP : ErrorPolicy.Decision.CONTINUE;
        });
        try (Group g = group20().maxInFlight(1).connect()) {
            RunReport<Void> report = g.run("custom", host -> {
                host.shell(Set.of("w2", "w5", "w9").contains(host.name()) ? "exit 1" : "true");
                return null;
            }, RunOptions.defaults().withErrorPolicy(stopOnW5));
            assertThat(seen).containsExactly("w2@1/20", "w5@2/20");
            assertThat(report.counts()).containsExactly(Map.entry("Failed", 2L), Map.entry("Ok", 3L), Map.entry("Skipped", 15L));
        }
    }

    @Test
    void collectReturnsAValuePerHostInHostOrder() {
        try (Group g = group20().connect()) {
            Map<String, String> names = g.collect("hostname", host -> host.output("hostname").strip());
            assertThat(names.keySet()).containsExactlyElementsOf(Fleets.shared().names());
            names.forEach((host, hostname) -> assertThat(hostname).isEqualTo(host));
        }
    }

    @Test
    void collectThrowsWithEveryHostsResultWhenOneFails() {
        try (Group g = group(Fleets.first(3)).connect()) {
            assertThatThrownBy(() -> g.collect("answer", host -> {
                if (host.name().equals("w2")) {
                    throw new IllegalStateException("no answer here");
                }
                return 42;
            })).isInstanceOfSatisfying(RunFailedException.class, e -> {
                assertThat(e.getMessage()).isEqualTo(
                        "task 'answer' did not succeed on 1 of 3 hosts: w2: IllegalStateException: no answer here");
                assertThat(e.report().values()).isEqualTo(Map.of("w1", 42, "w3", 42));
            });
        }
    }

    @Test
    void aFailedCommandReportsItsExitCodeAndTheLastTwentyLinesOfStderr() {
        try (Group g = group(Fleets.first(1)).connect()) {
            RunReport<Void> report = g.run("noisy", host -> {
                host.shell("for i in $(seq 1 50); do echo err$i >&2; done; exit 7");
                return null;
            });
            HostResult.Failed<Void> f = (HostResult.Failed<Void>) report.results().getFirst();
            assertThat(f.exitCode()).hasValue(7);
            assertThat(f.signal()).isEmpty();
            assertThat(f.stderrTail().lines().toList()).hasSize(20).startsWith("err31").endsWith("err50");
        }
    }

    @Test
    void aCommandKilledByASignalReportsTheSignal() {
        try (Group g = group(Fleets.first(1)).connect()) {
            HostResult<?> r = g.run("signal", host -> {
                host.shell("kill -TERM $$");
                return null;
            }).results().getFirst();
            assertThat(r).isInstanceOf(HostResult.Failed.class);
            HostResult.Failed<?> f = (HostResult.Failed<?>) r;
            assertThat(f.signal()).contains("TERM");
            assertThat(f.exitCode()).isEmpty();
        }
    }

    @Test
    void eventsArePairedAndStampedWithTheGroupsClock() {
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        FakeClock clock = new FakeClock(t0);
        RecordingListener events = new RecordingListener();
        try (Group g = group(Fleets.first(2)).clock(clock).listener(events).maxInFlight(1).connect()) {
            RunReport<String> report = g.run("timed", host -> {
                host.shell("echo hello");
                clock.advance(Duration.ofSeconds(5)); // the task "takes" five seconds of the group's time
                return host.name();
            });
            assertThat(report.started()).isEqualTo(t0);
            assertThat(report.duration()).isEqualTo(Duration.ofSeconds(10));
            assertThat(report.results()).allSatisfy(r -> assertThat(r.duration()).isEqualTo(Duration.ofSeconds(5)));
        }
        assertThat(events.of(DroverEvent.DialStarted.class)).extracting(DroverEvent::host).containsExactlyInAnyOrder("w1", "w2");
        assertThat(events.of(DroverEvent.DialEnded.class)).allSatisfy(e -> {
            assertThat(e.error()).isEmpty();
            assertThat(e.took()).isZero();
            assertThat(e.at()).isEqualTo(t0);
        });
        List<DroverEvent> w1 = events.events.stream().filter(e -> e.host().equals("w1")
                && !(e instanceof DroverEvent.DialStarted) && !(e instanceof DroverEvent.DialEnded)).toList();
        assertThat(w1).hasSize(3);
        assertThat(w1.get(0)).isEqualTo(new DroverEvent.TaskStarted(t0, "w1", "timed"));
        assertThat(w1.get(1)).isEqualTo(new DroverEvent.OutputLine(t0, "w1", Stream.STDOUT, "hello"));
        assertThat(w1.get(2)).isInstanceOfSatisfying(DroverEvent.TaskEnded.class, e -> {
            assertThat(e.at()).isEqualTo(t0.plusSeconds(5));
            assertThat(e.result()).isEqualTo(new HostResult.Ok<>("w1", "w1", Duration.ofSeconds(5)));
        });
    }

    @Test
    void aListenerThatThrowsDoesNotDisturbTheRun() {
        try (Group g = group(Fleets.first(2)).listener(e -> {
            throw new IllegalStateException("bad listener");
        }).connect()) {
            RunReport<String> report = g.run("ok anyway", host -> host.output("echo hi").strip());
            assertThat(report.values()).containsExactly(Map.entry("w1", "hi"), Map.entry("w2", "hi"));
        }
    }

    @Test
    void hostVariablesAndTheRemoteEnvironmentReachTheTask() {
        try (Group g = Group.builder(Fleets.sharedSsh()).host("w1", Map.of("role", "db", "shard", 3L)).connect()) {
            RunReport<String> report = g.run("vars", host -> host.var("role").orElseThrow() + ":"
                    + host.var("shard", Long.class).orElseThrow() + ":" + host.expand("$HOME/${USER}/$NOPE.x") + ":"
                    + host.home());
            assertThat(report.values()).containsExactly(Map.entry("w1", "db:3:/root/root/.x:/root"));
        }
    }

    @Test
    void aTaskThatThrowsFailsOnlyItsHost() {
        try (Group g = group(Fleets.first(3)).connect()) {
            RunReport<Integer> report = g.run("throws on w2", host -> {
                if (host.name().equals("w2")) {
                    throw new java.io.IOException("disk on fire");
                }
                return 1;
            });
            assertThat(report.results().get(1)).isEqualTo(new HostResult.Failed<Integer>("w2",
                    java.util.OptionalInt.empty(), java.util.Optional.empty(), "IOException: disk on fire", "",
                    report.results().get(1).duration()));
            assertThat(report.values()).containsOnlyKeys("w1", "w3");
        }
    }

    @Test
    void theSameGroupRunsSeveralTasksConcurrentlyWithinOneBound() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Set<String> names = ConcurrentHashMap.newKeySet();
        try (Group g = group20().maxInFlight(4).connect()) {
            Task<Void> task = host -> {
                max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    host.shell("sleep 0.1");
                    names.add(host.name());
                } finally {
                    inFlight.decrementAndGet();
                }
                return null;
            };
            Thread other = Thread.ofVirtual().start(() -> g.run("a", task));
            RunReport<Void> b = g.run("b", task);
            other.join();
            assertThat(b.allOk()).isTrue();
        }
        assertThat(max.get()).isLessThanOrEqualTo(4);
        assertThat(names).hasSize(20);
    }

    @Test
    void dialsStayWithinTheDialConcurrency() {
        AtomicInteger dialing = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        try (Group g = group20().dialConcurrency(3).listener(e -> {
            if (e instanceof DroverEvent.DialStarted) {
                max.accumulateAndGet(dialing.incrementAndGet(), Math::max);
            } else if (e instanceof DroverEvent.DialEnded) {
                dialing.decrementAndGet();
            }
        }).connect()) {
            assertThat(g.unreachable()).isEmpty();
        }
        assertThat(max.get()).isBetween(1, 3);
    }

    @Test
    void tasksRunOnTheCallersExecutorAndTimeoutsStillStopThem() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3,
                Thread.ofPlatform().name("caller-pool-", 0).factory());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (Group g = group(Fleets.first(6)).executor(pool).connect()) {
            RunReport<Void> report = g.run("on the pool", host -> {
                threads.add(Thread.currentThread().getName());
                host.shell(host.name().equals("w2") ? "sleep 305" : "true");
                return null;
            }, RunOptions.defaults().withTaskTimeout(Duration.ofSeconds(2)));
            assertThat(report.counts()).containsExactly(Map.entry("Ok", 5L), Map.entry("TimedOut", 1L));
            assertThat(report.results().get(1)).isInstanceOf(HostResult.TimedOut.class);
        } finally {
            pool.shutdown();
        }
        assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("caller-pool-"));
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRunCanBoundItselfBelowTheGroupsBound() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        try (Group g = group(Fleets.first(8)).maxInFlight(8).connect()) {
            RunReport<Void> report = g.run("two at a time", host -> {
                max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    host.shell("sleep 0.2");
                } finally {
                    inFlight.decrementAndGet();
                }
                return null;
            }, RunOptions.defaults().withMaxInFlight(2));
            assertThat(report.allOk()).isTrue();
        }
        assertThat(max.get()).isEqualTo(2);
    }

    @Test
    void closingTheGroupCancelsARunInProgressAndItsRemoteCommands() throws Exception {
        SshFleet fleet = Fleets.shared();
        List<String> hosts = Fleets.first(3);
        CountDownLatch started = new CountDownLatch(3);
        AtomicReference<RunReport<Void>> report = new AtomicReference<>();
        Group g = group(hosts).connect();
        Thread runner = Thread.ofVirtual().start(() -> report.set(g.run("closed under me", host -> {
            host.run(Shell.builder("echo go; exec sleep 306.5").lines((s, l) -> started.countDown()).build());
            return null;
        })));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        g.close();
        runner.join(Duration.ofSeconds(30));
        assertThat(report.get().results()).allSatisfy(r -> assertThat(r)
                .isEqualTo(new HostResult.Cancelled<Void>(r.host(), "group closed", r.duration())));
        assertThat(Fleets.eventually(Duration.ofSeconds(10), () -> Fleets.hostsRunning(fleet, hosts, "sleep 306.5").isEmpty()))
                .isTrue();
        assertThatThrownBy(() -> g.run("after close", host -> null)).isInstanceOf(IllegalStateException.class)
                .hasMessage("group is closed; cannot run 'after close'");
    }

    @Test
    void aSessionKeptPastItsTaskRefusesEveryAction() {
        AtomicReference<HostSession> kept = new AtomicReference<>();
        try (Group g = group(Fleets.first(1)).connect()) {
            g.run("leak", host -> {
                kept.set(host);
                return null;
            });
            assertThatThrownBy(() -> kept.get().shell("true")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the task on w1 has ended; its session can no longer be used");
        }
    }
}
