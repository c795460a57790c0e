package io.drover.ssh.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.ssh.Prompter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdentitiesTest {
    private static final String PASS = "correct horse";

    @TempDir
    static Path dir;

    /** type, bits, ssh-keygen -m format (empty for the OpenSSH default), the header line expected. */
    static Stream<Arguments> formats() {
        List<Arguments> all = new ArrayList<>();
        all.add(Arguments.of("ed25519", 0, "", "-----BEGIN OPENSSH PRIVATE KEY-----"));
        for (int bits : new int[] {256, 384, 521}) {
            all.add(Arguments.of("ecdsa", bits, "", "-----BEGIN OPENSSH PRIVATE KEY-----"));
            all.add(Arguments.of("ecdsa", bits, "PEM", "-----BEGIN EC PRIVATE KEY-----"));
            all.add(Arguments.of("ecdsa", bits, "PKCS8", "-----BEGIN PRIVATE KEY-----"));
        }
        all.add(Arguments.of("rsa", 2048, "", "-----BEGIN OPENSSH PRIVATE KEY-----"));
        all.add(Arguments.of("rsa", 2048, "PEM", "-----BEGIN RSA PRIVATE KEY-----"));
        all.add(Arguments.of("rsa", 2048, "PKCS8", "-----BEGIN PRIVATE KEY-----"));
        return all.stream();
    }

    private static final java.util.Map<String, Path> BASE_KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A key file of the given type, format and passphrase. Keys of one type and size share one generated key
     * (RSA generation is slow), converted per case with {@code ssh-keygen -p -m FORMAT}; encrypted OpenSSH-format
     * keys use one bcrypt round ({@code -a 1}) so tests stay fast, which exercises the same code as the default 16.
     */
    private static Path generate(String type, int bits, String format, String passphrase) throws Exception {
        String name = type + bits + format + (passphrase.isEmpty() ? "" : "-enc") + "-" + System.nanoTime();
        Path base = BASE_KEYS.computeIfAbsent(type + bits, t -> {
            try {
                return Tools.keygen(dir.resolve("base-" + t), type, bits, "");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path key = dir.resolve(name);
        Files.copy(base, key);
        Files.copy(Path.of(base + ".pub"), Path.of(key + ".pub"));
        if (!format.isEmpty() || !passphrase.isEmpty()) {
            List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-p", "-P", "", "-N", passphrase));
            cmd.addAll(format.isEmpty() ? List.of("-a", "1") : List.of("-m", format));
            cmd.addAll(List.of("-f", key.toString()));
            Tools.ok(cmd.toArray(String[]::new));
        }
        return key;
    }

    /** A freshly generated ed25519 key (unique, unlike {@link #generate}). */
    private static Path fresh() throws Exception {
        return Tools.keygen(dir.resolve("fresh-" + System.nanoTime()), "ed25519", 0, "");
    }

    private static IdentitySet load(Identities ids, Prompter p, Path... files) {
        return ids.load(List.of(files), List.of(), 3, p);
    }

    /** Signs with the loaded private key and verifies with the public key from the .pub file. */
    private static void assertUsable(KeyPair pair, Path keyFile) throws Exception {
        PublicKey pub = Tools.publicKey(Path.of(keyFile + ".pub"));
        assertThat(Fingerprints.sha256(pair.getPublic())).isEqualTo(Tools.sshKeygenFingerprint(Path.of(keyFile
                + ".pub")));
        String alg = switch (Fingerprints.keyType(pub)) {
            case "ssh-ed25519" -> "Ed25519";
            case "ssh-rsa" -> "SHA256withRSA";
            default -> "SHA256withECDSA";
        };
        byte[] data = "drover".getBytes();
        Signature signer = Signature.getInstance(alg, "BC");
        signer.initSign(pair.getPrivate());
        signer.update(data);
        byte[] sig = signer.sign();
        Signature verifier = Signature.getInstance(alg, "BC");
        verifier.initVerify(pub);
        verifier.update(data);
        assertThat(verifier.verify(sig)).isTrue();
    }

    @BeforeAll
    static void bouncyCastle() {
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("formats")
    void unencryptedKeysOfEveryTypeAndFormatLoadWithoutPrompting(String type, int bits, String format, String header)
            throws Exception {
        Path key = generate(type, bits, format, "");
        assertThat(Files.readAllLines(key).get(0)).isEqualTo(header);
        ScriptedPrompter nobody = new ScriptedPrompter();
        IdentitySet set = load(new Identities(nobody), nobody, key);
        assertThat(set.problems()).isEmpty();
        assertThat(nobody.prompts()).isEmpty();
        assertUsable(set.identities().get(0).keyPair(), key);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("formats")
    void encryptedKeysOfEveryTypeAndFormatAskThePassphraseOnce(String type, int bits, String format, String header)
            throws Exception {
        Path key = generate(type, bits, format, PASS);
        String first = Files.readAllLines(key).get(0);
        assertThat(first).isEqualTo(header.equals("-----BEGIN PRIVATE KEY-----")
                ? "-----BEGIN ENCRYPTED PRIVATE KEY-----" : header);
        if (format.equals("PEM")) {
            assertThat(Files.readString(key)).contains("Proc-Type: 4,ENCRYPTED");
        }
        ScriptedPrompter user = new ScriptedPrompter(PASS);
        Identities ids = new Identities(user);
        IdentitySet set = load(ids, user, key);
        assertThat(set.problems()).isEmpty();
        assertThat(user.prompts()).containsExactly("Enter passphrase for key '" + key + "': ");
        assertThat(user.allAnswersZeroed()).isTrue();
        assertUsable(set.identities().get(0).keyPair(), key);
        // cached for the process: no second prompt
        assertThat(load(ids, user, key).identities()).hasSize(1);
        assertThat(user.prompts()).hasSize(1);
    }

    @Test
    void batchModeCannotDecryptAndSaysWhichKeyAndWhatToDo() throws Exception {
        Path key = generate("ed25519", 0, "", PASS);
        Path plain = fresh();
        Identities ids = new Identities(new ScriptedPrompter(PASS));
        IdentitySet set = load(ids, Prompter.BATCH, key, plain);
        assertThat(set.identities()).extracting(IdentitySet.Identity::file).containsExactly(plain);
        assertThat(set.problems()).containsExactly(new IdentityProblem.NoPassphrase(key, true));
        assertThat(set.problems().get(0).message()).contains(key.toString(), "batch mode", "ssh-add");
        // batch failures are not remembered: with a terminal the key loads
        ScriptedPrompter user = new ScriptedPrompter(PASS);
        assertThat(load(ids, user, key).identities()).hasSize(1);
    }

    @Test
    void wrongPassphraseIsAskedAgainLikeSsh() throws Exception {
        Path key = generate("ecdsa", 256, "", PASS);
        ScriptedPrompter user = new ScriptedPrompter("nope", "still no", PASS);
        IdentitySet set = load(new Identities(user), user, key);
        assertThat(set.problems()).isEmpty();
        assertThat(set.identities()).hasSize(1);
        assertThat(user.prompts()).hasSize(3);
        assertThat(user.allAnswersZeroed()).isTrue();
    }

    @Test
    void threeWrongPassphrasesGiveUpOnTheKeyForTheWholeProcess() throws Exception {
        Path key = generate("rsa", 2048, "PEM", PASS);
        ScriptedPrompter user = new ScriptedPrompter("a", "b", "c", PASS);
        Identities ids = new Identities(user);
        IdentitySet set = load(ids, user, key);
        assertThat(set.identities()).isEmpty();
        assertThat(set.problems()).containsExactly(new IdentityProblem.WrongPassphrase(key, 3));
        assertThat(set.problems().get(0).message()).contains(key.toString(), "wrong passphrase");
        assertThat(load(ids, user, key).problems()).containsExactly(new IdentityProblem.WrongPassphrase(key, 3));
        assertThat(user.prompts()).hasSize(3);
    }

    @Test
    void emptyPassphraseSkipsTheKey() throws Exception {
        Path key = generate("ed25519", 0, "", PASS);
        ScriptedPrompter user = new ScriptedPrompter("");
        assertThat(load(new Identities(user), user, key).problems())
                .containsExactly(new IdentityProblem.NoPassphrase(key, false));
    }

    @Test
    void thousandConcurrentConnectionsUsingOneEncryptedKeyCauseOnePrompt() throws Exception {
        Path key = generate("ed25519", 0, "", PASS);
        AtomicInteger asked = new AtomicInteger();
        Prompter slowUser = (prompt, echo) -> {
            asked.incrementAndGet();
            return Optional.of(PASS.toCharArray());
        };
        Identities ids = new Identities(slowUser);
        List<Thread> threads = new ArrayList<>();
        AtomicInteger loaded = new AtomicInteger();
        for (int i = 0; i < 1000; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                if (ids.load(List.of(key), List.of(), 3, slowUser).identities().size() == 1) {
                    loaded.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(asked).hasValue(1);
        assertThat(loaded).hasValue(1000);
    }

    @Test
    void missingIdentityIsAWarningAndTheOthersStillLoad() throws Exception {
        Path plain = generate("ed25519", 0, "", "");
        Path missing = dir.resolve("no-such-key");
        IdentitySet set = load(new Identities(Prompter.BATCH), Prompter.BATCH, missing, plain);
        assertThat(set.identities()).extracting(IdentitySet.Identity::file).containsExactly(plain);
        assertThat(set.problems()).containsExactly(new IdentityProblem.Missing(missing));
        assertThat(set.problems().get(0).message()).isEqualTo("no such identity: " + missing
                + ": No such file or directory");
    }

    @Test
    void missingDefaultIdentitiesAreSilentLikeSsh() {
        Path home = dir.resolve("home-ssh");
        Identities ids = new Identities(Prompter.BATCH, home);
        IdentitySet set = ids.load(List.of(home.resolve("id_rsa"), home.resolve("id_ed25519"),
                home.resolve("my_key")), List.of(), 3, Prompter.BATCH);
        assertThat(set.problems()).containsExactly(new IdentityProblem.Missing(home.resolve("my_key")));
    }

    @Test
    void identityWithOnlyAPublicKeyFileNamesItForAgentSelection() throws Exception {
        Path key = generate("ed25519", 0, "", "");
        Files.delete(key);
        IdentitySet set = load(new Identities(Prompter.BATCH), Prompter.BATCH, key);
        assertThat(set.identities()).isEmpty();
        assertThat(set.namedPublicKeys()).singleElement()
                .satisfies(k -> assertThat(Fingerprints.sha256(k)).isEqualTo(Tools.sshKeygenFingerprint(
                        Path.of(key + ".pub"))));
    }

    @Test
    void garbageIsUnreadableNamingTheFile() throws Exception {
        Path junk = dir.resolve("junk");
        Files.writeString(junk, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot base64 at all!\n-----END OPENSSH PRIVATE KEY-----\n");
        IdentitySet set = load(new Identities(Prompter.BATCH), Prompter.BATCH, junk);
        assertThat(set.problems()).singleElement().isInstanceOfSatisfying(IdentityProblem.Unreadable.class,
                u -> assertThat(u.message()).startsWith("cannot load identity " + junk));
    }

    // ---- certificates ----

    private static Path userCa() throws Exception {
        Path ca = dir.resolve("user-ca");
        if (!Files.exists(ca)) {
            Tools.keygen(ca, "ed25519", 0, "");
        }
        return ca;
    }

    private static Path sign(Path key, String id, String principals, Path out) throws Exception {
        Tools.ok("ssh-keygen", "-q", "-s", userCa().toString(), "-I", id, "-n", principals, key + ".pub");
        Path cert = Path.of(key + "-cert.pub");
        if (!cert.equals(out)) {
            Files.move(cert, out);
        }
        return out;
    }

    @Test
    void certificateNextToTheKeyIsOfferedAfterThePlainKey() throws Exception {
        Path key = generate("ecdsa", 256, "", "");
        sign(key, "alice-cert", "alice,root", Path.of(key + "-cert.pub"));
        IdentitySet set = load(new Identities(Prompter.BATCH), Prompter.BATCH, key);
        assertThat(set.problems()).isEmpty();
        IdentitySet.Identity id = set.identities().get(0);
        assertThat(id.certificates()).singleElement().satisfies(c -> {
            assertThat(c.getId()).isEqualTo("alice-cert");
            assertThat(c.getPrincipals()).containsExactly("alice", "root");
        });
        List<KeyPair> pairs = set.keyPairs();
        assertThat(pairs).hasSize(2);
        assertThat(pairs.get(0).getPublic()).isNotInstanceOf(OpenSshCertificate.class);
        assertThat(pairs.get(1).getPublic()).isInstanceOf(OpenSshCertificate.class);
        assertThat(pairs.get(1).getPrivate()).isSameAs(pairs.get(0).getPrivate());
    }

    @Test
    void certificateFilesAttachToTheirKeyOrAreKeptForAgentKeys() throws Exception {
        Path key = fresh();
        Path agentOnly = fresh();
        Path forKey = sign(key, "k", "bob", dir.resolve("elsewhere-cert.pub"));
        Path forAgent = sign(agentOnly, "a", "bob", dir.resolve("agent-cert.pub"));
        Path missing = dir.resolve("missing-cert.pub");
        IdentitySet set = new Identities(Prompter.BATCH)
                .load(List.of(key), List.of(forKey, forAgent, missing), 3, Prompter.BATCH);
        assertThat(set.identities().get(0).certificates()).extracting(OpenSshCertificate::getId).containsExactly("k");
        assertThat(set.agentCertificates()).extracting(OpenSshCertificate::getId).containsExactly("a");
        assertThat(set.problems()).containsExactly(new IdentityProblem.Missing(missing));
    }

    @Test
    void certificateForAnotherKeyNextToAKeyIsReported() throws Exception {
        Path key = fresh();
        Path other = fresh();
        sign(other, "other", "bob", Path.of(key + "-cert.pub"));
        IdentitySet set = load(new Identities(Prompter.BATCH), Prompter.BATCH, key);
        assertThat(set.identities().get(0).certificates()).isEmpty();
        assertThat(set.problems()).singleElement().isInstanceOfSatisfying(IdentityProblem.BadCertificate.class,
                b -> assertThat(b.message()).contains(key + "-cert.pub", "certifies another key"));
    }
}
