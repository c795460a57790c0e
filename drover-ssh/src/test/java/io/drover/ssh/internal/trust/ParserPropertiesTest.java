package io.drover.ssh.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.ssh.Prompter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** Parsers and matchers never fail on hostile input, and agree with straightforward reference definitions. */
class ParserPropertiesTest {

    /** OpenSSH's recursive match_pattern, transcribed as the reference. */
    private static boolean reference(String s, String p) {
        if (p.isEmpty()) {
            return s.isEmpty();
        }
        char c = p.charAt(0);
        if (c == '*') {
            String rest = p.substring(1);
            for (int i = 0; i <= s.length(); i++) {
                if (reference(s.substring(i), rest)) {
                    return true;
                }
            }
            return false;
        }
        if (s.isEmpty()) {
            return false;
        }
        return (c == '?' || c == s.charAt(0)) && reference(s.substring(1), p.substring(1));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("ab.-[]:1").ofMaxLength(8);
    }

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.strings().withChars("ab.*?[]:1").ofMaxLength(7);
    }

    @Property(tries = 1500)
    void globAgreesWithOpenSshsRecursiveMatcher(@ForAll("names") String name, @ForAll("patterns") String pattern) {
        assertThat(HostPatterns.glob(name, pattern)).isEqualTo(reference(name, pattern));
    }

    @Property(tries = 300)
    void hashedNamesMatchTheirNameOnly(@ForAll("names") String name, @ForAll("names") String other) {
        byte[] salt = new byte[20];
        new java.util.Random(name.hashCode()).nextBytes(salt);
        String field = KnownHostsEntry.hashName(name, salt);
        KnownHostsEntry e = new KnownHostsEntry(Path.of("kh"), 1, KnownHostsEntry.Marker.NONE, field, "ssh-ed25519",
                new byte[0], "");
        assertThat(e.matches(name)).isTrue();
        assertThat(e.matches(other)).isEqualTo(other.equals(name));
    }

    @Provide
    Arbitrary<String> knownHostsText() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("@cert-authority", "@revoked", "@bogus", "#", "|1|", "|1|AAAA|BBBB", "*", "!x",
                        "[h]:22", "ssh-ed25519", "ssh-rsa", "AAAAC3NzaC1lZDI1NTE5AAAAIAxB5HXMVyYjlBppUMQNj0l9DdYLXEew"
                                + "78AofxJR/RSY", "AAAA", "====", ","),
                Arbitraries.strings().ofMaxLength(12));
        Arbitrary<String> separatedToken =
                Combinators.combine(token, Arbitraries.of(" ", "\t", "  ")).as((t, sep) -> t + sep);
        Arbitrary<String> line = separatedToken.list().ofMaxSize(6).map(t -> String.join("", t));
        Arbitrary<String> terminatedLine =
                Combinators.combine(line, Arbitraries.of("\n", "\r\n", "")).as((l, end) -> l + end);
        return terminatedLine.list().ofMaxSize(8).map(l -> String.join("", l));
    }

    @Property(tries = 1000)
    void knownHostsParsingNeverThrowsAndAccountsForEveryLine(@ForAll("knownHostsText") String text) {
        KnownHosts kh = KnownHosts.parse(Path.of("/fuzz/known_hosts"), text);
        int lines = text.split("\n", -1).length;
        assertThat(kh.entries()).allSatisfy(e -> assertThat(e.line()).isBetween(1, lines));
        assertThat(kh.problems()).allSatisfy(p -> {
            assertThat(p.line()).isBetween(1, lines);
            assertThat(p.toString()).startsWith("/fuzz/known_hosts:" + p.line() + ": ");
        });
        for (KnownHostsEntry e : kh.entries()) {
            e.matches("h");
            assertThat(e.fingerprint()).startsWith("SHA256:");
        }
    }

    @Property(tries = 1000)
    void arbitraryTextLinesNeverBreakTheParser(@ForAll @StringLength(max = 200) String text) {
        KnownHosts kh = KnownHosts.parse(Path.of("kh"), text);
        assertThat(kh.entries().size() + kh.problems().size()).isLessThanOrEqualTo(text.split("\n", -1).length);
    }

    @Provide
    Arbitrary<byte[]> keyFiles() {
        Arbitrary<String> header = Arbitraries.of("-----BEGIN OPENSSH PRIVATE KEY-----",
                "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----", "");
        Arbitrary<String> body = Arbitraries.strings().withChars("ABCDEFabcdef0123456789+/=\n:, -").ofMaxLength(300);
        return Combinators.combine(header, body).as((h, b) -> (h + "\n" + b + "\n" + h.replace("BEGIN", "END"))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Property(tries = 150)
    void garbageKeyFilesAreProblemsNotExceptions(@ForAll("keyFiles") byte[] content) throws Exception {
        Path f = Files.createTempFile("fuzz-key", "");
        try {
            Files.write(f, content);
            IdentitySet set = new Identities(Prompter.BATCH).load(List.of(f), List.of(), 1, Prompter.BATCH);
            assertThat(set.identities().size() + set.problems().size()).isEqualTo(1);
            set.problems().forEach(p -> assertThat(p.message()).contains(f.toString()));
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
