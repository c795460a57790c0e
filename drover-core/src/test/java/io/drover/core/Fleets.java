package io.drover.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Real OpenSSH hosts for the engine's tests. {@link #shared()} is one fleet of 20 hosts ({@code w1..w20}) started
 * once per test JVM and stopped by the fleet's own shutdown hook; tests that kill or stop hosts start their own.
 */
final class Fleets {
    private static SshFleet shared;
    private static Ssh sharedSsh;

    private Fleets() {}

    static synchronized SshFleet shared() {
        assumeTrue(SshFleet.openSshAvailable() && SshFleet.namespacesAvailable(), "needs sshd, root and unshare");
        if (shared == null) {
            shared = SshFleet.builder().hosts(20).namePrefix("w").start();
            sharedSsh = Ssh.builder().configFile(shared.sshConfig()).build();
        }
        return shared;
    }

    /** One client for the shared fleet (as a process would have). */
    static synchronized Ssh sharedSsh() {
        shared();
        return sharedSsh;
    }

    static SshFleet start(int hosts, String prefix) {
        assumeTrue(SshFleet.openSshAvailable() && SshFleet.namespacesAvailable(), "needs sshd, root and unshare");
        return SshFleet.builder().hosts(hosts).namePrefix(prefix).start();
    }

    /** The first {@code n} host names of the shared fleet. */
    static List<String> first(int n) {
        return shared().names().subList(0, n);
    }

    record Result(int code, String output) {}

    /**
     * Runs a command on a host with the real OpenSSH client (not drover), for checks independent of the code under
     * test.
     */
    static Result openssh(SshFleet fleet, String host, String command) {
        try {
            Process p = new ProcessBuilder("ssh", "-F", fleet.sshConfig().toString(), host, command)
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("ssh %s %s finished", host, command).isTrue();
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The hosts where a process whose command line contains {@code marker} runs, seen by {@code pgrep -f} over a
     * fresh OpenSSH connection (each test host has its own PID namespace).
     */
    static List<String> hostsRunning(SshFleet fleet, List<String> hosts, String marker) {
        // "[x]yz" matches "xyz" but not pgrep's own command line
        String pattern = "[" + marker.charAt(0) + "]" + marker.substring(1);
        List<String> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Result>> checks = hosts.stream()
                    .map(h -> pool.submit(() -> openssh(fleet, h, "pgrep -f '" + pattern + "'"))).toList();
            for (int i = 0; i < hosts.size(); i++) {
                if (checks.get(i).get().code() == 0) {
                    running.add(hosts.get(i));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return running;
    }

    /** Polls until {@code condition} holds or {@code timeout} passes; returns whether it held. */
    static boolean eventually(Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
