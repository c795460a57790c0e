package io.drover.ssh.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.ssh.Prompter;
import io.drover.ssh.config.StrictHostKeyChecking;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The components as the connector will wire them into MINA, against a real OpenSSH sshd and a real ssh-agent: host
 * key policy through key exchange (plain and certified host keys), identity and user-certificate authentication,
 * agent authentication, and agent forwarding over the relay channel.
 */
class MinaIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    static TestSshd sshd;
    static RealAgent agent;
    static SshClient client;
    static DroverAgentFactory agents;
    static Path fileKey;
    static Path agentKey;

    @BeforeAll
    static void start() throws Exception {
        sshd = new TestSshd(dir.resolve("sshd"));
        fileKey = Tools.keygen(dir.resolve("id_file"), "ecdsa", 256, "");
        agentKey = Tools.keygen(dir.resolve("id_agent"), "ed25519", 0, "");
        sshd.authorize(fileKey);
        sshd.authorize(agentKey);
        agent = new RealAgent(dir.resolve("agent.sock"));
        agent.add(agentKey.toString());
        agents = new DroverAgentFactory();
        client = SshClient.setUpDefaultClient();
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(HostKeyVerifierAdapter.FROM_SESSION);
        client.setAgentFactory(agents);
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        agents.close();
        agent.close();
        sshd.close();
    }

    private static HostKeyTarget target() {
        return HostKeyTarget.of("127.0.0.1", sshd.port, Optional.empty());
    }

    private record Connection(ClientSession session, HostKeyVerifierAdapter verifier) {}

    private static Connection connect(HostKeyPolicy policy, AgentSettings agentSettings) throws Exception {
        HostKeyVerifierAdapter verifier = new HostKeyVerifierAdapter(policy, target());
        Map<AttributeRepository.AttributeKey<?>, Object> context = new HashMap<>();
        context.put(HostKeyVerifierAdapter.SESSION_KEY, verifier);
        context.put(DroverAgentFactory.SETTINGS, agentSettings);
        ClientSession session = client.connect("root", "127.0.0.1", sshd.port,
                        AttributeRepository.ofAttributesMap(context), null)
                .verify(TIMEOUT)
                .getSession();
        return new Connection(session, verifier);
    }

    private static String exec(ClientSession session, String command, boolean forwardAgent) throws Exception {
        try (ChannelExec ch = session.createExecChannel(command)) {
            ch.setAgentForwarding(forwardAgent);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ch.setOut(out);
            ch.setErr(out);
            ch.open().verify(TIMEOUT);
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static HostKeyPolicy policy(String knownHosts, StrictHostKeyChecking mode) throws Exception {
        Path kh = Files.createTempFile(dir, "known_hosts", "");
        Files.writeString(kh, knownHosts);
        return HostKeyPolicy.builder(KnownHosts.load(List.of(kh))).appendTo(kh).mode(mode).build();
    }

    private static String hostKeyLine() throws Exception {
        return sshd.hostKeyName() + " " + Tools.keyField(Path.of(sshd.hostKey + ".pub")) + "\n";
    }

    @Test
    void knownHostKeyAndIdentityFileAuthenticate() throws Exception {
        IdentitySet ids = new Identities(Prompter.BATCH).load(List.of(fileKey), List.of(), 1, Prompter.BATCH);
        Connection c = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES), AgentSettings.NONE);
        try (ClientSession s = c.session()) {
            ids.keyPairs().forEach(s::addPublicKeyIdentity);
            s.auth().verify(TIMEOUT);
            assertThat(exec(s, "echo hello", false)).isEqualTo("hello\n");
            assertThat(c.verifier().decision()).get().isInstanceOf(HostKeyDecision.Accepted.class);
        }
    }

    @Test
    void unknownHostKeyInStrictModeFailsWithTheRealReason() throws Exception {
        HostKeyPolicy strict = policy("", StrictHostKeyChecking.YES);
        HostKeyVerifierAdapter verifier = new HostKeyVerifierAdapter(strict, target());
        assertThatThrownBy(() -> {
            ClientSession s = client.connect("root", "127.0.0.1", sshd.port,
                            AttributeRepository.ofKeyValuePair(HostKeyVerifierAdapter.SESSION_KEY, verifier), null)
                    .verify(TIMEOUT)
                    .getSession();
            try (s) {
                s.auth().verify(TIMEOUT);
            }
        }).isInstanceOf(Exception.class);
        assertThat(verifier.refusal()).get().asString()
                .contains("no ED25519 host key is known for " + sshd.hostKeyName());
    }

    @Test
    void changedHostKeyIsRefusedDuringKeyExchange() throws Exception {
        Path other = Tools.keygen(dir.resolve("not-the-host-key"), "ed25519", 0, "");
        HostKeyPolicy p = policy(sshd.hostKeyName() + " " + Tools.keyField(Path.of(other + ".pub")) + "\n",
                StrictHostKeyChecking.ACCEPT_NEW);
        HostKeyVerifierAdapter verifier = new HostKeyVerifierAdapter(p, target());
        assertThatThrownBy(() -> client.connect("root", "127.0.0.1", sshd.port,
                                AttributeRepository.ofKeyValuePair(HostKeyVerifierAdapter.SESSION_KEY, verifier),
                                null)
                        .verify(TIMEOUT)
                        .getSession()
                        .auth()
                        .verify(TIMEOUT))
                .isInstanceOf(Exception.class);
        assertThat(verifier.refusal()).get().asString().contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
    }

    /** A HashKnownHosts-style file: 300 hashed lines for other hosts, then the given lines for this server. */
    private static Path hashedKnownHosts(String name, String... serverLines) throws Exception {
        StringBuilder text = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        String otherKey = Tools.keyField(Path.of(fileKey + ".pub"));
        for (int i = 0; i < 300; i++) {
            byte[] salt = new byte[20];
            random.nextBytes(salt);
            text.append(KnownHostsEntry.hashName("other" + i + ".example.org", salt)).append(' ').append(otherKey)
                    .append('\n');
        }
        for (String line : serverLines) {
            text.append(line).append('\n');
        }
        Path kh = dir.resolve(name);
        Files.writeString(kh, text);
        return kh;
    }

    private static String hashedServerLine(String keyField, String marker) {
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        return marker + KnownHostsEntry.hashName(sshd.hostKeyName(), salt) + " " + keyField;
    }

    private static HostKeyVerifierAdapter handshake(KnownHosts knownHosts) {
        HostKeyPolicy policy = HostKeyPolicy.builder(knownHosts).mode(StrictHostKeyChecking.YES).build();
        HostKeyVerifierAdapter verifier = new HostKeyVerifierAdapter(policy, target());
        try (ClientSession s = client.connect("root", "127.0.0.1", sshd.port,
                        AttributeRepository.ofKeyValuePair(HostKeyVerifierAdapter.SESSION_KEY, verifier), null)
                .verify(TIMEOUT)
                .getSession()) {
            // key exchange (and so the host key decision) is over once the server waits for authentication
            s.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.WAIT_AUTH, ClientSession.ClientSessionEvent.CLOSED),
                    TIMEOUT);
        } catch (java.io.IOException refused) {
            // the verifier holds the reason
        }
        return verifier;
    }

    @Test
    void hashedKnownHostsCachedByAnEarlierRunStillDecideEveryHandshake() throws Exception {
        String hostKey = Tools.keyField(Path.of(sshd.hostKey + ".pub"));
        Path kh = hashedKnownHosts("known_hosts_hashed", hashedServerLine(hostKey, ""));
        Path cacheDir = dir.resolve("cache");

        KnownHostsCache first = KnownHostsCache.in(cacheDir, 1);
        assertThat(handshake(KnownHosts.load(List.of(kh), Optional.of(first))).decision()).get()
                .isInstanceOf(HostKeyDecision.Accepted.class);
        first.flush();

        KnownHostsCache second = KnownHostsCache.in(cacheDir, 1);
        KnownHosts again = KnownHosts.load(List.of(kh), Optional.of(second));
        assertThat(handshake(again).decision()).get().isInstanceOf(HostKeyDecision.Accepted.class);
        assertThat(again.hashedChecks()).as("answered by the cache: only the server's line checked").isEqualTo(1);
        second.flush();

        // the host key replaced in the file (same hashed name): refused, naming the line
        String other = Tools.keyField(Path.of(Tools.keygen(dir.resolve("other-host-key"), "ed25519", 0, "") + ".pub"));
        Files.writeString(kh, Files.readString(kh).replace(hostKey, other));
        KnownHostsCache third = KnownHostsCache.in(cacheDir, 1);
        HostKeyVerifierAdapter changed = handshake(KnownHosts.load(List.of(kh), Optional.of(third)));
        assertThat(changed.refusal()).get().asString()
                .contains("REMOTE HOST IDENTIFICATION HAS CHANGED").contains(kh + ":301");
        third.flush();

        // the real key listed again, and revoked by a line appended later: refused
        Files.writeString(kh, Files.readString(kh).replace(other, hostKey));
        KnownHostsCache fourth = KnownHostsCache.in(cacheDir, 1);
        assertThat(handshake(KnownHosts.load(List.of(kh), Optional.of(fourth))).decision()).get()
                .isInstanceOf(HostKeyDecision.Accepted.class);
        fourth.flush();
        Files.writeString(kh, hashedServerLine(hostKey, "@revoked ") + "\n", java.nio.file.StandardOpenOption.APPEND);
        KnownHostsCache fifth = KnownHostsCache.in(cacheDir, 1);
        KnownHosts revoked = KnownHosts.load(List.of(kh), Optional.of(fifth));
        assertThat(handshake(revoked).refusal()).get().asString().contains("is marked @revoked at " + kh + ":302");
        assertThat(revoked.hashedChecks()).as("the cached line and the appended one").isEqualTo(2);
        fifth.flush();
    }

    @Test
    void hostCertificateFromATrustedCaIsAcceptedThroughKeyExchange() throws Exception {
        String ca = "@cert-authority [127.0.0.1]:* " + Tools.keyField(Path.of(sshd.dir.resolve("host_ca") + ".pub"))
                + "\n";
        Connection c = connect(policy(ca, StrictHostKeyChecking.YES), AgentSettings.NONE);
        try (ClientSession s = c.session()) {
            s.addPublicKeyIdentity(new Identities(Prompter.BATCH)
                    .load(List.of(fileKey), List.of(), 1, Prompter.BATCH)
                    .keyPairs()
                    .get(0));
            s.auth().verify(TIMEOUT);
            assertThat(c.verifier().decision()).get().extracting(HostKeyDecision::verdict)
                    .isInstanceOfSatisfying(HostKeyVerdict.CertAuthorityMatch.class, m -> assertThat(
                                    m.certificateId())
                            .isEqualTo("test-host"));
        }
    }

    @Test
    void userCertificateAuthenticatesWhereThePlainKeyIsNotAuthorized() throws Exception {
        Path certOnly = Tools.keygen(dir.resolve("id_cert_only"), "ed25519", 0, "");
        Tools.ok("ssh-keygen", "-q", "-s", sshd.userCa.toString(), "-I", "cert-user", "-n", "root",
                certOnly + ".pub");
        IdentitySet ids = new Identities(Prompter.BATCH).load(List.of(certOnly), List.of(), 1, Prompter.BATCH);
        assertThat(ids.keyPairs()).hasSize(2);
        Connection c = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES), AgentSettings.NONE);
        try (ClientSession s = c.session()) {
            ids.keyPairs().forEach(s::addPublicKeyIdentity);
            s.auth().verify(TIMEOUT);
            assertThat(exec(s, "echo cert", false)).isEqualTo("cert\n");
        }
        // and the plain key alone is refused, so it was the certificate that worked
        Connection plain = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES), AgentSettings.NONE);
        try (ClientSession s = plain.session()) {
            s.addPublicKeyIdentity(ids.keyPairs().get(0));
            assertThatThrownBy(() -> s.auth().verify(TIMEOUT)).isInstanceOf(Exception.class);
        }
    }

    @Test
    void agentKeyAuthenticatesThroughTheUnixSocketClient() throws Exception {
        AgentSettings settings = new AgentSettings(Optional.of(agent.socket), false, Optional.empty());
        Connection c = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES), settings);
        try (ClientSession s = c.session()) {
            s.auth().verify(TIMEOUT);
            assertThat(exec(s, "echo agent", false)).isEqualTo("agent\n");
        }
    }

    @Test
    void forwardedAgentServesTheLocalAgentsKeysOnTheRemoteHost() throws Exception {
        AgentSettings settings = new AgentSettings(Optional.of(agent.socket), true, Optional.empty());
        Connection c = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES), settings);
        try (ClientSession s = c.session()) {
            s.auth().verify(TIMEOUT);
            String listed = exec(s, "ssh-add -l", true);
            assertThat(listed).contains(Tools.sshKeygenFingerprint(Path.of(agentKey + ".pub")));
            // several forwarded connections in a row, each relayed on its own channel
            assertThat(exec(s, "ssh-add -l; ssh-add -L", true)).contains("ssh-ed25519 ");
        }
    }

    @Test
    void serverCannotOpenAnAgentChannelUnlessForwardingWasAskedFor() throws Exception {
        AgentSettings noForward = new AgentSettings(Optional.of(agent.socket), false, Optional.empty());
        Connection c = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES), noForward);
        try (ClientSession s = c.session()) {
            s.auth().verify(TIMEOUT);
            String listed = exec(s, "ssh-add -l; echo exit=$?", true);
            assertThat(listed).doesNotContain(Tools.sshKeygenFingerprint(Path.of(agentKey + ".pub")));
            assertThat(listed).containsPattern("exit=[1-9][0-9]*"); // ssh-add cannot reach an agent
        }
    }

    @Test
    void identitiesOnlyHidesOtherAgentKeys() throws Exception {
        AgentSettings onlyFileKey = new AgentSettings(Optional.of(agent.socket), false,
                Optional.of(List.of(Tools.publicKey(Path.of(fileKey + ".pub")))));
        Connection c = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES), onlyFileKey);
        try (ClientSession s = c.session()) {
            assertThatThrownBy(() -> s.auth().verify(TIMEOUT)).isInstanceOf(Exception.class);
        }
    }

    @Test
    void agentHeldUserCertificateAuthenticates() throws Exception {
        Path key = Tools.keygen(dir.resolve("id_agent_cert"), "ed25519", 0, "");
        Tools.ok("ssh-keygen", "-q", "-s", sshd.userCa.toString(), "-I", "agent-cert", "-n", "root", key + ".pub");
        try (RealAgent scratch = new RealAgent(dir.resolve("cert-agent.sock"))) {
            scratch.add(key.toString()); // the key and id_agent_cert-cert.pub
            assertThat(scratch.add("-l")).contains("ED25519-CERT");
            Connection c = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES),
                    new AgentSettings(Optional.of(scratch.socket), false, Optional.empty()));
            try (ClientSession s = c.session()) {
                s.auth().verify(TIMEOUT);
                assertThat(exec(s, "echo via-agent-cert", false)).isEqualTo("via-agent-cert\n");
            }
        }
    }

    @Test
    void certificateFileForAKeyOnlyInTheAgentIsOfferedAndSignedByTheAgent() throws Exception {
        Path key = Tools.keygen(dir.resolve("id_agent_plain"), "rsa", 2048, "");
        try (RealAgent scratch = new RealAgent(dir.resolve("plain-agent.sock"))) {
            scratch.add(key.toString()); // no certificate next to it yet: the agent holds only the plain key
            Tools.ok("ssh-keygen", "-q", "-s", sshd.userCa.toString(), "-I", "file-cert", "-n", "root",
                    key + ".pub");
            Path certFile = dir.resolve("separate-cert.pub");
            Files.move(Path.of(key + "-cert.pub"), certFile);
            IdentitySet ids = new Identities(Prompter.BATCH).load(List.of(), List.of(certFile), 1, Prompter.BATCH);
            assertThat(ids.agentCertificates()).hasSize(1);
            AgentSettings settings = new AgentSettings(Optional.of(scratch.socket), false, Optional.empty(),
                    ids.agentCertificates());
            Connection c = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES), settings);
            try (ClientSession s = c.session()) {
                s.auth().verify(TIMEOUT);
                assertThat(exec(s, "echo via-file-cert", false)).isEqualTo("via-file-cert\n");
            }
            // without the certificate the agent's plain key is not authorized
            Connection plain = connect(policy(hostKeyLine(), StrictHostKeyChecking.YES),
                    new AgentSettings(Optional.of(scratch.socket), false, Optional.empty()));
            try (ClientSession s = plain.session()) {
                assertThatThrownBy(() -> s.auth().verify(TIMEOUT)).isInstanceOf(Exception.class);
            }
        }
    }
}
