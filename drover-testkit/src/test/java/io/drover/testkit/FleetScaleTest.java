package io.drover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How long N real OpenSSH hosts take to start and stop, and the memory they hold. A measurement, not a check: it runs
 * only with {@code -Ddrover.scale=true} (hosts: {@code -Ddrover.scale.hosts=500}, kind: {@code -Ddrover.scale.kind})
 * and prints its figures; it asserts only that every host answered.
 *
 * <pre>
 * mvn -B -q -ntp -pl drover-testkit -am test -Dtest=FleetScaleTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Ddrover.scale=true -Ddrover.scale.hosts=500
 * </pre>
 */
@EnabledIfSystemProperty(named = "drover.scale", matches = "true")
class FleetScaleTest {

    @Test
    void startAndStopManyHosts() throws Exception {
        int n = Integer.getInteger("drover.scale.hosts", 500);
        HostKind kind = HostKind.valueOf(System.getProperty("drover.scale.kind", "OPENSSH"));
        if (kind == HostKind.OPENSSH) {
            assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        }
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        java.time.Duration jvmCpu0 = ProcessHandle.current().info().totalCpuDuration().orElseThrow();
        long t0 = System.nanoTime();
        SshFleet fleet = SshFleet.builder().kind(kind).hosts(n).namePrefix("s").readyTimeout(java.time.Duration.ofMinutes(5))
                .start();
        long startMs = (System.nanoTime() - t0) / 1_000_000;
        double jvmCpu = (ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis() - jvmCpu0.toMillis())
                / 1000.0;
        long t2 = System.nanoTime();
        long answering;
        java.util.concurrent.Semaphore bound = new java.util.concurrent.Semaphore(32);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Boolean>> checks = new ArrayList<>();
            for (TestHost h : fleet.hosts()) {
                checks.add(pool.submit(() -> {
                    bound.acquire();
                    try {
                        return h.answers();
                    } finally {
                        bound.release();
                    }
                }));
            }
            answering = 0;
            for (var c : checks) {
                answering += c.get() ? 1 : 0;
            }
        }
        long checkMs = (System.nanoTime() - t2) / 1_000_000;
        Memory mem = memory(fleet);
        Ssh.Result last = Ssh.run(fleet, "s" + n, "hostname");
        long t1 = System.nanoTime();
        fleet.close();
        long closeMs = (System.nanoTime() - t1) / 1_000_000;
        String report = String.format(
                "drover-testkit scale: %d %s hosts, all ready after %.1f s; %d sent an SSH banner to a check of all (%.1f s); "
                        + "close %.1f s; "
                        + "%d processes, RSS sum %d MiB, PSS sum %d MiB (%.2f MiB PSS per host); "
                        + "this JVM's RSS %d MiB; "
                        + "CPU to start: %.1f s in this JVM, %.1f s in the hosts' processes (%.1f ms per host); "
                        + "load before: %s%n",
                n, kind, startMs / 1000.0, answering, checkMs / 1000.0, closeMs / 1000.0, mem.processes, mem.rssKb / 1024,
                mem.pssKb / 1024, mem.pssKb / 1024.0 / n, field(Path.of("/proc/self/status"), "VmRSS:") / 1024, jvmCpu, mem.cpuTicks / 100.0,
                (jvmCpu + mem.cpuTicks / 100.0) * 1000 / n, load);
        System.out.print(report);
        Files.writeString(Path.of("target", "scale-" + kind.name().toLowerCase() + "-" + n + ".txt"), report);
        assertThat(answering).isEqualTo(n);
        assertThat(last.code()).as(last.stderr()).isZero();
    }

    /** Memory of the hosts' processes, and the CPU they and their exited children used (clock ticks, 1/100 s). */
    record Memory(int processes, long rssKb, long pssKb, long cpuTicks) {}

    /** The hosts' processes (each host's process tree, or this JVM for embedded hosts) and their memory. */
    static Memory memory(SshFleet fleet) {
        // one pass over all processes (ProcessHandle.descendants() per host would scan them all 500 times)
        java.util.Map<Long, List<Long>> children = new java.util.HashMap<>();
        ProcessHandle.allProcesses().forEach(p -> p.parent().ifPresent(
                parent -> children.computeIfAbsent(parent.pid(), k -> new ArrayList<>()).add(p.pid())));
        java.util.Set<Long> all = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>();
        for (TestHost h : fleet.hosts()) {
            if (h instanceof FleetHost f) {
                todo.add(f.pid());
            }
        }
        while (!todo.isEmpty()) {
            long pid = todo.poll();
            if (all.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        long rss = 0;
        long pss = 0;
        long ticks = 0;
        boolean embedded = fleet.hosts().getFirst().kind() == HostKind.EMBEDDED;
        for (long pid : all) {
            if (embedded && pid == ProcessHandle.current().pid()) {
                continue; // the JVM is counted on its own
            }
            rss += field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
            pss += field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
            ticks += cpuTicks(pid);
        }
        return new Memory(all.size(), rss, pss, ticks);
    }

    /** utime + stime + cutime + cstime of a process (its own CPU and that of its reaped children). */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11)
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone
        }
        return 0;
    }
}
