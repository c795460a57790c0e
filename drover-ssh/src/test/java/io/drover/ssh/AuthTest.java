package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.api.DroverEvent;
import io.drover.testkit.SshFleet;
import io.drover.testkit.TestHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each authentication method against real OpenSSH hosts: a real {@code ssh-agent}, an encrypted key unlocked through
 * the {@link Prompter}, a password. The hosts allow password logins ({@code Match all} block).
 */
class AuthTest {
    static SshFleet fleet;
    static Path config;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        fleet = SshFleet.builder().hosts(2).namePrefix("au").sshdConfig("Match all")
                .sshdConfig("  PasswordAuthentication yes").sshdConfig("  PermitRootLogin yes").start();
        StringBuilder sb = new StringBuilder();
        for (TestHost h : fleet.hosts()) {
            sb.append("Host ").append(h.name()).append("\n  HostName ").append(h.address()).append('\n');
        }
        sb.append("Host *\n  User ").append(System.getProperty("user.name"))
                .append("\n  UserKnownHostsFile ").append(fleet.knownHosts())
                .append("\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n");
        config = fleet.directory().resolve("auth_config");
        Files.writeString(config, sb.toString(), UTF_8);
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    static String exec(String... argv) throws IOException, InterruptedException {
        return exec(List.of(argv), Optional.empty());
    }

    static String exec(List<String> argv, Optional<Path> agentSocket) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        agentSocket.ifPresent(s -> pb.environment().put("SSH_AUTH_SOCK", s.toString()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
        return out;
    }

    /** A new ed25519 key (ssh-keygen), its public key authorised on every host of the fleet. */
    Path authorisedKey(String name, String passphrase) throws Exception {
        Path key = dir.resolve(name);
        exec("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", key.toString());
        Files.writeString(fleet.directory().resolve("authorized_keys"),
                Files.readString(Path.of(key + ".pub"), UTF_8), UTF_8, StandardOpenOption.APPEND);
        return key;
    }

    static String hostname(SshConnection c) throws Exception {
        return ExecTest.run(c, "hostname").out().strip();
    }

    /** A real ssh-agent on a socket in the test directory; killed by the caller. */
    Process startAgent(Path socket) throws Exception {
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(socket) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(socket).exists();
        return agent;
    }

    @Test
    void agentAuthenticationUsesAKeyHeldOnlyByARealSshAgent() throws Exception {
        Path key = authorisedKey("agent_key", "");
        Path socket = dir.resolve("agent.sock");
        Process agent = startAgent(socket);
        try {
            exec(List.of("ssh-add", key.toString()), Optional.of(socket));
            Files.delete(key); // only the agent holds the private key now; key.pub names it for IdentitiesOnly
            try (Ssh ssh = Ssh.builder().configFile(config).option("IdentityAgent", socket.toString())
                    .option("IdentityFile", key.toString()).option("IdentitiesOnly", "yes")
                    .option("BatchMode", "yes").build()) {
                assertThat(hostname(ssh.connect("au1"))).isNotEmpty();
            }
            try (Ssh noAgent = Ssh.builder().configFile(config).option("IdentityAgent", "none")
                    .option("IdentityFile", key.toString()).option("BatchMode", "yes").build()) {
                assertThatThrownBy(() -> noAgent.connect("au1")).isInstanceOfSatisfying(SshException.class,
                        e -> assertThat(e.kind()).isEqualTo(SshException.Kind.AUTH));
            }
        } finally {
            agent.destroy();
        }
    }

    @Test
    void forwardAgentGivesEveryCommandOnTheConnectionTheAgent() throws Exception {
        Path key = authorisedKey("fwd_key", "");
        Path socket = dir.resolve("fwd.sock");
        Process agent = startAgent(socket);
        try {
            exec(List.of("ssh-add", key.toString()), Optional.of(socket));
            try (Ssh ssh = Ssh.builder().configFile(config).option("IdentityAgent", socket.toString())
                    .option("ForwardAgent", "yes").option("BatchMode", "yes").build()) {
                SshConnection c = ssh.connect("au2");
                for (int i = 0; i < 2; i++) {
                    ExecTest.Result r = ExecTest.run(c, "ssh-add -L");
                    assertThat(r.status().success()).as(r.err()).isTrue();
                    assertThat(r.out()).contains(Files.readString(Path.of(key + ".pub"), UTF_8).split(" ")[1]);
                }
            }
            try (Ssh ssh = Ssh.builder().configFile(config).option("IdentityAgent", socket.toString())
                    .option("BatchMode", "yes").build()) {
                ExecTest.Result r = ExecTest.run(ssh.connect("au2"), "test -n \"$SSH_AUTH_SOCK\" && echo forwarded");
                assertThat(r.out()).doesNotContain("forwarded");
            }
        } finally {
            agent.destroy();
        }
    }

    @Test
    void anEncryptedKeyIsUnlockedWithOnePassphrasePromptForManyHosts() throws Exception {
        Path key = authorisedKey("encrypted_key", "correct horse");
        AtomicInteger asked = new AtomicInteger();
        List<String> prompts = new ArrayList<>();
        Prompter prompter = (prompt, echo) -> {
            asked.incrementAndGet();
            synchronized (prompts) {
                prompts.add(prompt);
            }
            return Optional.of("correct horse".toCharArray());
        };
        try (Ssh ssh = Ssh.builder().configFile(config).prompter(prompter).option("IdentityAgent", "none")
                .option("IdentityFile", key.toString()).build()) {
            assertThat(hostname(ssh.connect("au1"))).isNotEmpty();
            assertThat(hostname(ssh.connect("au2"))).isNotEmpty();
        }
        assertThat(asked).hasValue(1);
        assertThat(prompts.getFirst()).contains(key.toString());
    }

    @Test
    void inBatchModeAnEncryptedKeyFailsAuthenticationNamingTheKey() throws Exception {
        Path key = authorisedKey("batch_key", "secret words");
        ConcurrentLinkedQueue<DroverEvent> events = new ConcurrentLinkedQueue<>();
        try (Ssh ssh = Ssh.builder().configFile(config).listener(events::add).option("IdentityAgent", "none")
                .option("IdentityFile", key.toString()).option("BatchMode", "yes").build()) {
            assertThatThrownBy(() -> ssh.connect("au1")).isInstanceOfSatisfying(SshException.class, e -> {
                assertThat(e.kind()).isEqualTo(SshException.Kind.AUTH);
                assertThat(e.getMessage()).contains(key.toString());
            });
        }
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(DroverEvent.Warning.class,
                w -> assertThat(w.message()).contains(key.toString())));
    }

