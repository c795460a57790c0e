package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.testkit.SshFleet;
import io.drover.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ProxyJump and ProxyCommand against real OpenSSH hosts. The bastion {@code bastion1} runs with
 * {@code MaxStartups 3:100:3}: with three unauthenticated connections open, sshd drops every further one. The
 * targets {@code jp1..jp20} have sshd's default MaxStartups.
 */
class JumpTest {
    static final int TARGETS = 20;
    static final int ALIASES = 200;
    static SshFleet bastions;
    static SshFleet fleet;
    static Path config;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        bastions = SshFleet.builder().hosts(1).namePrefix("bastion").sshdConfig("MaxStartups 3:100:3").start();
        fleet = SshFleet.builder().hosts(TARGETS).namePrefix("jp").start();
        TestHost bastion = bastions.host("bastion1");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= ALIASES; i++) {
            TestHost target = fleet.hosts().get((i - 1) % TARGETS);
            sb.append("Host behind").append(i).append("\n  HostName ").append(target.address())
                    .append("\n  ProxyJump bastion1\n");
        }
        for (int i = 1; i <= 50; i++) {
            sb.append("Host same").append(i).append("\n  HostName ").append(bastion.address()).append('\n');
        }
        sb.append("Host bastion1\n  HostName ").append(bastion.address()).append('\n');
        for (TestHost h : fleet.hosts()) {
            sb.append("Host ").append(h.name()).append("\n  HostName ").append(h.address()).append('\n');
        }
        sb.append("Host twohops\n  HostName ").append(fleet.host("jp3").address()).append("\n  ProxyJump jp1,jp2\n");
        sb.append("Host viacommand\n  HostName ").append(fleet.host("jp4").address())
                .append("\n  ProxyCommand ssh -F ").append(fleet.sshConfig()).append(" -W %h:%p jp5\n");
        sb.append("Host *\n  User ").append(System.getProperty("user.name"))
                .append("\n  IdentityFile ").append(bastions.identity())
                .append("\n  IdentityFile ").append(fleet.identity())
                .append("\n  IdentitiesOnly yes\n  UserKnownHostsFile ").append(bastions.knownHosts()).append(' ')
                .append(fleet.knownHosts()).append("\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n")
                .append("  BatchMode yes\n");
        config = fleet.directory().resolve("jump_config");
        Files.writeString(config, sb.toString(), UTF_8);
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
        if (bastions != null) {
            bastions.close();
        }
    }

    static long count(TestHost h, String needle) {
        return h.log().lines().filter(l -> l.contains(needle)).count();
    }

    static List<SshConnection> connectAll(Ssh ssh, List<String> names) {
        List<CompletableFuture<SshConnection>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String n : names) {
                futures.add(CompletableFuture.supplyAsync(() -> ssh.connect(n), pool));
            }
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void aBastionSeesExactlyOneConnectionWhenTwoHundredTargetsBehindItDialFiftyAtATime() throws Exception {
        TestHost jump = bastions.host("bastion1");
        long accepted = count(jump, "Accepted publickey");
        long connections = count(jump, "Connection from");
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= ALIASES; i++) {
            names.add("behind" + i);
        }
        try (Ssh ssh = Ssh.builder().configFile(config).maxConcurrentDials(50).build()) {
            List<SshConnection> all = connectAll(ssh, names);
            assertThat(all).hasSize(ALIASES).allSatisfy(c -> assertThat(c.isOpen()).isTrue());
            assertThat(all.stream().distinct()).hasSize(ALIASES);
            for (int i = 0; i < TARGETS; i++) {
                assertThat(ExecTest.run(all.get(i), "hostname").out().strip())
                        .isEqualTo(SshFleet.namespacesAvailable() ? "jp" + (i + 1) : ExecTest.run(all.get(i), "hostname").out().strip());
            }
        }
        assertThat(count(jump, "Accepted publickey") - accepted).isEqualTo(1);
        assertThat(count(jump, "Connection from") - connections).isEqualTo(1);
    }

    @Test
    void aTwoHopChainReachesTheTargetThroughBothJumps() throws Exception {
        long first = count(fleet.host("jp1"), "Accepted publickey");
        long second = count(fleet.host("jp2"), "Accepted publickey");
        try (Ssh ssh = Ssh.builder().configFile(config).build()) {
            SshConnection c = ssh.connect("twohops");
            assertThat(ExecTest.run(c, "hostname").out().strip())
                    .isEqualTo(SshFleet.namespacesAvailable() ? "jp3" : ExecTest.run(c, "hostname").out().strip());
        }
        assertThat(count(fleet.host("jp1"), "Accepted publickey") - first).isEqualTo(1);
        assertThat(count(fleet.host("jp2"), "Accepted publickey") - second).isEqualTo(1);
    }

    @Test
    void proxyCommandCarriesTheSessionOverTheCommandsStdio() throws Exception {
        try (Ssh ssh = Ssh.builder().configFile(config).build()) {
            SshConnection c = ssh.connect("viacommand");
            assertThat(ExecTest.run(c, "hostname").out().strip())
                    .isEqualTo(SshFleet.namespacesAvailable() ? "jp4" : ExecTest.run(c, "hostname").out().strip());
        }
    }

    @Test
    void aTargetThatRefusesBehindTheBastionIsRetriedUntilItComesUp() throws Exception {
        TestHost target = fleet.host("jp7");
        java.util.concurrent.ConcurrentLinkedQueue<io.drover.api.DroverEvent> events =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        target.kill();
        try (Ssh ssh = Ssh.builder().configFile(config).connectRetries(8, java.time.Duration.ofMillis(100))
                .listener(events::add).build()) {
            CompletableFuture<SshConnection> dial = CompletableFuture.supplyAsync(() -> ssh.connect("behind7"));
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (events.stream().noneMatch(e -> e instanceof io.drover.api.DroverEvent.Retry)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            target.start();
            assertThat(ExecTest.run(dial.join(), "echo behind").out()).isEqualTo("behind\n");
        } finally {
            target.start();
        }
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(io.drover.api.DroverEvent.Retry.class,
                r -> assertThat(r.reason()).contains("jump host").contains(target.address())));
    }

    /**
     * sshd counts a connection as unauthenticated until its child closes the startup pipe, a moment after the client
     * saw authentication succeed; so a dial bound of {@code start - 2} is what keeps {@code MaxStartups start:100:start}
     * from ever dropping (with {@code start - 1} a drop is rare but possible: retries cover it).
     */
    @Test
    void boundedDialsKeepABastionWithATinyMaxStartupsFromDroppingAnyoneWhenFiftyDialAtOnce() throws Exception {
        TestHost host = bastions.host("bastion1");
        long drops = count(host, "MaxStartups");
        long accepted = count(host, "Accepted publickey");
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            names.add("same" + i);
        }
        try (Ssh ssh = Ssh.builder().configFile(config).maxConcurrentDials(1).build()) {
            assertThat(connectAll(ssh, names)).hasSize(50).allSatisfy(c -> assertThat(c.isOpen()).isTrue());
        }
        assertThat(count(host, "MaxStartups") - drops).isZero();
        assertThat(count(host, "Accepted publickey") - accepted).isEqualTo(50);
    }
}
