package io.drover.ssh.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.ssh.Prompter;
import io.drover.ssh.config.StrictHostKeyChecking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyPolicyTest {
    @TempDir
    static Path keys;

    @TempDir
    Path dir;

    static PublicKey ed;
    static PublicKey ed2;
    static String edFp;
    static String ed2Fp;
    static String edField;

    @BeforeAll
    static void generate() throws Exception {
        Path a = Tools.keygen(keys.resolve("a"), "ed25519", 0, "");
        Path b = Tools.keygen(keys.resolve("b"), "ed25519", 0, "");
        ed = Tools.publicKey(Path.of(a + ".pub"));
        ed2 = Tools.publicKey(Path.of(b + ".pub"));
        edFp = Tools.sshKeygenFingerprint(Path.of(a + ".pub"));
        ed2Fp = Tools.sshKeygenFingerprint(Path.of(b + ".pub"));
        edField = Tools.keyField(Path.of(a + ".pub"));
    }

    private HostKeyPolicy policy(Path file, StrictHostKeyChecking mode, Prompter prompter) {
        return HostKeyPolicy.builder(KnownHosts.load(List.of(file)))
                .appendTo(file)
                .mode(mode)
                .prompter(prompter)
                .build();
    }

    private static HostKeyTarget target(String host) {
        return HostKeyTarget.of(host, 22, Optional.empty());
    }

    @Test
    void strictModeRefusesAnUnknownKeyNamingHostAndFingerprint() {
        Path kh = dir.resolve("known_hosts");
        HostKeyDecision d = policy(kh, StrictHostKeyChecking.YES, Prompter.BATCH).check(target("web1"), ed);
        assertThat(d).isInstanceOfSatisfying(HostKeyDecision.Refused.class, r -> assertThat(r.reason())
                .contains("no ED25519 host key is known for web1", edFp, "StrictHostKeyChecking is yes"));
        assertThat(kh).doesNotExist();
    }

    @Test
    void acceptNewRecordsTheKeyWhereSshKeygenFindsItAndTrustsItNextTime() throws Exception {
        Path kh = dir.resolve("known_hosts");
        HostKeyPolicy p = policy(kh, StrictHostKeyChecking.ACCEPT_NEW, Prompter.BATCH);
        HostKeyDecision d = p.check(HostKeyTarget.of("Web1", 2222, Optional.empty()), ed);
        assertThat(d).isInstanceOfSatisfying(HostKeyDecision.Accepted.class, a -> assertThat(a.notices())
                .containsExactly("Permanently added '[web1]:2222' (ED25519) to the list of known hosts (" + kh
                        + ":1)."));
        assertThat(Files.readString(kh)).isEqualTo("[web1]:2222 " + edField + "\n");
        assertThat(Tools.ok("ssh-keygen", "-F", "[web1]:2222", "-f", kh.toString()))
                .contains("found: line 1");
        assertThat(p.check(HostKeyTarget.of("web1", 2222, Optional.empty()), ed))
                .isEqualTo(new HostKeyDecision.Accepted(
                        new HostKeyVerdict.Known(KnownHosts.load(List.of(kh)).entries().get(0)), List.of()));
        // a fresh policy reading the file agrees
        assertThat(policy(kh, StrictHostKeyChecking.YES, Prompter.BATCH)
                        .check(HostKeyTarget.of("web1", 2222, Optional.empty()), ed))
                .isInstanceOf(HostKeyDecision.Accepted.class);
    }

    @Test
    void acceptNewWritesHashedNamesWhenAskedThatSshKeygenCanFind() throws Exception {
        Path kh = dir.resolve("known_hosts");
        HostKeyPolicy p = HostKeyPolicy.builder(KnownHosts.load(List.of(kh)))
                .appendTo(kh)
                .mode(StrictHostKeyChecking.ACCEPT_NEW)
                .hashNewEntries(true)
                .build();
        assertThat(p.check(target("db1.example.com"), ed)).isInstanceOf(HostKeyDecision.Accepted.class);
        assertThat(Files.readString(kh)).startsWith("|1|").doesNotContain("db1");
        assertThat(Tools.ok("ssh-keygen", "-F", "db1.example.com", "-f", kh.toString())).contains("found: line 1");
    }

    @Test
    void changedKeyIsRefusedInEveryModeNamingFileLineAndBothFingerprints() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "# hosts\nweb1 " + edField + "\n");
        String before = Files.readString(kh);
        for (StrictHostKeyChecking mode : StrictHostKeyChecking.values()) {
            HostKeyDecision d = policy(kh, mode, new ScriptedPrompter("yes")).check(target("web1"), ed2);
            assertThat(d).as("mode %s", mode).isInstanceOfSatisfying(HostKeyDecision.Refused.class, r -> assertThat(
                            r.reason())
                    .contains("REMOTE HOST IDENTIFICATION HAS CHANGED", kh + ":2", edFp, ed2Fp));
        }
        assertThat(Files.readString(kh)).isEqualTo(before);
    }

    @Test
    void revokedKeyIsRefusedInEveryMode() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "@revoked * " + edField + "\n");
        for (StrictHostKeyChecking mode : StrictHostKeyChecking.values()) {
            assertThat(policy(kh, mode, new ScriptedPrompter("yes")).check(target("web1"), ed))
                    .as("mode %s", mode)
                    .isInstanceOfSatisfying(HostKeyDecision.Refused.class, r -> assertThat(r.reason())
                            .contains("@revoked", kh + ":1", edFp));
        }
    }

    @Test
    void noCheckingAcceptsWithAPerHostNoticeAndRecordsNothing() {
        Path kh = dir.resolve("known_hosts");
        HostKeyDecision d = policy(kh, StrictHostKeyChecking.NO, Prompter.BATCH).check(target("web7"), ed);
        assertThat(d).isInstanceOfSatisfying(HostKeyDecision.Accepted.class, a -> assertThat(a.notices())
                .singleElement()
                .asString()
                .contains("StrictHostKeyChecking=no", "web7", edFp));
        assertThat(kh).doesNotExist();
    }

    @Test
    void askInBatchModeRefuses() {
        Path kh = dir.resolve("known_hosts");
        assertThat(policy(kh, StrictHostKeyChecking.ASK, Prompter.BATCH).check(target("web1"), ed))
                .isInstanceOfSatisfying(HostKeyDecision.Refused.class, r -> assertThat(r.reason())
                        .contains("batch mode"));
    }

    @Test
    void askAcceptsYesOrTheFingerprintAndRecords() throws Exception {
        Path kh = dir.resolve("known_hosts");
        ScriptedPrompter yes = new ScriptedPrompter("maybe", "yes");
        assertThat(policy(kh, StrictHostKeyChecking.ASK, yes).check(target("web1"), ed))
                .isInstanceOf(HostKeyDecision.Accepted.class);
        assertThat(yes.prompts()).hasSize(2);
        assertThat(yes.prompts().get(0))
                .contains("The authenticity of host 'web1' can't be established.", "ED25519 key fingerprint is "
                        + edFp);
        assertThat(yes.prompts().get(1)).isEqualTo("Please type 'yes', 'no' or the fingerprint: ");
        assertThat(yes.allAnswersZeroed()).isTrue();

        ScriptedPrompter byFingerprint = new ScriptedPrompter(edFp);
        assertThat(policy(kh, StrictHostKeyChecking.ASK, byFingerprint).check(target("web2"), ed))
                .isInstanceOf(HostKeyDecision.Accepted.class);
        assertThat(KnownHosts.load(List.of(kh)).entries()).extracting(KnownHostsEntry::hosts)
                .containsExactly("web1", "web2");
    }

    @Test
    void askRefusesNoAndRepeatedNonsense() {
        Path kh = dir.resolve("known_hosts");
        assertThat(policy(kh, StrictHostKeyChecking.ASK, new ScriptedPrompter("no")).check(target("w"), ed))
                .isInstanceOfSatisfying(HostKeyDecision.Refused.class, r -> assertThat(r.reason())
                        .contains("declined"));
        assertThat(policy(kh, StrictHostKeyChecking.ASK, new ScriptedPrompter("a", "b", "c", "yes"))
                        .check(target("w"), ed))
                .isInstanceOf(HostKeyDecision.Refused.class);
        assertThat(kh).doesNotExist();
    }

    @Test
    void devNullAsKnownHostsIsNeverReplaced() throws Exception {
        Path devNull = Path.of("/dev/null");
        HostKeyDecision d = policy(devNull, StrictHostKeyChecking.ACCEPT_NEW, Prompter.BATCH).check(target("w"), ed);
        assertThat(d).isInstanceOfSatisfying(HostKeyDecision.Accepted.class, a -> assertThat(a.notices())
                .singleElement()
                .asString()
                .contains("not recorded", "/dev/null is not a regular file"));
        assertThat(Files.isRegularFile(devNull)).isFalse();
        assertThat(Files.exists(devNull)).isTrue();
    }

    @Test
    void appendingKeepsTheFileModeAndCreatesMissingDirectoriesPrivate() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "other " + edField); // no trailing newline
        Files.setPosixFilePermissions(kh, PosixFilePermissions.fromString("rw-------"));
        policy(kh, StrictHostKeyChecking.ACCEPT_NEW, Prompter.BATCH).check(target("new1"), ed2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kh))).isEqualTo("rw-------");
        assertThat(Files.readAllLines(kh)).hasSize(2);
        assertThat(KnownHosts.load(List.of(kh)).entries()).extracting(KnownHostsEntry::line).containsExactly(1, 2);

        Path nested = dir.resolve("fresh/.ssh/known_hosts");
        policy(nested, StrictHostKeyChecking.ACCEPT_NEW, Prompter.BATCH).check(target("new2"), ed2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.getParent())))
                .isEqualTo("rwx------");
        assertThat(dir.resolve("fresh/.ssh").toFile().list())
                .as("no temporary files left behind")
                .containsExactlyInAnyOrder("known_hosts", "known_hosts.lock");
    }

    @Test
    void appendingThroughASymlinkUpdatesItsTargetAndKeepsTheLink() throws Exception {
        Path real = dir.resolve("real_known_hosts");
        Files.writeString(real, "");
        Path link = dir.resolve("known_hosts");
        Files.createSymbolicLink(link, real);
        policy(link, StrictHostKeyChecking.ACCEPT_NEW, Prompter.BATCH).check(target("l1"), ed);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).startsWith("l1 ");
        assertThat(Files.readSymbolicLink(link)).isEqualTo(real);
    }

    @Test
    void verifierAdapterKeepsTheRefusalReasonForTheConnector() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "web1 " + edField + "\n");
        HostKeyVerifierAdapter adapter =
                new HostKeyVerifierAdapter(policy(kh, StrictHostKeyChecking.YES, Prompter.BATCH), target("web1"));
        assertThat(adapter.refusal()).isEmpty();
        assertThat(adapter.verifyServerKey(null, null, ed2)).isFalse();
        assertThat(adapter.refusal()).get().asString().contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
        assertThat(adapter.verifyServerKey(null, null, ed)).isTrue();
        assertThat(adapter.refusal()).isEmpty();
        assertThat(adapter.notices()).isEmpty();
    }

    @Test
    void trustBuildsPoliciesFromHostConfigAndSharesOneSnapshotPerFileSet() throws Exception {
        Path kh = dir.resolve("known_hosts");
        HostKeyTrust trust = new HostKeyTrust(new ScriptedPrompter("yes"), java.time.InstantSource.system());
        var config = TestConfigs.host("h1", "10.1.1.1", 2200, List.of(kh), StrictHostKeyChecking.ACCEPT_NEW,
                Map.of("hostkeyalias", List.of("h1-alias"), "hashknownhosts", List.of("no")));
        HostKeyVerifierAdapter v = trust.verifier(config);
        assertThat(v.target()).isEqualTo(new HostKeyTarget("h1-alias", "h1-alias"));
        assertThat(v.verifyServerKey(null, null, ed)).isTrue();
        assertThat(v.notices()).singleElement().asString().contains("Permanently added 'h1-alias'");
        assertThat(trust.policy(config)).isSameAs(trust.policy(config));
        assertThat(trust.verifier(config).verifyServerKey(null, null, ed)).isTrue();
        assertThat(Files.readAllLines(kh)).hasSize(1);

        var batch = TestConfigs.host("h2", "h2", 22, List.of(kh), StrictHostKeyChecking.ASK, Map.of(), true);
        HostKeyVerifierAdapter asked = trust.verifier(batch);
        assertThat(asked.verifyServerKey(null, null, ed2)).isFalse();
        assertThat(asked.refusal()).get().asString().contains("batch mode");
    }
}