    /**
     * The host gets a root password through a copy of /etc/shadow bind-mounted over the original inside the host's
     * own mount namespace (the controller's /etc/shadow is never touched).
     */
    @Test
    void passwordAuthenticationTakesThePasswordFromThePrompter() throws Exception {
        assumeTrue(SshFleet.namespacesAvailable(), "needs the hosts' own mount namespaces (root + unshare)");
        TestHost host = fleet.host("au2");
        String password = "pw-" + Long.toHexString(System.nanoTime());
        try (Ssh setup = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            SshConnection c = setup.connect("au2");
            Path marker = host.tmp().orElseThrow().resolve("namespace-marker");
            Files.writeString(marker, "au2");
            try (RemoteProcess p = c.start(CommandRequest.of(
                    "set -e; test \"$(cat /tmp/namespace-marker)\" = au2; test \"$(hostname)\" = au2;"
                            + " hash=$(openssl passwd -6 -stdin); umask 077;"
                            + " awk -F: -v OFS=: -v h=\"$hash\" '$1==\"root\"{$2=h}1' /etc/shadow > /tmp/shadow;"
                            + " mount --bind /tmp/shadow /etc/shadow"))) {
                p.stdin().write((password + "\n").getBytes(UTF_8));
                p.stdin().close();
                String err = new String(p.stderr().readAllBytes(), UTF_8);
                assertThat(p.waitFor(Duration.ofSeconds(30))).as(err).contains(ExitStatus.code(0));
            }
        }
        AtomicInteger asked = new AtomicInteger();
        Prompter prompter = (prompt, echo) -> {
            asked.incrementAndGet();
            assertThat(echo).isFalse();
            return prompt.contains("password") ? Optional.of(password.toCharArray()) : Optional.empty();
        };
        try (Ssh ssh = Ssh.builder().configFile(config).prompter(prompter).option("User", "root")
                .option("IdentityAgent", "none").option("PreferredAuthentications", "password").build()) {
            assertThat(hostname(ssh.connect("au2"))).isEqualTo("au2");
        }
        assertThat(asked).hasValue(1);
        assertThat(host.log()).contains("Accepted password for root");
        // publickey first with a key the host refuses: the refusal lists password, which then logs in
        exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "refused", "-f", dir.resolve("refused").toString());
        int from = host.log().length();
        try (Ssh ssh = Ssh.builder().configFile(config).prompter(prompter).option("User", "root")
                .option("IdentityAgent", "none").option("IdentityFile", dir.resolve("refused").toString())
                .option("PreferredAuthentications", "publickey,password").build()) {
            assertThat(hostname(ssh.connect("au2"))).isEqualTo("au2");
        }
        assertThat(asked).hasValue(2);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!host.log().substring(from).contains("Accepted password") && System.nanoTime() < deadline) {
            Thread.sleep(20); // sshd's monitor may write the line after the client has its answer
        }
        String since = host.log().substring(from);
        assertThat(since).contains("Failed publickey for root").contains("Accepted password for root");
        assertThat(since.indexOf("Failed publickey")).isLessThan(since.indexOf("Accepted password"));
        try (Ssh batch = Ssh.builder().configFile(config).option("User", "root").option("IdentityAgent", "none")
                .option("PreferredAuthentications", "password").build()) {
            assertThatThrownBy(() -> batch.connect("au2")).isInstanceOfSatisfying(SshException.class,
                    e -> assertThat(e.kind()).isEqualTo(SshException.Kind.AUTH));
        }
    }
}
