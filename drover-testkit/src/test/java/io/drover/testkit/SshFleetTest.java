package io.drover.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SshFleetTest {

    /** Runs the real OpenSSH client against a fleet host; returns exit code and output. */
    static Result ssh(SshFleet fleet, String host, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", fleet.sshConfig().toString(), host));
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    record Result(int code, String output) {}

    @Test
    void openSshClientReachesEveryHostWithStrictHostKeyChecking() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        try (SshFleet fleet = SshFleet.builder().hosts(3).namePrefix("wrk").start()) {
            for (TestHost h : fleet.hosts()) {
                Result r = ssh(fleet, h.name(), "echo", "hello-from", "$(hostname)");
                assertThat(r.code()).as(r.output()).isZero();
                assertThat(r.output()).startsWith("hello-from");
            }
            assertThat(Files.readString(fleet.sshConfig())).contains("StrictHostKeyChecking yes");
        }
    }

    @Test
    void hostsHaveTheirOwnHostnameHomeAndTmpWhenRunningAsRoot() throws Exception {
        assumeTrue(SshFleet.openSshAvailable() && SshFleet.namespacesAvailable(), "needs root, sshd and unshare");
        try (SshFleet fleet = SshFleet.builder().hosts(2).namePrefix("ns").start()) {
            assertThat(ssh(fleet, "ns1", "hostname").output().strip()).isEqualTo("ns1");
            assertThat(ssh(fleet, "ns2", "hostname").output().strip()).isEqualTo("ns2");
            assertThat(ssh(fleet, "ns1", "echo one > ~/mark && echo one > /tmp/mark").code()).isZero();
            assertThat(ssh(fleet, "ns2", "test -e ~/mark || test -e /tmp/mark").code()).isEqualTo(1);
            TestHost ns1 = fleet.host("ns1");
            assertThat(ns1.home().orElseThrow().resolve("mark")).hasContent("one");
            assertThat(ns1.tmp().orElseThrow().resolve("mark")).hasContent("one");
        }
    }

    @Test
    void anUnknownHostKeyIsRefusedByTheGeneratedConfig() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        try (SshFleet fleet = SshFleet.builder().hosts(2).namePrefix("k").start()) {
            // swap the known_hosts entries' keys: each host now presents a key the client does not know for it
            List<String> lines = Files.readAllLines(fleet.knownHosts());
            String first = lines.get(0).split(" ", 2)[0] + " " + lines.get(1).split(" ", 2)[1];
            Files.writeString(fleet.knownHosts(), first + "\n");
            Result r = ssh(fleet, "k1", "true");
            assertThat(r.code()).isEqualTo(255);
            assertThat(r.output()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
            Result unknown = ssh(fleet, "k2", "true");
            assertThat(unknown.code()).isEqualTo(255);
            assertThat(unknown.output()).contains("Host key verification failed");
        }
    }

    @Test
    void closeLeavesNoProcessBehind() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        SshFleet fleet = SshFleet.builder().hosts(2).namePrefix("gone").start();
        // a long-running command on a host must die with the host
        Process sleeper = new ProcessBuilder("ssh", "-F", fleet.sshConfig().toString(), "gone1", "sleep 600").start();
        Path dir = fleet.directory();
        waitUntil(() -> processesMentioning("sleep 600") > 0);
        fleet.close();
        sleeper.waitFor(10, TimeUnit.SECONDS);
        assertThat(processesMentioning(dir.toString())).isZero();
        if (SshFleet.namespacesAvailable()) {
            assertThat(processesMentioning("sleep 600")).isZero();
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void pausedHostStopsAnsweringAndResumes() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        try (SshFleet fleet = SshFleet.builder().hosts(1).namePrefix("p").start()) {
            TestHost h = fleet.host("p1");
            h.pause();
            assertThat(h.answers()).isFalse();
            assertThat(h.isRunning()).isTrue();
            h.resume();
            assertThat(h.answers()).isTrue();
            h.kill();
            assertThat(h.isRunning()).isFalse();
            assertThat(h.answers()).isFalse();
            h.start();
            assertThat(ssh(fleet, "p1", "true").code()).isZero();
        }
    }

    static long processesMentioning(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .count();
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
