package io.drover.ssh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle: every alias listed in every corpus file is resolved by drover and by the real {@code ssh -G -F file
 * alias}, and the two outputs must agree option by option (then byte for byte).
 *
 * <p>Corpus files are copied to a temporary directory first, with {@code @CORPUS@} replaced by that directory so
 * absolute Includes work, and {@code corpus/home-ssh/} copied to {@code $HOME/.ssh} of a temporary HOME so relative
 * Includes resolve hermetically (OpenSSH expands Include's {@code ~} through glob(3), which reads $HOME). Every other
 * {@code ~} in OpenSSH comes from the passwd entry, so drover's context uses the real passwd home for those, and
 * both sides see the same local user, uid and host name; no ssh -G line is environment-dependent beyond that.
 *
 * <p>Header lines of a corpus file: {@code # aliases: a b user@c} (required), {@code # options: Key=Value ...}
 * (given to both as {@code -o}), {@code # env: NAME=value ...} (extra environment for both).
 */
class SshGOracleTest {
    private static final Path SSH = findSsh();

    @TempDir
    static Path work;

    private static Path corpus;
    private static Path home;

    private static Path findSsh() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "ssh");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @BeforeAll
    static void copyCorpus() throws IOException, URISyntaxException {
        Path source = Path.of(SshGOracleTest.class.getResource("/ssh-g-corpus").toURI());
        corpus = work.resolve("corpus");
        home = work.resolve("home");
        Files.createDirectories(home);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path target = corpus.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    String text = Files.readString(p, StandardCharsets.ISO_8859_1);
                    Files.writeString(target, text.replace("@CORPUS@", corpus.toString()),
                            StandardCharsets.ISO_8859_1);
                }
            }
        }
        Path homeSsh = corpus.resolve("home-ssh");
        if (Files.isDirectory(homeSsh)) {
            try (Stream<Path> files = Files.walk(homeSsh)) {
                for (Path p : files.toList()) {
                    Path target = home.resolve(".ssh").resolve(homeSsh.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                }
            }
        }
    }

    record Case(Path file, String alias, Map<String, String> options, Map<String, String> env) {}

    static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().toList()) {
                List<String> aliases = new ArrayList<>();
                Map<String, String> options = new LinkedHashMap<>();
                Map<String, String> env = new LinkedHashMap<>();
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("# aliases:")) {
                        aliases.addAll(List.of(line.substring(10).trim().split("\\s+")));
                    } else if (line.startsWith("# options:")) {
                        for (String kv : line.substring(10).trim().split("\\s+")) {
                            options.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                        }
                    } else if (line.startsWith("# env:")) {
                        for (String kv : line.substring(6).trim().split("\\s+")) {
                            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                        }
                    }
                }
                assertThat(aliases).as("%s needs a '# aliases:' header", f.getFileName()).isNotEmpty();
                for (String a : aliases) {
                    out.add(new Case(f, a, options, env));
                }
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusAliasResolvesExactlyLikeSshDashG() throws IOException {
        assumeTrue(SSH != null, "the ssh binary is not installed (CI installs openssh-client)");
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.file().getFileName() + " " + c.alias(),
                () -> check(c)));
    }

    /**
     * Without -F, ssh reads ~/.ssh/config (if any) and /etc/ssh/ssh_config (Debian's includes ssh_config.d and sets
     * SendEnv, HashKnownHosts, GSSAPIAuthentication): drover's default mode must print the same.
     */
    @org.junit.jupiter.api.Test
    void theDefaultFilesResolveExactlyLikeSshWithoutDashF() throws Exception {
        assumeTrue(SSH != null, "the ssh binary is not installed (CI installs openssh-client)");
        for (String alias : List.of("localhost", "some-host.example.com")) {
            ProcessBuilder pb = new ProcessBuilder(SSH.toString(), "-G", alias)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (p.exitValue() != 0) {
                // ssh refuses this machine's configuration: drover must refuse it too, or warn about what it skips
                try {
                    assertThat(SshConfig.loadDefaults(Map.of()).warnings()).isNotEmpty();
                } catch (SshConfigException refused) {
                    assertThat(refused.getMessage()).isNotBlank();
                }
                continue;
            }
            HostConfig c = SshConfig.loadDefaults(Map.of()).resolve(alias);
            assertThat(SshConfig.formatSshG(c)).isEqualTo(expected);
        }
    }

    @org.junit.jupiter.api.Test
    void corpusHasAtLeastFortyConfigs() throws IOException {
        assertThat(cases().stream().map(Case::file).distinct().count()).isGreaterThanOrEqualTo(40);
    }

    private static Map<String, String> environment(Case c) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("SHELL", "/bin/sh");
        env.put("LANG", "C");
        env.put("CORPUS", corpus.toString());
        env.putAll(c.env());
        return env;
    }

    static ConfigContext context(Map<String, String> env) {
        return ConfigContext.current().withIncludeHome(home).withEnvironment(env);
    }

    private static void check(Case c) throws Exception {
        Map<String, String> env = environment(c);
        List<String> cmd = new ArrayList<>(List.of(SSH.toString(), "-G", "-F", c.file().toString()));
        for (Map.Entry<String, String> o : c.options().entrySet()) {
            cmd.add("-o");
            cmd.add(o.getKey() + "=" + o.getValue());
        }
        String dest = c.alias();
        String user = null;
        String port = null;
        int at = dest.lastIndexOf('@');
        if (at >= 0) {
            user = dest.substring(0, at);
            dest = dest.substring(at + 1);
        }
        int colon = dest.lastIndexOf(':');
        if (colon >= 0 && dest.indexOf(':') == colon) {
            port = dest.substring(colon + 1);
            dest = dest.substring(0, colon);
        }
        if (user != null) {
            cmd.add("-l");
            cmd.add(user);
        }
        if (port != null) {
            cmd.add("-p");
            cmd.add(port);
        }
        cmd.add(dest);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                "/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Path err = Files.createTempFile(work, "ssh", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int rc = p.exitValue();
        String stderr = Files.readString(err, StandardCharsets.ISO_8859_1);

        ConfigContext ctx = context(env);
        if (rc != 0) {
            assertThatThrownBy(() -> SshConfig.load(Optional.of(c.file()), c.options(), ctx).resolve(c.alias()))
                    .as("ssh -G failed (%s); drover must refuse too", stderr.strip())
                    .isInstanceOf(SshConfigException.class);
            return;
        }
        HostConfig hc = SshConfig.load(Optional.of(c.file()), c.options(), ctx).resolve(c.alias());
        Map<String, List<String>> want = parse(expected);
        Map<String, List<String>> got = hc.sshG();
        Set<String> keys = new LinkedHashSet<>(want.keySet());
        keys.addAll(got.keySet());
        List<String> diffs = new ArrayList<>();
        for (String k : keys) {
            if (!want.getOrDefault(k, List.of()).equals(got.getOrDefault(k, List.of()))) {
                diffs.add(k + ": ssh -G " + want.get(k) + " but drover " + got.get(k));
            }
        }
        assertThat(diffs).as("options that differ for %s in %s", c.alias(), c.file().getFileName()).isEmpty();
        assertThat(SshConfig.formatSshG(hc)).isEqualTo(expected);
    }

    static Map<String, List<String>> parse(String sshG) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : sshG.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int sp = line.indexOf(' ');
            String k = sp < 0 ? line : line.substring(0, sp);
            String v = sp < 0 ? "" : line.substring(sp + 1);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }
}
