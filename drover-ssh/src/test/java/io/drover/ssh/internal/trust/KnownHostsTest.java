package io.drover.ssh.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.ssh.SshException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsTest {
    @TempDir
    static Path dir;

    static Path ed;
    static Path rsa;
    static Path ecdsa;
    static Path ed2;

    @BeforeAll
    static void keys() throws Exception {
        ed = Tools.keygen(dir.resolve("ed"), "ed25519", 0, "");
        rsa = Tools.keygen(dir.resolve("rsa"), "rsa", 2048, "");
        ecdsa = Tools.keygen(dir.resolve("ecdsa"), "ecdsa", 256, "");
        ed2 = Tools.keygen(dir.resolve("ed2"), "ed25519", 0, "");
    }

    static Path pub(Path key) {
        return Path.of(key + ".pub");
    }

    static PublicKey key(Path key) throws Exception {
        return Tools.publicKey(pub(key));
    }

    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void fingerprintsAreThoseSshKeygenPrints() throws Exception {
        Path ec384 = Tools.keygen(dir.resolve("ec384"), "ecdsa", 384, "");
        Path ec521 = Tools.keygen(dir.resolve("ec521"), "ecdsa", 521, "");
        for (Path k : List.of(ed, rsa, ecdsa, ec384, ec521)) {
            assertThat(Fingerprints.sha256(key(k))).isEqualTo(Tools.sshKeygenFingerprint(pub(k)));
        }
    }

    /** Builds a file with every kind of line, and its `ssh-keygen -H` hashed twin. */
    private Path sampleFile(String name) throws Exception {
        String e = Tools.keyField(pub(ed));
        String r = Tools.keyField(pub(rsa));
        String c = Tools.keyField(pub(ecdsa));
        String content = String.join(
                "\n",
                "# a comment",
                "",
                "   ",
                "web1,web2 " + e,
                "[web3]:2222 " + e + " a comment with spaces",
                "\t[db.example.com]:2200,[db2.example.com]:2200 " + c,
                "@revoked * " + r,
                "@cert-authority *.example.com,!bad.example.com " + e,
                "!bad*,*.bad.com " + r,
                "web? " + c,
                "WEB-UPPER " + e,
                "[*.wild.org]:* " + c,
                "10.0.0.? " + e,
                "");
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private static TreeSet<String> sshKeygenFind(Path file, String host) throws Exception {
        Tools.Result r = Tools.run(java.util.Map.of(), "ssh-keygen", "-F", host, "-f", file.toString());
        TreeSet<String> found = new TreeSet<>();
        for (String line : r.out().split("\n")) {
            // "# Host web1 found: line 3 " or "... line 5 REVOKED" / "CA"
            if (line.startsWith("# Host ")) {
                String[] p = line.strip().split(" ");
                int at = List.of(p).indexOf("line");
                String marker = p.length > at + 2 ? p[at + 2] : "";
                found.add(p[at + 1] + marker);
            }
        }
        return found;
    }

    private static TreeSet<String> ours(KnownHosts kh, String host) {
        TreeSet<String> found = new TreeSet<>();
        for (KnownHostsEntry e : kh.matching(host)) {
            String marker = switch (e.marker()) {
                case NONE -> "";
                case CERT_AUTHORITY -> "CA";
                case REVOKED -> "REVOKED";
            };
            found.add(e.line() + marker);
        }
        return found;
    }

    @Test
    void lookupFindsTheSameLinesAsSshKeygenFindForPlainAndHashedFiles() throws Exception {
        Path plain = sampleFile("kh-plain");
        Path hashed = sampleFile("kh-hashed");
        Tools.ok("ssh-keygen", "-H", "-f", hashed.toString());
        assertThat(Files.readString(hashed)).contains("|1|");
        List<String> names = List.of(
                "web1", "web2", "web3", "[web3]:2222", "[web3]:22", "[db.example.com]:2200",
                "[db2.example.com]:2200", "db.example.com", "x.example.com", "bad.example.com", "a.bad.com",
                "badger", "webx", "web12", "web-upper", "WEB-UPPER", "[a.wild.org]:7", "10.0.0.5", "10.0.0.55",
                "nothing");
        for (Path file : List.of(plain, hashed)) {
            KnownHosts kh = KnownHosts.load(List.of(file));
            assertThat(kh.problems()).isEmpty();
            for (String name : names) {
                assertThat(ours(kh, name)).as("%s in %s", name, file.getFileName())
                        .isEqualTo(sshKeygenFind(file, name));
            }
        }
    }

    @Test
    void lookupKeepsFileOrderAcrossPlainNamesPatternsAndRepeatedNames() throws Exception {
        String e = Tools.keyField(pub(ed));
        String content = String.join("\n", "web? " + e, "web1,web1 " + e, "db,!web2,web* " + e, "WEB1 " + e,
                "web2 " + e, "web1 " + e, "");
        KnownHosts kh = KnownHosts.parse(dir.resolve("kh-order"), content);
        assertThat(kh.matching("web1")).extracting(KnownHostsEntry::line).containsExactly(1, 2, 3, 4, 6);
        assertThat(kh.matching("Web2")).extracting(KnownHostsEntry::line).containsExactly(1, 5);
        assertThat(kh.matching("db")).extracting(KnownHostsEntry::line).containsExactly(3);
        assertThat(kh.matching("nothing")).isEmpty();
    }

    @Test
    void knownKeyIsKnownWithItsLine() throws Exception {
        KnownHosts kh = KnownHosts.load(List.of(sampleFile("kh-known")));
        HostKeyVerdict v = kh.verify(HostKeyTarget.of("web2", 22, Optional.empty()), key(ed), NOW);
        assertThat(v).isInstanceOfSatisfying(HostKeyVerdict.Known.class, k -> assertThat(k.entry().line())
                .isEqualTo(4));
        assertThat(kh.verify(HostKeyTarget.of("WEB3", 2222, Optional.empty()), key(ed), NOW))
                .isInstanceOf(HostKeyVerdict.Known.class);
    }

    @Test
    void portTwentyTwoIsLookedUpWithoutBrackets() throws Exception {
        KnownHosts kh = KnownHosts.load(List.of(sampleFile("kh-port")));
        assertThat(HostKeyTarget.of("web3", 22, Optional.empty()).hostKeyName()).isEqualTo("web3");
        assertThat(kh.verify(HostKeyTarget.of("web3", 22, Optional.empty()), key(ed), NOW))
                .isInstanceOf(HostKeyVerdict.Unknown.class);
        assertThat(kh.verify(HostKeyTarget.of("web3", 2222, Optional.empty()), key(ed), NOW))
                .isInstanceOf(HostKeyVerdict.Known.class);
    }

    @Test
    void hostKeyAliasReplacesNameAndPort() throws Exception {
        KnownHosts kh = KnownHosts.load(List.of(sampleFile("kh-alias")));
        HostKeyTarget t = HostKeyTarget.of("10.9.9.9", 2201, Optional.of("web1"));
        assertThat(t.hostKeyName()).isEqualTo("web1");
        assertThat(kh.verify(t, key(ed), NOW)).isInstanceOf(HostKeyVerdict.Known.class);
    }

    @Test
    void differentKeyOfTheSameTypeIsChangedWithFileLineAndBothFingerprints() throws Exception {
        Path f = sampleFile("kh-changed");
        KnownHosts kh = KnownHosts.load(List.of(f));
        HostKeyVerdict v = kh.verify(HostKeyTarget.of("web1", 22, Optional.empty()), key(ed2), NOW);
        assertThat(v).isEqualTo(new HostKeyVerdict.Changed(
                f, 4, "ssh-ed25519", Tools.sshKeygenFingerprint(pub(ed)), Tools.sshKeygenFingerprint(pub(ed2))));
    }

    @Test
    void keyOfAnotherTypeIsUnknownAndNamesTheKnownTypes() throws Exception {
        KnownHosts kh = KnownHosts.load(List.of(sampleFile("kh-other")));
        HostKeyVerdict v = kh.verify(HostKeyTarget.of("web1", 22, Optional.empty()), key(ecdsa), NOW);
        // web1 also matches "web?" (ecdsa) ... so use a host with only an ed25519 line
        assertThat(v).isInstanceOf(HostKeyVerdict.Known.class);
        HostKeyVerdict other = kh.verify(HostKeyTarget.of("web-upper", 22, Optional.empty()), key(ecdsa), NOW);
        assertThat(other).isEqualTo(new HostKeyVerdict.Unknown(List.of("ssh-ed25519")));
    }

    @Test
    void revokedKeyIsRevokedEvenWhereItIsAlsoListed() throws Exception {
        Path f = dir.resolve("kh-revoked");
        Files.writeString(f, "web1 " + Tools.keyField(pub(rsa)) + "\n@revoked * " + Tools.keyField(pub(rsa)) + "\n");
        HostKeyVerdict v = KnownHosts.load(List.of(f))
                .verify(HostKeyTarget.of("web1", 22, Optional.empty()), key(rsa), NOW);
        assertThat(v).isEqualTo(new HostKeyVerdict.Revoked(f, 2, Tools.sshKeygenFingerprint(pub(rsa))));
    }

    @Test
    void userFilesComeBeforeGlobalFilesAndEachEntryKeepsItsFile() throws Exception {
        Path user = dir.resolve("kh-user");
        Path global = dir.resolve("kh-global");
        Files.writeString(user, "# user\nweb9 " + Tools.keyField(pub(ed)) + "\n");
        Files.writeString(global, "web9 " + Tools.keyField(pub(rsa)) + "\n");
        KnownHosts kh = KnownHosts.load(List.of(user, dir.resolve("does-not-exist"), global));
        assertThat(kh.entries()).extracting(KnownHostsEntry::location).containsExactly(user + ":2", global + ":1");
        assertThat(kh.verify(HostKeyTarget.of("web9", 22, Optional.empty()), key(rsa), NOW))
                .isInstanceOfSatisfying(HostKeyVerdict.Known.class, k -> assertThat(k.entry().file())
                        .isEqualTo(global));
    }

    @Test
    void malformedLinesAreSkippedAndReportedWithFileAndLine() throws Exception {
        Path f = dir.resolve("kh-bad");
        String good = Tools.keyField(pub(ed));
        Files.writeString(f, String.join("\n",
                "@weird host " + good,
                "onlyhost",
                "host ssh-ed25519 !!!notbase64!!!",
                "host ssh-rsa " + good.split(" ")[1],
                "|1|bad|hash " + good,
                "fine " + good));
        KnownHosts kh = KnownHosts.load(List.of(f));
        assertThat(kh.entries()).extracting(KnownHostsEntry::line).containsExactly(6);
        assertThat(kh.problems()).extracting(KnownHosts.Problem::line).containsExactly(1, 2, 3, 4, 5);
        assertThat(kh.problems().get(0).toString()).startsWith(f + ":1: unknown marker '@weird'");
    }

    @Test
    void unreadableKnownHostsIsAnErrorNamingTheFile() {
        Path aDirectory = dir.resolve("kh-is-a-dir");
        assertThat(aDirectory.toFile().mkdir()).isTrue();
        assertThatThrownBy(() -> KnownHosts.load(List.of(aDirectory)))
                .isInstanceOfSatisfying(SshException.class, e -> assertThat(e.kind())
                        .isEqualTo(SshException.Kind.CONFIG))
                .hasMessageContaining("cannot read known_hosts file " + aDirectory);
    }

    @Test
    void missingFileIsEmpty() {
        KnownHosts kh = KnownHosts.load(List.of(dir.resolve("nope")));
        assertThat(kh.entries()).isEmpty();
        assertThat(kh.problems()).isEmpty();
    }

    @Test
    void hostKeyAlgorithmsPreferKnownTypesLikeSsh() throws Exception {
        Path f = dir.resolve("kh-algs");
        Files.writeString(f, "h1 " + Tools.keyField(pub(rsa)) + "\n@cert-authority h2 " + Tools.keyField(pub(ed))
                + "\nh3 " + Tools.keyField(pub(ed)) + "\n");
        KnownHosts kh = KnownHosts.load(List.of(f));
        List<String> algs = List.of(
                "ssh-ed25519-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com", "ssh-ed25519",
                "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256");
        assertThat(HostKeyAlgorithms.preferKnown(algs, kh, "h1")).containsExactly(
                "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512", "rsa-sha2-256",
                "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", "ecdsa-sha2-nistp256");
        assertThat(HostKeyAlgorithms.preferKnown(algs, kh, "h2")).containsExactly(
                "ssh-ed25519-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com", "ssh-ed25519",
                "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256");
        assertThat(HostKeyAlgorithms.preferKnown(algs, kh, "h3")).isEqualTo(algs);
        assertThat(HostKeyAlgorithms.preferKnown(algs, kh, "unknown")).isEqualTo(algs);
    }

    // ---- host certificates ----

    private record HostCert(Path caKey, OpenSshCertificate cert) {}

    private HostCert hostCert(String name, String principals, String validity, boolean host) throws Exception {
        Path ca = dir.resolve(name + "-ca");
        if (!Files.exists(ca)) {
            Tools.keygen(ca, "ed25519", 0, "");
        }
        Path hk = Tools.keygen(dir.resolve(name + "-hostkey-" + System.nanoTime()), "ecdsa", 256, "");
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I", name + "-id"));
        if (host) {
            cmd.add("-h");
        }
        if (!principals.isEmpty()) {
            cmd.addAll(List.of("-n", principals));
        }
        cmd.addAll(List.of("-V", validity, pub(hk).toString()));
        Tools.ok(cmd.toArray(String[]::new));
        PublicKey certKey = Tools.publicKey(Path.of(hk + "-cert.pub"));
        assertThat(certKey).isInstanceOf(OpenSshCertificate.class);
        return new HostCert(ca, (OpenSshCertificate) certKey);
    }

    private KnownHosts caFile(String name, Path ca, String patterns, String extra) throws Exception {
        Path f = dir.resolve(name + "-kh");
        Files.writeString(f, "@cert-authority " + patterns + " " + Tools.keyField(pub(ca)) + "\n" + extra);
        return KnownHosts.load(List.of(f));
    }

    @Test
    void hostCertificateSignedByTrustedCaForTheHostIsACertAuthorityMatch() throws Exception {
        HostCert hc = hostCert("okca", "web1.example.com,*.db.example.com", "20200101:20400101", true);
        KnownHosts kh = caFile("okca", hc.caKey(), "*.example.com", "");
        assertThat(kh.verify(HostKeyTarget.of("web1.example.com", 22, Optional.empty()), hc.cert(), NOW))
                .isInstanceOfSatisfying(HostKeyVerdict.CertAuthorityMatch.class, m -> assertThat(m.certificateId())
                        .isEqualTo("okca-id"));
        assertThat(kh.verify(HostKeyTarget.of("x.db.example.com", 2222, Optional.empty()), hc.cert(), NOW))
                .isInstanceOf(HostKeyVerdict.Unknown.class); // [x.db.example.com]:2222 does not match *.example.com
        KnownHosts anyPort = caFile("okca2", hc.caKey(), "*.example.com,[*.example.com]:*", "");
        assertThat(anyPort.verify(HostKeyTarget.of("x.db.example.com", 2222, Optional.empty()), hc.cert(), NOW))
                .isInstanceOf(HostKeyVerdict.CertAuthorityMatch.class);
    }

    @Test
    void hostCertificateNotNamingTheHostFallsBackToThePlainKey() throws Exception {
        HostCert hc = hostCert("wrongname", "other.example.com", "20200101:20400101", true);
        KnownHosts kh = caFile("wrongname", hc.caKey(), "*", "");
        assertThat(kh.verify(HostKeyTarget.of("web1.example.com", 22, Optional.empty()), hc.cert(), NOW))
                .isInstanceOf(HostKeyVerdict.Unknown.class);
        assertThat(KnownHosts.hostCertificateProblem(hc.cert(), "web1.example.com", NOW))
                .contains("certificate invalid: name 'web1.example.com' is not a listed principal");
    }

    @Test
    void expiredOrNotYetValidHostCertificateIsNotTrusted() throws Exception {
        HostCert hc = hostCert("window", "web1", "20200101:20250101", true);
        KnownHosts kh = caFile("window", hc.caKey(), "*", "");
        HostKeyTarget t = HostKeyTarget.of("web1", 22, Optional.empty());
        assertThat(kh.verify(t, hc.cert(), Instant.parse("2024-06-01T00:00:00Z")))
                .isInstanceOf(HostKeyVerdict.CertAuthorityMatch.class);
        assertThat(kh.verify(t, hc.cert(), Instant.parse("2026-01-01T00:00:00Z")))
                .isInstanceOf(HostKeyVerdict.Unknown.class);
        assertThat(kh.verify(t, hc.cert(), Instant.parse("2019-01-01T00:00:00Z")))
                .isInstanceOf(HostKeyVerdict.Unknown.class);
    }

    @Test
    void userCertificatePresentedAsHostKeyIsNotTrusted() throws Exception {
        HostCert hc = hostCert("usercert", "web1", "20200101:20400101", false);
        KnownHosts kh = caFile("usercert", hc.caKey(), "*", "");
        assertThat(kh.verify(HostKeyTarget.of("web1", 22, Optional.empty()), hc.cert(), NOW))
                .isInstanceOf(HostKeyVerdict.Unknown.class);
    }

    @Test
    void certificateSignedByAnotherCaIsNotTrusted() throws Exception {
        HostCert hc = hostCert("realca", "web1", "20200101:20400101", true);
        Path otherCa = Tools.keygen(dir.resolve("otherca"), "ed25519", 0, "");
        KnownHosts kh = caFile("otherca", otherCa, "*", "");
        assertThat(kh.verify(HostKeyTarget.of("web1", 22, Optional.empty()), hc.cert(), NOW))
                .isInstanceOf(HostKeyVerdict.Unknown.class);
    }

    @Test
    void revokedCaRevokesEveryCertificateItSigned() throws Exception {
        HostCert hc = hostCert("revokedca", "web1", "20200101:20400101", true);
        KnownHosts kh = caFile("revokedca", hc.caKey(), "*", "@revoked * " + Tools.keyField(pub(hc.caKey())) + "\n");
        assertThat(kh.verify(HostKeyTarget.of("web1", 22, Optional.empty()), hc.cert(), NOW))
                .isInstanceOfSatisfying(HostKeyVerdict.Revoked.class, r -> assertThat(r.line()).isEqualTo(2));
    }

    @Test
    void hostCertificateWithoutPrincipalsIsRejectedLikeOpenSsh() throws Exception {
        HostCert hc = hostCert("noprinc", "", "20200101:20400101", true);
        assertThat(KnownHosts.hostCertificateProblem(hc.cert(), "web1", NOW))
                .contains("certificate lacks principal list");
    }
}
