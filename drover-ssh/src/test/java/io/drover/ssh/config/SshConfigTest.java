package io.drover.ssh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.ssh.SshException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading modes, typed results, host names, warnings and Match exec caching, on real files in a temp dir. */
class SshConfigTest {
    @TempDir
    Path dir;

    private Path home;
    private ConfigContext ctx;

    @BeforeEach
    void context() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve(".ssh"));
        Path etc = Files.createDirectories(dir.resolve("etc-ssh"));
        ctx = ConfigContext.current()
                .withHomeDir(home)
                .withIncludeHome(home)
                .withLocalUser("tester", ConfigContext.current().uid())
                .withLocalHostName("workstation.example.org")
                .withSystemConfig(etc.resolve("ssh_config"))
                .withEnvironment(Map.of("SHELL", "/bin/sh", "PATH", "/usr/bin:/bin", "AGENT", "/run/a.sock"));
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private SshConfig load(String text) throws IOException {
        return SshConfig.load(Optional.of(write("config", text)), Map.of(), ctx);
    }

    @Test
    void defaultsReadUserConfigThenSystemConfigAndTheUserWins() throws IOException {
        Files.writeString(home.resolve(".ssh/config"), "Host web\n  User from-user\n");
        Files.writeString(ctx.systemConfig(), "Host *\n  User from-system\n  Port 2200\n");
        HostConfig c = SshConfig.loadDefaults(Map.of(), ctx).resolve("web");
        assertThat(c.user()).isEqualTo("from-user");
        assertThat(c.port()).isEqualTo(2200);
    }

    @Test
    void anExplicitFileIsReadAloneLikeSshDashF() throws IOException {
        Files.writeString(ctx.systemConfig(), "Host *\n  Port 2200\n");
        Files.writeString(home.resolve(".ssh/config"), "Host *\n  User not-read\n");
        HostConfig c = load("Host web\n  User explicit\n").resolve("web");
        assertThat(c.port()).isEqualTo(22);
        assertThat(c.user()).isEqualTo("explicit");
    }

    @Test
    void anEmptyFileChoiceReadsNothingLikeSshDashFNone() throws IOException {
        Files.writeString(ctx.systemConfig(), "Host *\n  Port 2200\n");
        HostConfig c = SshConfig.load(Optional.empty(), Map.of("User", "cli"), ctx).resolve("web");
        assertThat(c.port()).isEqualTo(22);
        assertThat(c.user()).isEqualTo("cli");
        assertThat(c.hostName()).isEqualTo("web");
    }

    @Test
    void commandLineOptionsWinOverFiles() throws IOException {
        Map<String, String> cli = new LinkedHashMap<>();
        cli.put("Port", "2022");
        cli.put("StrictHostKeyChecking", "accept-new");
        HostConfig c = SshConfig.load(Optional.of(write("c", "Host *\n Port 1\n StrictHostKeyChecking no\n")), cli,
                ctx).resolve("h");
        assertThat(c.port()).isEqualTo(2022);
        assertThat(c.strictHostKeyChecking()).isEqualTo(StrictHostKeyChecking.ACCEPT_NEW);
    }

    @Test
    void aUserConfigWritableByOthersIsRefusedLikeOpenSsh() throws IOException {
        Path cfg = home.resolve(".ssh/config");
        Files.writeString(cfg, "Host *\n User x\n");
        Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> SshConfig.loadDefaults(Map.of(), ctx))
                .isInstanceOf(SshConfigException.class)
                .hasMessageContaining(cfg.toString())
                .hasMessageContaining("bad owner or permissions");
    }

    @Test
    void relativeIncludesOfTheSystemFileResolveAgainstItsDirectoryAndTildeIsRefused() throws IOException {
        Path etc = ctx.systemConfig().getParent();
        Files.createDirectories(etc.resolve("ssh_config.d"));
        Files.writeString(etc.resolve("ssh_config.d/a.conf"), "Host *\n  Port 2345\n");
        Files.writeString(ctx.systemConfig(), "Include ssh_config.d/*.conf\n");
        assertThat(SshConfig.loadDefaults(Map.of(), ctx).resolve("x").port()).isEqualTo(2345);

        Files.writeString(ctx.systemConfig(), "\nInclude ~/x.conf\n");
        assertThatThrownBy(() -> SshConfig.loadDefaults(Map.of(), ctx))
                .isInstanceOf(SshConfigException.class)
                .hasMessageStartingWith(ctx.systemConfig() + ":2:");
    }

    @Test
    void typedFieldsAreExpandedTheWaySshUsesThem() throws IOException {
        HostConfig c = load("""
                Host web
                  HostName Web.Example.COM
                  User deploy
                  Port 2200
                  IdentityFile ~/.ssh/id_%r
                  IdentityFile none
                  CertificateFile ~/.ssh/%h-cert.pub
                  IdentityAgent ${AGENT}
                  UserKnownHostsFile ~/.ssh/kh-%h none-here
                  GlobalKnownHostsFile ~/global
                  ProxyJump a@j1:2222,j2
                  ConnectTimeout 1m
                  ServerAliveInterval 15
                  SetEnv A=1 "B=two words"
                  SendEnv LANG LC_*
                  PreferredAuthentications publickey,password
                  KexAlgorithms curve25519-sha256
                  Ciphers ^aes256-gcm@openssh.com
                """).resolve("web");
        assertThat(c.alias()).isEqualTo("web");
        assertThat(c.hostName()).isEqualTo("web.example.com");
        assertThat(c.identityFiles()).containsExactly(home.resolve(".ssh/id_deploy"));
        assertThat(c.certificateFiles()).containsExactly(home.resolve(".ssh/web.example.com-cert.pub"));
        assertThat(c.identityAgent()).contains("/run/a.sock");
        assertThat(c.userKnownHostsFiles()).containsExactly(home.resolve(".ssh/kh-web.example.com"),
                Path.of("none-here"));
        assertThat(c.globalKnownHostsFiles()).containsExactly(home.resolve("global"));
        assertThat(c.proxyJump()).containsExactly("a@j1:2222", "j2");
        assertThat(c.proxyCommand()).isEmpty();
        assertThat(c.connectTimeout()).contains(Duration.ofMinutes(1));
        assertThat(c.serverAliveInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.setEnv()).containsEntry("A", "1").containsEntry("B", "two words");
        assertThat(c.sendEnv()).containsExactly("LANG", "LC_*");
        assertThat(c.preferredAuthentications()).containsExactly("publickey", "password");
        assertThat(c.kexAlgorithms()).containsExactly("curve25519-sha256");
        assertThat(c.ciphers().get(0)).isEqualTo("aes256-gcm@openssh.com");
        assertThat(c.strictHostKeyChecking()).isEqualTo(StrictHostKeyChecking.ASK);
        assertThat(c.sshG().get("identityfile")).containsExactly("~/.ssh/id_%r", "none");
    }

    @Test
    void proxyJumpHopsAreListedFirstDialedFirst() throws IOException {
        HostConfig c = load("Host t\n  ProxyJump first,second:2200,u@third\n").resolve("t");
        assertThat(c.proxyJump()).containsExactly("first", "second:2200", "u@third");
    }

    @Test
    void proxyCommandTokensAreExpanded() throws IOException {
        HostConfig c = load("Host t\n  HostName real\n  ProxyCommand nc %h %p %r %%\n").resolve("me@t:2022");
        assertThat(c.proxyCommand()).contains("nc real 2022 me %");
        assertThat(c.sshG().get("proxycommand")).containsExactly("nc %h %p %r %%");
    }

    @Test
    void theDestinationUserAndPortWinOverTheConfigLikeSshDashLAndDashP() throws IOException {
        SshConfig cfg = load("Host h\n  User u\n  Port 1\n");
        HostConfig c = cfg.resolve("admin@h:2022");
        assertThat(c.user()).isEqualTo("admin");
        assertThat(c.port()).isEqualTo(2022);
        HostConfig v6 = cfg.resolve("[2001:db8::5]:2200");
        assertThat(v6.hostName()).isEqualTo("2001:db8::5");
        assertThat(v6.port()).isEqualTo(2200);
        assertThat(cfg.resolve("2001:db8::6").port()).isEqualTo(22);
    }

    @Test
    void aMalformedDestinationIsRefusedWithTheBadValue() throws IOException {
        SshConfig cfg = load("");
        assertThatThrownBy(() -> cfg.resolve("bad;host")).isInstanceOf(SshConfigException.class)
                .hasMessageContaining("bad;host");
        assertThatThrownBy(() -> cfg.resolve("host:99999")).isInstanceOf(SshConfigException.class)
                .hasMessageContaining("99999");
        assertThatThrownBy(() -> cfg.resolve("@host")).isInstanceOf(SshConfigException.class);
    }

    @Test
    void configHostNamesListsLiteralHostsInFileOrderIncludingIncludes() throws IOException {
        write("inc/extra.conf", "Host inc1 inc-*\n");
        SshConfig cfg = load("""
                Host web1 web2 !db9 web?
                Include %s/inc/*.conf
                Host *.prod db1
                Match host other
                Host web1 last
                """.formatted(dir));
        assertThat(cfg.configHostNames()).containsExactly("web1", "web2", "inc1", "db1", "last");
    }

    @Test
    void unknownKeywordsAreWarnedWithFileAndLineUnlessIgnoreUnknownCoversThem() throws IOException {
        Path f = write("config", """
                Host *
                  UseKeychain yes
                IgnoreUnknown usekeychain,Other*
                  UseKeychain yes
                  OtherThing 1
                  RSAAuthentication yes
                """);
        SshConfig cfg = SshConfig.load(Optional.of(f), Map.of(), ctx);
        assertThat(cfg.warnings()).extracting(w -> w.file() + ":" + w.line())
                .containsExactly(f + ":2", f + ":6");
        assertThat(cfg.warnings().get(0).message()).contains("usekeychain");
        assertThat(cfg.resolve("x").user()).isEqualTo("tester");
    }

    @Test
    void matchExecRunsOncePerDistinctExpandedCommand() throws IOException {
        Path counter = dir.resolve("counter");
        SshConfig cfg = load("""
                Match exec "echo run >> %s; true"
                  User matched
                Match exec "echo %%h >> %s.per-host; test %%h = b"
                  Port 2002
                """.formatted(counter, counter));
        for (String h : List.of("a", "b", "a", "c", "b")) {
            assertThat(cfg.resolve(h).user()).isEqualTo("matched");
        }
        assertThat(cfg.resolve("b").port()).isEqualTo(2002);
        assertThat(cfg.resolve("a").port()).isEqualTo(22);
        assertThat(Files.readAllLines(counter)).hasSize(1);
        assertThat(Files.readAllLines(Path.of(counter + ".per-host"))).containsExactly("a", "b", "c");
    }

    @Test
    void resolvingFromManyVirtualThreadsGivesTheSameResultsAsSequentially() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("Host h").append(i).append("\n  Port ").append(1000 + i).append("\n  User u").append(i % 7)
                    .append("\n");
        }
        text.append("Match exec \"test %h != h13\"\n  Compression yes\nHost *\n  ControlPath ~/.ssh/%C\n");
        SshConfig cfg = load(text.toString());
        List<String> hosts = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "h" + (i % 200)).toList();
        Map<String, String> sequential = new java.util.HashMap<>();
        for (String h : hosts.subList(0, 200)) {
            sequential.put(h, SshConfig.formatSshG(cfg.resolve(h)));
        }
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (String h : hosts) {
                results.add(pool.submit(() -> SshConfig.formatSshG(cfg.resolve(h))));
            }
            for (int i = 0; i < hosts.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(sequential.get(hosts.get(i)));
            }
        }
        assertThat(cfg.resolve("h13").compression()).isFalse();
        assertThat(cfg.resolve("h14").compression()).isTrue();
    }

    @Test
    void errorsAreConfigKindSshExceptions() throws IOException {
        assertThatThrownBy(() -> load("Port banana\n"))
                .isInstanceOf(SshException.class)
                .satisfies(e -> assertThat(((SshException) e).kind()).isEqualTo(SshException.Kind.CONFIG));
    }
}
