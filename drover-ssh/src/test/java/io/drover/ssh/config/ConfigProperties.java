package io.drover.ssh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing and round-trip properties: no input makes the parser or resolver throw anything but
 * {@link SshConfigException} with file:line; resolution is a fixed point of its own {@code ssh -G} output.
 * {@code Match exec} runs through /bin/false here, so fuzzed commands never execute.
 */
class ConfigProperties {
    private static Path dir;
    private static ConfigContext ctx;
    private static List<String> corpusLines;

    @BeforeContainer
    static void setUp() throws IOException, URISyntaxException {
        dir = Files.createTempDirectory("drover-config-fuzz");
        ctx = ConfigContext.current().withIncludeHome(dir).withHomeDir(dir)
                .withEnvironment(Map.of("SHELL", "/bin/false", "HOME", dir.toString()));
        Path corpus = Path.of(ConfigProperties.class.getResource("/ssh-g-corpus").toURI());
        corpusLines = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    if (!line.startsWith("#") && !line.contains("@CORPUS@") && !line.isBlank()) {
                        corpusLines.add(line);
                    }
                }
            }
        }
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static final Pattern FILE_LINE = Pattern.compile("^.+:\\d+: .+", Pattern.DOTALL);

    /** Loads and resolves; only drover's exception, with a file:line prefix, may come out. */
    private static void loadAndResolve(String text, String... aliases) throws IOException {
        Path f = Files.createTempFile(dir, "cfg", ".conf");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        try {
            SshConfig cfg = SshConfig.load(Optional.of(f), Map.of(), ctx);
            for (String a : aliases) {
                try {
                    HostConfig c = cfg.resolve(a);
                    assertThat(SshConfig.formatSshG(c)).startsWith("host ");
                } catch (SshConfigException e) {
                    assertThat(e.getMessage()).matches(FILE_LINE);
                }
            }
        } catch (SshConfigException e) {
            assertThat(e.getMessage()).startsWith(f.toString()).matches(FILE_LINE);
        } finally {
            Files.delete(f);
        }
    }

    @Provide
    Arbitrary<String> configText() {
        Arbitrary<String> keyword = Arbitraries.of("Host", "Match", "User", "Port", "HostName", "IdentityFile",
                "ProxyJump", "ProxyCommand", "Ciphers", "KexAlgorithms", "SendEnv", "SetEnv", "LocalForward",
                "ControlPath", "Include", "IgnoreUnknown", "StrictHostKeyChecking", "ConnectTimeout", "Frob",
                "RekeyLimit", "EscapeChar", "IPQoS", "AddKeysToAgent", "ForwardAgent", "TunnelDevice");
        Arbitrary<String> junk = Arbitraries.strings().withChars(" \t\"'=#%!*?,\\${}[]:@^+-~/abcxyz019\f\r")
                .ofMaxLength(30);
        Arbitrary<String> line = Combinators.combine(keyword, junk).as((k, j) -> k + j);
        Arbitrary<String> anyLine = Arbitraries.oneOf(line, Arbitraries.strings().ofMaxLength(40));
        return anyLine.list().ofMaxSize(12).map(l -> String.join("\n", l));
    }

    @Property(tries = 400)
    void arbitraryTextFailsOnlyWithAConfigExceptionNamingFileAndLine(@ForAll("configText") String text)
            throws IOException {
        loadAndResolve(text, "h", "web1", "user@x:2022");
    }

    @Provide
    Arbitrary<String> mutatedCorpus() {
        Arbitrary<List<String>> lines = Arbitraries.of(corpusLines).list().ofMinSize(1).ofMaxSize(8);
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 200);
        Arbitrary<Character> inserted = Arbitraries.of('"', '\'', '=', '#', '%', '!', '*', ',', '\\', '$', '{',
                '}', '[', ']', ':', '@', '^', '+', '-', ' ', '\t', '\0', 'x');
        Arbitrary<Integer> mutation = Arbitraries.integers().between(0, 3);
        return Combinators.combine(lines, position, inserted, mutation).as((ls, pos, ch, m) -> {
            List<String> out = new ArrayList<>(ls);
            int which = pos % out.size();
            String l = out.get(which);
            int at = l.isEmpty() ? 0 : pos % l.length();
            String mutated = switch (m) {
                case 0 -> l.substring(0, at) + ch + l.substring(at);
                case 1 -> l.isEmpty() ? l : l.substring(0, at) + l.substring(at + 1);
                case 2 -> l.substring(0, at);
                default -> l + " " + l.trim();
            };
            out.set(which, mutated);
            return String.join("\n", out);
        });
    }

    @Property(tries = 400)
    void mutatedCorpusLinesFailOnlyWithAConfigExceptionNamingFileAndLine(@ForAll("mutatedCorpus") String text)
            throws IOException {
        loadAndResolve(text, "web1", "db1", "tok", "m1", "k1", "inner", "srv");
    }

    @Provide
    Arbitrary<String> validConfig() {
        Arbitrary<String> option = Arbitraries.of(
                "User deploy", "Port 2022", "HostName %h.example.com", "IdentityFile ~/.ssh/k1",
                "IdentityFile ~/.ssh/k2", "ProxyJump j1,u@j2:2200", "ProxyCommand nc %h %p", "Compression yes",
                "Ciphers -aes128*", "KexAlgorithms ^curve25519-sha256", "MACs +hmac-md5", "SendEnv LANG LC_*",
                "SetEnv A=1 B=2", "LocalForward 8080 localhost:80", "RemoteForward 9000 localhost:9000",
                "DynamicForward 1080", "StrictHostKeyChecking accept-new", "ConnectTimeout 10", "BatchMode yes",
                "ServerAliveInterval 5", "ControlMaster auto", "ControlPersist 60", "ForwardAgent yes",
                "AddKeysToAgent confirm 30", "RekeyLimit 1G 1h", "IPQoS af21 cs1", "TunnelDevice 1:2",
                "UserKnownHostsFile ~/kh1 ~/kh2", "GlobalKnownHostsFile /etc/kh",
                "CertificateFile ~/.ssh/c-cert.pub", "LogLevel VERBOSE", "PubkeyAuthentication unbound",
                "RequestTTY no", "UpdateHostKeys ask", "EscapeChar %", "CanonicalDomains example.com");
        Arbitrary<String> header = Arbitraries.of("Host *", "Host web*", "Host !web1 *", "Match host web*",
                "Match originalhost web1", "Match all", "Match user deploy", "Match final");
        Arbitrary<String> block = Combinators.combine(header, option.list().ofMaxSize(4))
                .as((h, opts) -> h + "\n" + String.join("\n", opts.stream().map(o -> "  " + o).toList()));
        return Combinators.combine(option.list().ofMaxSize(3), block.list().ofMaxSize(4))
                .as((top, blocks) -> String.join("\n", top) + "\n" + String.join("\n", blocks) + "\n");
    }

    @Property(tries = 200)
    void resolvingTheSshGOutputOfAResolutionGivesTheSameOutput(@ForAll("validConfig") String text)
            throws IOException {
        Path f = Files.createTempFile(dir, "rt", ".conf");
        Path g = Files.createTempFile(dir, "rt", ".conf");
        try {
            Files.writeString(f, text);
            HostConfig first = SshConfig.load(Optional.of(f), Map.of(), ctx).resolve("web1");
            String printed = SshConfig.formatSshG(first);
            // "host" is the alias, not an option; every other line is a valid ssh_config line, except that only
            // the first SetEnv line counts, so ssh -G's one-per-line setenv values are put back on one line.
            StringBuilder back = new StringBuilder();
            List<String> setEnv = new ArrayList<>();
            printed.lines().skip(1).forEach(l -> {
                if (l.startsWith("setenv ")) {
                    setEnv.add(l.substring(7));
                } else {
                    back.append(l).append('\n');
                }
            });
            if (!setEnv.isEmpty()) {
                back.append("setenv ").append(String.join(" ", setEnv)).append('\n');
            }
            Files.writeString(g, back);
            HostConfig second = SshConfig.load(Optional.of(g), Map.of(), ctx).resolve("web1");
            assertThat(SshConfig.formatSshG(second)).isEqualTo(printed);
        } finally {
            Files.delete(f);
            Files.delete(g);
        }
    }

    @Property(tries = 1000)
    void wildcardMatchingAgreesWithARegularExpression(
            @ForAll("patternText") String pattern, @ForAll("patternText") String text) {
        String regex = pattern.chars().mapToObj(c -> switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(String.valueOf((char) c));
        }).reduce("", String::concat);
        String s = text.replace("*", "").replace("?", "");
        assertThat(Patterns.match(s, pattern)).isEqualTo(s.matches("(?s)" + regex));
    }

    @Provide
    Arbitrary<String> patternText() {
        return Arbitraries.strings().withChars("ab.*?-").ofMaxLength(8);
    }

    @Property(tries = 1000)
    void argumentSplittingNeverThrows(@ForAll String line) {
        List<String> args = Lexer.argvSplit(line);
        if (args != null) {
            assertThat(args).doesNotContainNull();
        }
        Lexer.Cursor c = new Lexer.Cursor(line);
        for (int i = 0; i < 50 && c.next(true) != null; i++) {
            assertThat(c.rest() == null || c.rest().length() <= line.length()).isTrue();
        }
    }
}
