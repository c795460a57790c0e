package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.api.DroverEvent;
import io.drover.testkit.SshFleet;
import io.drover.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dialing real OpenSSH hosts: host key outcomes, unknown aliases, retries, timeouts, keepalive. */
class ConnectTest {
    static SshFleet fleet;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        fleet = SshFleet.builder().hosts(3).namePrefix("cn").start();
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    /** The fleet's ssh_config with its known_hosts replaced by {@code knownHosts} and {@code extra} lines first. */
    Path config(String knownHosts, String... extra) throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, knownHosts, UTF_8);
        String base = Files.readString(fleet.sshConfig(), UTF_8)
                .replace("UserKnownHostsFile " + fleet.knownHosts(), "UserKnownHostsFile " + kh);
        Path cfg = dir.resolve("ssh_config");
        Files.writeString(cfg, String.join("\n", extra) + "\n" + base, UTF_8);
        return cfg;
    }

    static String knownLine(TestHost h) {
        return h.hostPort() + " " + h.hostKeyLine() + "\n";
    }

    static String hostname(SshConnection c) throws Exception {
        return ExecTest.run(c, "hostname").out().strip();
    }

    @Test
    void aKnownHostKeyIsAccepted() throws Exception {
        TestHost h = fleet.host("cn1");
        try (Ssh ssh = Ssh.builder().configFile(config(knownLine(h))).build()) {
            assertThat(ExecTest.run(ssh.connect("cn1"), "echo ok").out()).isEqualTo("ok\n");
        }
    }

    @Test
    void anUnknownHostKeyIsRefusedInStrictMode() throws Exception {
        try (Ssh ssh = Ssh.builder().configFile(config(knownLine(fleet.host("cn2")))).build()) {
            assertThatThrownBy(() -> ssh.connect("cn1")).isInstanceOfSatisfying(SshException.class, e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.HOST_KEY);
                assertThat(e.getMessage()).contains(fleet.host("cn1").address())
                        .contains("StrictHostKeyChecking is yes").contains("SHA256:");
            });
        }
    }

    @Test
    void aChangedHostKeyIsRefusedNamingFileLineAndBothFingerprints() throws Exception {
        TestHost h1 = fleet.host("cn1");
        TestHost h2 = fleet.host("cn2");
        // line 2 claims cn1 has cn2's key
        String known = knownLine(h2) + h1.hostPort() + " " + h2.hostKeyLine() + "\n";
        Path cfg = config(known);
        try (Ssh ssh = Ssh.builder().configFile(cfg).build()) {
            assertThatThrownBy(() -> ssh.connect("cn1")).isInstanceOfSatisfying(SshException.class, e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.HOST_KEY);
                assertThat(e.getMessage()).contains("CHANGED").contains(dir.resolve("known_hosts") + ":2");
                assertThat(e.getMessage().split("SHA256:", -1)).hasSize(3);
            });
        }
    }

    @Test
    void acceptNewRecordsAnUnknownKeyExactlyOnceEvenWhenManyAliasesDialItAtOnce() throws Exception {
        TestHost h = fleet.host("cn1");
        StringBuilder aliases = new StringBuilder();
        List<String> names = new java.util.ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            aliases.append("Host same").append(i).append("\n  HostName ").append(h.address()).append('\n');
            names.add("same" + i);
        }
        Path cfg = config("", aliases.toString(), "Host *", "  StrictHostKeyChecking accept-new");
        ConcurrentLinkedQueue<DroverEvent> events = new ConcurrentLinkedQueue<>();
        try (Ssh ssh = Ssh.builder().configFile(cfg).listener(events::add).build()) {
            assertThat(JumpTest.connectAll(ssh, names)).hasSize(10);
        }
        List<String> lines = Files.readAllLines(dir.resolve("known_hosts"), UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith(h.address() + " ").contains(h.hostKeyLine().split(" ")[1]);
        assertThat(events).filteredOn(e -> e instanceof DroverEvent.Warning w && w.message().contains("added"))
                .hasSize(1);
        try (Ssh again = Ssh.builder().configFile(cfg).build()) {
            again.connect("same1");
        }
        assertThat(Files.readAllLines(dir.resolve("known_hosts"), UTF_8).stream().filter(l -> !l.isBlank()))
                .hasSize(1);
    }

    @Test
    void acceptNewStillRefusesAChangedKey() throws Exception {
        TestHost h1 = fleet.host("cn1");
        Path cfg = config(h1.hostPort() + " " + fleet.host("cn2").hostKeyLine() + "\n", "Host *",
                "  StrictHostKeyChecking accept-new");
        try (Ssh ssh = Ssh.builder().configFile(cfg).build()) {
            assertThatThrownBy(() -> ssh.connect("cn1")).isInstanceOfSatisfying(SshException.class,
                    e -> assertThat(e.kind()).isEqualTo(SshException.Kind.HOST_KEY));
        }
    }

    @Test
    void aRevokedHostKeyIsRefusedNamingTheRevocationLine() throws Exception {
        TestHost h = fleet.host("cn1");
        String known = knownLine(h) + "@revoked * " + h.hostKeyLine() + "\n";
        try (Ssh ssh = Ssh.builder().configFile(config(known)).build()) {
            assertThatThrownBy(() -> ssh.connect("cn1")).isInstanceOfSatisfying(SshException.class, e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.HOST_KEY);
                assertThat(e.getMessage()).contains("revoked").contains(dir.resolve("known_hosts") + ":2");
            });
        }
    }

    @Test
    void aHashedKnownHostsFileWrittenBySshKeygenIsHonoured() throws Exception {
        TestHost h = fleet.host("cn2");
        Path cfg = config(knownLine(h));
        Process p = new ProcessBuilder("ssh-keygen", "-H", "-f", dir.resolve("known_hosts").toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        assertThat(Files.readString(dir.resolve("known_hosts"), UTF_8)).startsWith("|1|")
                .doesNotContain(h.address());
        try (Ssh ssh = Ssh.builder().configFile(cfg).build()) {
            assertThat(ExecTest.run(ssh.connect("cn2"), "echo hashed-ok").out()).isEqualTo("hashed-ok\n");
        }
    }

    @Test
    void strictHostKeyCheckingNoConnectsAndWarnsForTheHost() throws Exception {
        ConcurrentLinkedQueue<DroverEvent> events = new ConcurrentLinkedQueue<>();
        try (Ssh ssh = Ssh.builder().configFile(config("")).option("StrictHostKeyChecking", "no")
                .listener(events::add).build()) {
            assertThat(hostname(ssh.connect("cn3"))).isNotEmpty();
        }
        assertThat(events).anySatisfy(e -> {
            assertThat(e).isInstanceOf(DroverEvent.Warning.class);
            assertThat(e.host()).isEqualTo("cn3");
            assertThat(((DroverEvent.Warning) e).message()).contains("StrictHostKeyChecking=no");
        });
    }

    @Test
    void anExplicitKexListIsHonouredEvenWhenTheServerLacksEveryAlgorithmInIt() {
        // sshd 9.2 does not enable diffie-hellman-group1-sha1: offering only it must fail, not fall back silently
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).option("KexAlgorithms", "diffie-hellman-group1-sha1")
                .build()) {
            assertThatThrownBy(() -> ssh.connect("cn1")).isInstanceOfSatisfying(SshException.class, e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.CONNECT);
                assertThat(e.getMessage()).contains("negotiate");
            });
        }
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).option("KexAlgorithms", "ecdh-sha2-nistp384")
                .build()) {
            assertThat(ssh.connect("cn1").isOpen()).isTrue();
        }
    }

    @Test
    void aProxyJumpLoopIsAConfigErrorNotAHang() throws Exception {
        Path cfg = config("", "Host loopa", "  ProxyJump loopb", "Host loopb", "  ProxyJump loopa");
        try (Ssh ssh = Ssh.builder().configFile(cfg).build()) {
            assertThatThrownBy(() -> ssh.connect("loopa")).isInstanceOfSatisfying(SshException.class, e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.CONFIG);
                assertThat(e.getMessage()).contains("ProxyJump loop");
            });
        }
    }

    @Test
    void anAliasThatResolvesNowhereFailsWithConnectNamingTheAlias() {
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            assertThatThrownBy(() -> ssh.connect("no-such-alias-xyz")).isInstanceOfSatisfying(SshException.class, e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.CONNECT);
                assertThat(e.getMessage()).contains("no-such-alias-xyz");
            });
        }
    }

    @Test
    void dialEventsComeInPairsAndCarryTheError() throws Exception {
        ConcurrentLinkedQueue<DroverEvent> events = new ConcurrentLinkedQueue<>();
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).listener(events::add).build()) {
            ssh.connect("cn1");
            assertThatThrownBy(() -> ssh.connect("no-such-alias-xyz")).isInstanceOf(SshException.class);
        }
        assertThat(events).filteredOn(e -> e instanceof DroverEvent.DialStarted).extracting(DroverEvent::host)
                .containsExactly("cn1", "no-such-alias-xyz");
        List<DroverEvent.DialEnded> ended = events.stream().filter(e -> e instanceof DroverEvent.DialEnded)
                .map(e -> (DroverEvent.DialEnded) e).toList();
        assertThat(ended).hasSize(2);
        assertThat(ended.get(0).error()).isEmpty();
        assertThat(ended.get(1).error()).hasValueSatisfying(m -> assertThat(m).contains("no-such-alias-xyz"));
    }

    @Test
    void aRefusedConnectIsRetriedUntilTheHostComesUp() throws Exception {
        TestHost h = fleet.host("cn2");
        ConcurrentLinkedQueue<DroverEvent> events = new ConcurrentLinkedQueue<>();
        h.kill();
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).connectRetries(8, Duration.ofMillis(100))
                .listener(events::add).build()) {
            CompletableFuture<SshConnection> dial = CompletableFuture.supplyAsync(() -> ssh.connect("cn2"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (events.stream().noneMatch(e -> e instanceof DroverEvent.Retry) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            h.start();
            SshConnection c = dial.join();
            assertThat(ExecTest.run(c, "echo up").out()).isEqualTo("up\n");
        } finally {
            h.start();
        }
        assertThat(events).filteredOn(e -> e instanceof DroverEvent.Retry).isNotEmpty()
                .allSatisfy(e -> assertThat(((DroverEvent.Retry) e).reason()).contains(h.address()));
    }

    @Test
    void withoutRetriesARefusedConnectFailsAtOnce() {
        TestHost h = fleet.host("cn2");
        h.kill();
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            assertThatThrownBy(() -> ssh.connect("cn2")).isInstanceOfSatisfying(SshException.class,
                    e -> assertThat(e.kind()).isEqualTo(SshException.Kind.CONNECT));
        } finally {
            h.start();
        }
    }

    @Test
    void connectTimeoutCoversTheKeyExchangeWithAHungHost() {
        TestHost h = fleet.host("cn3");
        h.pause();
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).option("ConnectTimeout", "1").build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> ssh.connect("cn3")).isInstanceOfSatisfying(SshException.class, e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.CONNECT);
                assertThat(e.getMessage()).contains("ConnectTimeout");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            h.resume();
        }
    }

    @Test
    void withoutConnectTimeoutAHungHostIsGivenUpAfterThirtySecondsNotWaitedForForever() {
        TestHost h = fleet.host("cn3");
        h.pause();
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> ssh.connect("cn3")).isInstanceOfSatisfying(SshException.class, e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.CONNECT);
                assertThat(e.getMessage()).contains("30 s (drover's default without ConnectTimeout)");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(29),
                    Duration.ofSeconds(60));
        } finally {
            h.resume();
        }
    }

    @Test
    void connectTimeoutCountsFromTheDialNotFromTheWaitForADialTurn() throws Exception {
        List<TestHost> hung = List.of(fleet.host("cn2"), fleet.host("cn3"));
        hung.forEach(TestHost::pause);
        // one dial at a time: cn1 waits for its turn while the dials to the hung cn2 and cn3 use up 2 s each,
        // longer than its own 2 s
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).option("ConnectTimeout", "2")
                .maxConcurrentDials(1).build()) {
            var dials = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            var first = java.util.concurrent.CompletableFuture.runAsync(() -> ssh.connect("cn3"), dials);
            Thread.sleep(200);
            var second = java.util.concurrent.CompletableFuture.runAsync(() -> ssh.connect("cn2"), dials);
            Thread.sleep(200);
            long start = System.nanoTime();
            try (SshConnection c = ssh.connect("cn1")) {
                assertThat(c.isOpen()).isTrue();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(2500));
            assertThatThrownBy(first::join).hasCauseInstanceOf(SshException.class);
            assertThatThrownBy(second::join).hasCauseInstanceOf(SshException.class);
        } finally {
            hung.forEach(TestHost::resume);
        }
    }

    @Test
    void keepaliveDetectsAPausedHostAndReportsTheConnectionBroken() throws Exception {
        TestHost h = fleet.host("cn3");
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).option("ServerAliveInterval", "1")
                .option("ServerAliveCountMax", "2").build()) {
            SshConnection c = ssh.connect("cn3");
            RemoteProcess p = c.start(CommandRequest.of("sleep 60"));
            h.pause();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (c.isOpen() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(c.isOpen()).as("connection closed by keepalive").isFalse();
                assertThatThrownBy(() -> p.waitFor(Duration.ofSeconds(5))).isInstanceOfSatisfying(SshException.class,
                        e -> assertThat(e.kind()).isEqualTo(SshException.Kind.DISCONNECTED));
            } finally {
                h.resume();
            }
            assertThat(ssh.connect("cn3")).isNotSameAs(c);
        }
    }
}
