package io.drover.ssh.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.ssh.Prompter;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixAgentTest {
    @TempDir
    static Path dir;

    static RealAgent agent;
    static Path ed;
    static Path rsa;
    static Path ecdsa;

    @BeforeAll
    static void startAgent() throws Exception {
        agent = new RealAgent(dir.resolve("agent.sock"));
        ed = Tools.keygen(dir.resolve("id_ed25519"), "ed25519", 0, "");
        rsa = Tools.keygen(dir.resolve("id_rsa"), "rsa", 2048, "");
        ecdsa = Tools.keygen(dir.resolve("id_ecdsa"), "ecdsa", 384, "");
        Path ca = Tools.keygen(dir.resolve("ca"), "ed25519", 0, "");
        Tools.ok("ssh-keygen", "-q", "-s", ca.toString(), "-I", "ed-cert", "-n", "root", ed + ".pub");
        agent.add(ed.toString(), rsa.toString(), ecdsa.toString()); // adds id_ed25519-cert.pub too
    }

    @AfterAll
    static void stopAgent() throws Exception {
        agent.close();
    }

    /** Fingerprint and type of each identity as `ssh-add -l` prints them, in order. */
    private static List<String> sshAddList() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : agent.add("-l").split("\n")) {
            String[] p = line.strip().split(" ");
            if (p.length >= 3 && p[1].startsWith("SHA256:")) {
                out.add(p[1] + " " + p[p.length - 1]);
            }
        }
        return out;
    }

    private static String describe(PublicKey k) {
        return Fingerprints.sha256(k) + " (" + Fingerprints.displayType(Fingerprints.keyType(k)) + ")";
    }

    private static boolean verifies(PublicKey key, String algorithm, byte[] data, byte[] sig) throws Exception {
        Signature v = BuiltinSignatures.fromFactoryName(algorithm).create();
        v.initVerifier(null, Fingerprints.plain(key));
        v.update(null, data);
        return v.verify(null, sig);
    }

    @Test
    void listsTheSameIdentitiesAsSshAddIncludingCertificates() throws Exception {
        try (UnixAgent client = new UnixAgent(agent.socket)) {
            List<Map.Entry<PublicKey, String>> ids = client.getIdentities();
            assertThat(ids.stream().map(e -> describe(e.getKey())).toList()).isEqualTo(sshAddList());
            assertThat(ids).hasSize(4);
            assertThat(ids).anySatisfy(e -> assertThat(e.getKey())
                    .isInstanceOfSatisfying(OpenSshCertificate.class, c -> assertThat(c.getId()).isEqualTo("ed-cert")));
        }
    }

    @Test
    void signaturesFromEveryIdentityVerifyWithItsPublicKey() throws Exception {
        byte[] data = "session id and userauth request".getBytes();
        try (UnixAgent client = new UnixAgent(agent.socket)) {
            for (Map.Entry<PublicKey, String> id : client.getIdentities()) {
                PublicKey key = id.getKey();
                String plainType = Fingerprints.keyType(Fingerprints.plain(key));
                Map.Entry<String, byte[]> sig = client.sign(null, key, plainType, data);
                assertThat(verifies(key, sig.getKey(), data, sig.getValue())).as(describe(key)).isTrue();
                assertThat(verifies(key, sig.getKey(), "other".getBytes(), sig.getValue())).isFalse();
            }
        }
    }

    @Test
    void rsaSignaturesHonourTheSha2Flags() throws Exception {
        byte[] data = "data".getBytes();
        PublicKey rsaKey = Tools.publicKey(Path.of(rsa + ".pub"));
        try (UnixAgent client = new UnixAgent(agent.socket)) {
            for (String alg : List.of("rsa-sha2-256", "rsa-sha2-512")) {
                Map.Entry<String, byte[]> sig = client.sign(null, rsaKey, alg, data);
                assertThat(sig.getKey()).isEqualTo(alg);
                assertThat(verifies(rsaKey, alg, data, sig.getValue())).isTrue();
            }
            assertThat(client.sign(null, rsaKey, "ssh-rsa", data).getKey()).isEqualTo("ssh-rsa");
        }
    }

    @Test
    void signingWithAKeyTheAgentLacksFailsNamingIt() throws Exception {
        Path other = Tools.keygen(dir.resolve("not-in-agent"), "ed25519", 0, "");
        PublicKey key = Tools.publicKey(Path.of(other + ".pub"));
        try (UnixAgent client = new UnixAgent(agent.socket)) {
            assertThatThrownBy(() -> client.sign(null, key, "ssh-ed25519", new byte[] {1}))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("refused to sign with ssh-ed25519 " + Fingerprints.sha256(key));
        }
    }

    @Test
    void addsAndRemovesIdentitiesSeenBySshAdd() throws Exception {
        try (RealAgent scratch = new RealAgent(dir.resolve("scratch.sock"));
                UnixAgent client = new UnixAgent(scratch.socket)) {
            Path k = Tools.keygen(dir.resolve("to-add"), "ecdsa", 256, "");
            KeyPair pair = new Identities(Prompter.BATCH).load(List.of(k), List.of(), 1, Prompter.BATCH)
                    .identities().get(0).keyPair();
            client.addIdentity(pair, "added by drover");
            assertThat(scratch.add("-l")).contains(Fingerprints.sha256(pair.getPublic()), "added by drover");
            client.removeIdentity(pair.getPublic());
            assertThat(scratch.add("-l")).contains("no identities");
            client.addIdentity(pair, "again");
            client.removeAllIdentities();
            assertThat(scratch.add("-l")).contains("no identities");
        }
    }

    @Test
    void reconnectsWhenTheAgentWasRestarted() throws Exception {
        Path sock = dir.resolve("restart.sock");
        try (UnixAgent client = new UnixAgent(sock)) {
            try (RealAgent first = new RealAgent(sock)) {
                first.add(ed.toString());
                assertThat(client.getIdentities()).hasSize(2); // key + its certificate
            }
            try (RealAgent second = new RealAgent(sock)) {
                assertThat(client.getIdentities()).isEmpty();
            }
        }
    }

    @Test
    void missingAgentSocketIsAClearError() {
        Path nowhere = dir.resolve("no-agent.sock");
        try (UnixAgent client = new UnixAgent(nowhere)) {
            assertThatThrownBy(client::getIdentities)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot connect to the ssh-agent at " + nowhere);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void identitiesOnlyViewOffersOnlyNamedKeysAndTheirCertificates() throws Exception {
        PublicKey edKey = Tools.publicKey(Path.of(ed + ".pub"));
        AgentSettings only = new AgentSettings(Optional.of(agent.socket), false, Optional.of(List.of(edKey)));
        try (UnixAgent client = new UnixAgent(agent.socket)) {
            SshAgent view = client.view(only.offerFilter(), List.of());
            List<PublicKey> offered = new ArrayList<>();
            view.getIdentities().forEach(e -> offered.add(e.getKey()));
            assertThat(offered).hasSize(2).allSatisfy(k -> assertThat(Fingerprints.sha256(k))
                    .isEqualTo(Fingerprints.sha256(edKey)));
            view.close();
            assertThat(client.isOpen()).isTrue();
            assertThat(client.getIdentities()).hasSize(4);
            assertThatThrownBy(view::getIdentities).isInstanceOf(IOException.class);
        }
    }

    @Test
    void concurrentRequestsShareOneConnectionSafely() throws Exception {
        byte[] data = "x".getBytes();
        PublicKey edKey = Tools.publicKey(Path.of(ed + ".pub"));
        try (UnixAgent client = new UnixAgent(agent.socket)) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 200; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        Map.Entry<String, byte[]> sig = client.sign(null, edKey, "ssh-ed25519", data);
                        if (!verifies(edKey, sig.getKey(), data, sig.getValue())) {
                            failures.add(new AssertionError("bad signature"));
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void socketComesFromIdentityAgentOrTheEnvironmentLikeSsh() {
        Map<String, String> env = Map.of("SSH_AUTH_SOCK", "/run/a.sock", "MY_AGENT", "/run/b.sock");
        assertThat(AgentSocket.resolve(Optional.empty(), env)).contains(Path.of("/run/a.sock"));
        assertThat(AgentSocket.resolve(Optional.empty(), Map.of())).isEmpty();
        assertThat(AgentSocket.resolve(Optional.of("none"), env)).isEmpty();
        assertThat(AgentSocket.resolve(Optional.of("SSH_AUTH_SOCK"), env)).contains(Path.of("/run/a.sock"));
        assertThat(AgentSocket.resolve(Optional.of("$MY_AGENT"), env)).contains(Path.of("/run/b.sock"));
        assertThat(AgentSocket.resolve(Optional.of("${MY_AGENT}"), env)).contains(Path.of("/run/b.sock"));
        assertThat(AgentSocket.resolve(Optional.of("$UNSET"), env)).isEmpty();
        assertThat(AgentSocket.resolve(Optional.of("/tmp/x.sock"), env)).contains(Path.of("/tmp/x.sock"));
        assertThat(AgentSocket.resolve(Optional.of("~/agent.sock"), env))
                .contains(Path.of(System.getProperty("user.home"), "agent.sock"));
    }
}
