package io.drover.testkit;

import static io.drover.testkit.Processes.matching;
import static io.drover.testkit.Processes.mentioning;
import static io.drover.testkit.Processes.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour both kinds of host share, checked with the real OpenSSH client. */
class SshFleetTest {

    static SshFleet.Builder fleet(HostKind kind) {
        if (kind == HostKind.OPENSSH) {
            assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        }
        return SshFleet.builder().kind(kind);
    }

    @ParameterizedTest
    @EnumSource(HostKind.class)
    void openSshClientReachesEveryHostWithStrictHostKeyChecking(HostKind kind) throws Exception {
        try (SshFleet fleet = fleet(kind).hosts(3).namePrefix("wrk").start()) {
            for (TestHost h : fleet.hosts()) {
                assertThat(h.kind()).isEqualTo(kind);
                Ssh.Result r = Ssh.run(fleet, h.name(), "echo", "hello-from", "$(hostname)");
                assertThat(r.code()).as(r.stderr()).isZero();
                assertThat(r.stdout()).startsWith("hello-from");
            }
            assertThat(Files.readString(fleet.sshConfig())).contains("StrictHostKeyChecking yes");
        }
    }

    @ParameterizedTest
    @EnumSource(HostKind.class)
    void exitStatusStdoutAndStderrComeBackSeparately(HostKind kind) throws Exception {
        try (SshFleet fleet = fleet(kind).hosts(1).namePrefix("st").start()) {
            Ssh.Result r = Ssh.run(fleet, "st1", "echo out; echo err >&2; exit 3");
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.stdout()).isEqualTo("out\n");
            assertThat(r.stderr()).isEqualTo("err\n");
            Ssh.Result stdin = Ssh.runWithInput(fleet, "st1", "line one\nline two\n", "wc -l");
            assertThat(stdin.stdout().strip()).isEqualTo("2");
        }
    }

    @ParameterizedTest
    @EnumSource(HostKind.class)
    void anUnknownHostKeyIsRefusedByTheGeneratedConfig(HostKind kind) throws Exception {
        try (SshFleet fleet = fleet(kind).hosts(2).namePrefix("k").start()) {
            // give k1's entry k2's key: k1 now presents a key the client does not know for it; k2 has no entry
            List<String> lines = Files.readAllLines(fleet.knownHosts());
            String swapped = lines.get(0).split(" ", 2)[0] + " " + lines.get(1).split(" ", 2)[1];
            Files.writeString(fleet.knownHosts(), swapped + "\n");
            Ssh.Result r = Ssh.run(fleet, "k1", "true");
            assertThat(r.code()).isEqualTo(255);
            assertThat(r.stderr()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
            Ssh.Result unknown = Ssh.run(fleet, "k2", "true");
            assertThat(unknown.code()).isEqualTo(255);
            assertThat(unknown.stderr()).contains("Host key verification failed");
        }
    }

    @ParameterizedTest
    @EnumSource(HostKind.class)
    void aKeyOtherThanTheFleetsUserKeyIsRefused(HostKind kind) throws Exception {
        try (SshFleet fleet = fleet(kind).hosts(1).namePrefix("u").start()) {
            Path other = fleet.directory().resolve("other_key");
            KeyFiles.write(KeyFiles.newEd25519(), other, "stranger");
            Path config = fleet.directory().resolve("stranger_config");
            Files.writeString(config, Files.readString(fleet.sshConfig()).replace(fleet.identity().toString(),
                    other.toString()));
            Ssh.Result refused = Ssh.runConfig(config, "u1", "true");
            assertThat(refused.code()).isEqualTo(255);
            assertThat(refused.stderr()).contains("Permission denied");
            assertThat(Ssh.run(fleet, "u1", "true").code()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(HostKind.class)
    void closeLeavesNoProcessBehindEvenWithASessionRunning(HostKind kind) throws Exception {
        SshFleet fleet = fleet(kind).hosts(2).namePrefix("gone").start();
        String marker = "sleep 600" + kind.ordinal();
        String remote = "^\\d+ \\S*" + marker + "$"; // the command on the host, not the ssh client
        Process sleeper = new ProcessBuilder("ssh", "-F", fleet.sshConfig().toString(), "gone1", marker)
                .redirectErrorStream(true).start();
        Path dir = fleet.directory();
        waitUntil(() -> !matching(remote).isEmpty());
        fleet.close();
        assertThat(sleeper.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(mentioning(dir.toString())).isEmpty();
        if (kind == HostKind.EMBEDDED || SshFleet.namespacesAvailable()) {
            assertThat(matching(remote)).isEmpty();
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void closeClosesWhatWasRegisteredLastFirstWhileTheHostsAnswerAndStopsThemEvenWhenOneCloseFails() {
        SshFleet fleet = SshFleet.builder().kind(HostKind.EMBEDDED).hosts(1).namePrefix("res").start();
        TestHost host = fleet.host("res1");
        List<String> closed = new CopyOnWriteArrayList<>();
        fleet.closing(() -> closed.add("first, host answers: " + host.answers()));
        fleet.closing(new AutoCloseable() {
            @Override
            public void close() throws IOException {
                closed.add("failing");
                throw new IOException("disk gone");
            }

            @Override
            public String toString() {
                return "failing client";
            }
        });
        fleet.closing(() -> closed.add("last, host answers: " + host.answers()));
        assertThatThrownBy(fleet::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failing client").hasMessageContaining("disk gone");
        assertThat(closed).containsExactly("last, host answers: true", "failing", "first, host answers: true");
        assertThat(host.isRunning()).isFalse();
        assertThat(fleet.directory()).doesNotExist();
        fleet.close();
        assertThat(closed).as("nothing is closed twice").hasSize(3);
        assertThatThrownBy(() -> fleet.closing(() -> closed.add("late"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThat(closed).as("a resource given to a closed fleet is closed at once").endsWith("late");
    }

    @ParameterizedTest
    @EnumSource(HostKind.class)
    void pausedHostStopsAnsweringKeepsItsSessionsAndResumes(HostKind kind) throws Exception {
        try (SshFleet fleet = fleet(kind).hosts(1).namePrefix("p").start()) {
            TestHost h = fleet.host("p1");
            // a session open across the pause: its output is held back until resume
            Process counter = new ProcessBuilder("ssh", "-F", fleet.sshConfig().toString(), "p1",
                    "read x; echo got-$x").start();
            waitUntil(() -> h.log().contains("Starting session"));
            h.pause();
            assertThat(h.answers()).isFalse();
            assertThat(h.isRunning()).isTrue();
            counter.getOutputStream().write("one\n".getBytes());
            counter.getOutputStream().flush();
            assertThat(counter.waitFor(1, TimeUnit.SECONDS)).as("session must hang while paused").isFalse();
            h.resume();
            assertThat(counter.waitFor(60, TimeUnit.SECONDS)).as("session completes after resume").isTrue();
            assertThat(new String(counter.getInputStream().readAllBytes())).isEqualTo("got-one\n");
            assertThat(h.answers()).isTrue();
            h.kill();
            assertThat(h.isRunning()).isFalse();
            assertThat(h.answers()).isFalse();
            h.start();
            assertThat(Ssh.run(fleet, "p1", "true").code()).isZero();
            h.stop();
            assertThat(h.answers()).isFalse();
            h.start();
            assertThat(Ssh.run(fleet, "p1", "true").code()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(HostKind.class)
    void aHostThatCannotStartFailsTheFleetWithItsLogAndLeavesNothingRunning(HostKind kind) throws Exception {
        SshFleet.Builder b = fleet(kind).hosts(3).namePrefix("bad");
        Path dir = Files.createTempDirectory("drover-bad-");
        if (kind == HostKind.OPENSSH) {
            b.sshdConfig("NoSuchOption yes");
            assertThatThrownBy(() -> b.directory(dir).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bad")
                    .hasMessageContaining("NoSuchOption");
        } else {
            // as root hosts listen on port 22: a host of another fleet holds bad2's address, so bad2 cannot listen
            assumeTrue(SshFleet.isRoot(), "needs root (port 22 on every address)");
            try (SshFleet other = fleet(kind).hosts(2).namePrefix("held").secondOctet(250).start()) {
                other.host("held1").stop(); // frees bad1's address: the block looks free
                assertThatThrownBy(() -> b.secondOctet(250).directory(dir).start())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("bad2")
                        .hasMessageContaining("cannot listen");
                assertThat(other.host("held2").answers()).isTrue();
                assertThat(OpenSshHost.banner("127.250.1.1", 22, java.time.Duration.ofMillis(300))).as("bad1 was stopped").isFalse();
            }
        }
        assertThat(mentioning(dir.toString())).isEmpty();
        SshFleet.deleteTree(dir);
    }

    @Test
    void hostsHaveTheirOwnHostnameHomeAndTmpWhenRunningAsRoot() throws Exception {
        assumeTrue(SshFleet.openSshAvailable() && SshFleet.namespacesAvailable(), "needs root, sshd and unshare");
        try (SshFleet fleet = SshFleet.builder().hosts(2).namePrefix("ns").start()) {
            assertThat(Ssh.run(fleet, "ns1", "hostname").stdout().strip()).isEqualTo("ns1");
            assertThat(Ssh.run(fleet, "ns2", "hostname").stdout().strip()).isEqualTo("ns2");
            assertThat(Ssh.run(fleet, "ns1", "echo one > ~/mark && echo one > /tmp/mark").code()).isZero();
            assertThat(Ssh.run(fleet, "ns2", "test -e ~/mark || test -e /tmp/mark").code()).isEqualTo(1);
            TestHost ns1 = fleet.host("ns1");
            assertThat(ns1.home().orElseThrow().resolve("mark")).hasContent("one");
            assertThat(ns1.tmp().orElseThrow().resolve("mark")).hasContent("one");
            assertThat(Ssh.run(fleet, "ns1", "stat -c %a /tmp").stdout().strip()).isEqualTo("1777");
        }
    }

    @Test
    void embeddedHostsHaveTheirOwnHomeForCommandsAndSftp() throws Exception {
        try (SshFleet fleet = SshFleet.builder().kind(HostKind.EMBEDDED).hosts(2).namePrefix("e").start()) {
            TestHost e1 = fleet.host("e1");
            Path home = e1.home().orElseThrow();
            assertThat(Ssh.run(fleet, "e1", "pwd; echo $HOME").stdout()).isEqualTo(home + "\n" + home + "\n");
            assertThat(Ssh.run(fleet, "e1", "echo one > ~/mark").code()).isZero();
            assertThat(home.resolve("mark")).hasContent("one");
            assertThat(Ssh.run(fleet, "e2", "test -e ~/mark").code()).isEqualTo(1);

            Path local = Files.writeString(fleet.directory().resolve("upload.txt"), "payload\n");
            Path batch = Files.writeString(fleet.directory().resolve("batch"),
                    "put " + local + " up.txt\nget mark " + fleet.directory().resolve("down.txt") + "\n");
            Process sftp = new ProcessBuilder("sftp", "-F", fleet.sshConfig().toString(), "-b", batch.toString(), "e1")
                    .redirectErrorStream(true).start();
            String out = new String(sftp.getInputStream().readAllBytes());
            assertThat(sftp.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(sftp.exitValue()).as(out).isZero();
            assertThat(home.resolve("up.txt")).hasContent("payload");
            assertThat(fleet.directory().resolve("down.txt")).hasContent("one");
            assertThat(e1.log()).contains("Accepted publickey for " + System.getProperty("user.name"));
        }
    }

    @Test
    void embeddedHostsCannotBeDetachedNorTakeSshdConfig() {
        assertThatThrownBy(() -> SshFleet.builder().kind(HostKind.EMBEDDED).detached(true).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be detached");
        assertThatThrownBy(() -> SshFleet.builder().kind(HostKind.EMBEDDED).sshdConfig("MaxStartups 3").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MaxStartups 3");
    }

    @Test
    void aDetachedFleetOutlivesItsBuilderAndIsStoppedThroughAttach() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        Path dir = Files.createTempDirectory("drover-detached-");
        try {
            SshFleet started = SshFleet.builder().hosts(2).namePrefix("d").directory(dir).detached(true).start();
            assertThat(started.directory()).isEqualTo(dir.toAbsolutePath().normalize());
            SshFleet attached = SshFleet.attach(dir);
            assertThat(attached.names()).containsExactly("d1", "d2");
            assertThat(attached.hosts()).allMatch(TestHost::isRunning).allMatch(TestHost::answers);
            assertThat(Ssh.run(attached, "d2", "echo hi").stdout()).isEqualTo("hi\n");
            assertThatThrownBy(() -> attached.host("d1").start()).isInstanceOf(UnsupportedOperationException.class);
            attached.close();
            assertThat(mentioning(dir.toString())).isEmpty();
            assertThat(dir.resolve("fleet.properties")).doesNotExist();
            assertThat(attached.hosts()).noneMatch(TestHost::isRunning);
        } finally {
            if (Files.exists(dir.resolve("fleet.properties"))) {
                SshFleet.attach(dir).close();
            }
            SshFleet.deleteTree(dir);
        }
    }

    @Test
    void attachNeverSignalsAProcessThatIsNotTheFleets() throws Exception {
        // fleet.properties names a PID that now belongs to something else (PIDs are recycled): leave it alone
        Process stranger = new ProcessBuilder("sleep", "300").start();
        Path dir = Files.createTempDirectory("drover-stale-");
        try {
            Files.writeString(dir.resolve("fleet.properties"), "kind=OPENSSH\nhosts=1\nnamespaces=true\n"
                    + "host.1=old1 127.0.1.1 22 " + stranger.pid() + " ssh-ed25519 AAAA old1\n");
            SshFleet stale = SshFleet.attach(dir);
            assertThat(stale.host("old1").isRunning()).isFalse();
            stale.host("old1").kill();
            stale.close();
            assertThat(stranger.isAlive()).isTrue();
        } finally {
            stranger.destroyForcibly();
            SshFleet.deleteTree(dir);
        }
    }
}
