package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import io.drover.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public-key authentication without needless round trips, against a real OpenSSH host at {@code LogLevel DEBUG1}:
 * sshd logs {@code userauth-request for user U service ssh-connection method M} for every request it receives,
 * {@code Postponed publickey} when it answers a key query with {@code PK_OK}, and {@code Failed publickey} /
 * {@code Accepted publickey} with the key's fingerprint. Each test reads only the log of its own connections.
 */
class DirectPublicKeyTest {
    @SshHosts(count = 1, prefix = "dk", sshdConfig = "LogLevel DEBUG1")
    static SshFleet fleet;
    static TestHost host;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        host = fleet.host("dk1");
    }

    /** A new ed25519 key; authorised on the host when {@code authorise}. */
    Path key(String name, boolean authorise) throws Exception {
        Path key = dir.resolve(name);
        AuthTest.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString());
        if (authorise) {
            Files.writeString(fleet.directory().resolve("authorized_keys"),
                    Files.readString(Path.of(key + ".pub"), UTF_8), UTF_8, StandardOpenOption.APPEND);
        }
        return key;
    }

    static String fingerprint(Path key) throws Exception {
        return AuthTest.exec("ssh-keygen", "-l", "-f", key + ".pub").split(" ")[1];
    }

    /** A client config for the host offering {@code keys} in order, with {@code extra} lines under the host. */
    Path config(List<Path> keys, String... extra) throws Exception {
        StringBuilder sb = new StringBuilder("Host dk1\n  HostName ").append(host.address())
                .append("\n  User ").append(System.getProperty("user.name"))
                .append("\n  UserKnownHostsFile ").append(fleet.knownHosts())
                .append("\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n");
        for (Path k : keys) {
            sb.append("  IdentityFile ").append(k).append('\n');
        }
        for (String line : extra) {
            sb.append("  ").append(line).append('\n');
        }
        Path config = dir.resolve("config");
        Files.writeString(config, sb.toString(), UTF_8);
        return config;
    }

    /** The host's log written after {@code from} characters, once it satisfies {@code done} (10 s deadline). */
    static String logSince(int from, Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String since = host.log().substring(from);
        while (!done.test(since) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            since = host.log().substring(from);
        }
        return since;
    }

    /**
     * The methods of the authentication requests in {@code log}, in order; OpenSSH's host-bound variant
     * ({@code publickey-hostbound-v00@openssh.com}, used once the server's EXT_INFO has been read) counts as
     * {@code publickey}.
     */
    static List<String> requests(String log) {
        List<String> methods = new ArrayList<>();
        Matcher m = Pattern.compile(
                "userauth-request for user \\S+ service ssh-connection method (\\S+)").matcher(log);
        while (m.find()) {
            methods.add(m.group(1).equals("publickey-hostbound-v00@openssh.com") ? "publickey" : m.group(1));
        }
        return methods;
    }

    @Test
    void aKeyFileIsSignedInTheFirstRequestWithoutNoneOrQuery() throws Exception {
        Path key = key("direct", true);
        int from = host.log().length();
        try (Ssh ssh = Ssh.builder().configFile(config(List.of(key), "IdentityAgent none")).build()) {
            assertThat(AuthTest.hostname(ssh.connect("dk1"))).isEqualTo("dk1");
        }
        String log = logSince(from, l -> l.contains("Accepted publickey"));
        assertThat(log).contains("Accepted publickey").contains(fingerprint(key))
                .doesNotContain("Postponed publickey").doesNotContain("Failed publickey");
        assertThat(requests(log)).containsExactly("publickey");
    }

    @Test
    void aHostThatRefusesTheFirstKeyAcceptsTheSecond() throws Exception {
        Path unknown = key("unknown", false);
        Path known = key("known", true);
        int from = host.log().length();
        try (Ssh ssh = Ssh.builder().configFile(config(List.of(unknown, known), "IdentityAgent none")).build()) {
            assertThat(AuthTest.hostname(ssh.connect("dk1"))).isEqualTo("dk1");
        }
        String log = logSince(from, l -> l.contains("Accepted publickey"));
        assertThat(log).contains("Failed publickey").contains("Accepted publickey").doesNotContain("Postponed");
        assertThat(requests(log)).containsExactly("publickey", "publickey");
        assertThat(log.indexOf(fingerprint(unknown))).isNotNegative()
                .isLessThan(log.indexOf("Accepted publickey"));
        assertThat(log.substring(log.indexOf("Accepted publickey"))).contains(fingerprint(known));
    }

    @Test
    void aKeyTheHostDoesNotKnowFailsWithAuth() throws Exception {
        Path unknown = key("stranger", false);
        int from = host.log().length();
        try (Ssh ssh = Ssh.builder().configFile(config(List.of(unknown), "IdentityAgent none")).build()) {
            assertThatThrownBy(() -> ssh.connect("dk1")).isInstanceOfSatisfying(SshException.class,
                    e -> assertThat(e.kind()).isEqualTo(SshException.Kind.AUTH));
        }
        String log = logSince(from, l -> l.contains("Failed publickey"));
        assertThat(log).contains("Failed publickey").contains(fingerprint(unknown)).doesNotContain("Accepted");
        assertThat(requests(log)).containsExactly("publickey");
    }

    @Test
    void agentKeysAreStillQueriedBeforeTheAgentSigns() throws Exception {
        Path key = key("agent", true);
        Path socket = dir.resolve("agent.sock");
        Process agent = new AuthTest().startAgent(socket);
        try {
            AuthTest.exec(List.of("ssh-add", key.toString()), Optional.of(socket));
            Files.delete(key); // only the agent can sign; key.pub names the key for IdentitiesOnly
            int from = host.log().length();
            try (Ssh ssh = Ssh.builder().configFile(config(List.of(key), "IdentityAgent " + socket,
                    "IdentitiesOnly yes")).build()) {
                assertThat(AuthTest.hostname(ssh.connect("dk1"))).isEqualTo("dk1");
            }
            String log = logSince(from, l -> l.contains("Accepted publickey"));
            assertThat(log).contains("Postponed publickey").contains("Accepted publickey").contains(fingerprint(key));
            assertThat(requests(log)).containsExactly("publickey", "publickey");
        } finally {
            agent.destroy();
        }
    }

    /** sshd may demand two keys: the first signed request gets a partial success, the second key completes. */
    @Test
    @SshHosts(count = 1, prefix = "two", sshdConfig = {"LogLevel DEBUG1", "AuthenticationMethods publickey,publickey"})
    void aPartialSuccessGoesOnWithTheNextKey(SshFleet twoKeys) throws Exception {
        Path first = key("first", false);
        Path second = key("second", false);
        Files.writeString(twoKeys.directory().resolve("authorized_keys"), Files.readString(Path.of(first + ".pub"))
                + Files.readString(Path.of(second + ".pub")), UTF_8, StandardOpenOption.APPEND);
        TestHost two = twoKeys.host("two1");
        Path config = dir.resolve("two_config");
        Files.writeString(config, "Host two1\n  HostName " + two.address()
                + "\n  User " + System.getProperty("user.name")
                + "\n  UserKnownHostsFile " + twoKeys.knownHosts() + "\n  GlobalKnownHostsFile /dev/null"
                + "\n  StrictHostKeyChecking yes\n  BatchMode yes\n  IdentityAgent none\n  IdentityFile " + first
                + "\n  IdentityFile " + second + "\n", UTF_8);
        try (Ssh ssh = Ssh.builder().configFile(config).build()) {
            assertThat(AuthTest.hostname(ssh.connect("two1"))).isEqualTo("two1");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!two.log().contains("Accepted publickey") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String log = two.log();
        assertThat(log).contains("Partial publickey").contains("Accepted publickey").doesNotContain("Postponed");
        assertThat(requests(log)).containsExactly("publickey", "publickey");
    }

    /** A certificate is signed at once too, after its plain key (offered first, as ssh does) is refused. */
    @Test
    void aCertificateIsSignedInItsFirstRequest() throws Exception {
        Path ca = dir.resolve("user_ca");
        AuthTest.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ca", "-f", ca.toString());
        Path key = key("certified", false);
        AuthTest.exec("ssh-keygen", "-q", "-s", ca.toString(), "-I", "drover-cert", "-n",
                System.getProperty("user.name"), key + ".pub");
        // in the fleet's directory: the hosts' own mount namespaces hide the rest of /tmp
        Path fleetDir = Files.createDirectories(dir.resolve("ca-fleet"));
        Path trusted = Files.copy(Path.of(ca + ".pub"), fleetDir.resolve("user_ca.pub"));
        try (SshFleet caFleet = SshFleet.builder().hosts(1).namePrefix("ca").directory(fleetDir)
                .sshdConfig("LogLevel DEBUG1").sshdConfig("TrustedUserCAKeys " + trusted).start()) {
            TestHost h = caFleet.host("ca1");
            Path config = dir.resolve("ca_config");
            Files.writeString(config, "Host ca1\n  HostName " + h.address() + "\n  User "
                    + System.getProperty("user.name") + "\n  UserKnownHostsFile " + caFleet.knownHosts()
                    + "\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes"
                    + "\n  IdentityAgent none\n  IdentityFile " + key + "\n", UTF_8);
            try (Ssh ssh = Ssh.builder().configFile(config).build()) {
                assertThat(AuthTest.hostname(ssh.connect("ca1"))).isEqualTo("ca1");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!h.log().contains("Accepted publickey") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String log = h.log();
            assertThat(log).as(log).contains("Failed publickey").contains("Accepted publickey")
                    .contains("ID drover-cert")
                    .doesNotContain("Postponed");
            assertThat(requests(log)).containsExactly("publickey", "publickey");
        }
    }

    @Test
    void withoutAnyKeyTheServerIsAskedForItsMethodsFirst() throws Exception {
        int from = host.log().length();
        try (Ssh ssh = Ssh.builder().configFile(config(List.of(dir.resolve("absent")), "IdentityAgent none"))
                .build()) {
            assertThatThrownBy(() -> ssh.connect("dk1")).isInstanceOfSatisfying(SshException.class,
                    e -> assertThat(e.kind()).isEqualTo(SshException.Kind.AUTH));
        }
        String log = logSince(from, l -> l.contains("Connection closed"));
        assertThat(requests(log)).containsExactly("none");
    }
}
