package io.drover.ssh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives a clear {@link SshConfigException} naming file:line and what would be valid. */
class BadInputTest {
    @TempDir
    Path dir;

    private final ConfigContext ctx = ConfigContext.current().withEnvironment(Map.of("SHELL", "/bin/sh"));

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private SshConfig load(Path p) {
        return SshConfig.load(Optional.of(p), Map.of(), ctx);
    }

    @Test
    void aMalformedLineNamesFileLineAndTheBadValue() throws IOException {
        Path p = write("config", "Host x\n  User u\n  Port banana\n");
        assertThatThrownBy(() -> load(p))
                .isInstanceOf(SshConfigException.class)
                .hasMessageStartingWith(p + ":3:")
                .hasMessageContaining("banana")
                .hasMessageContaining("1 to 65535")
                .satisfies(e -> {
                    SshConfigException s = (SshConfigException) e;
                    assertThat(s.file()).contains(p);
                    assertThat(s.line()).isEqualTo(3);
                });
    }

    @Test
    void aBadValueInABlockThatNeverAppliesIsStillRefusedLikeOpenSsh() throws IOException {
        Path p = write("config", "Host never-used\n  StrictHostKeyChecking perhaps\n");
        assertThatThrownBy(() -> load(p))
                .hasMessageStartingWith(p + ":2:")
                .hasMessageContaining("perhaps")
                .hasMessageContaining("accept-new");
    }

    @Test
    void anAlgorithmListWithAnUnknownNameSaysWhichNamesAreValid() throws IOException {
        Path p = write("config", "KexAlgorithms +curve448\n");
        assertThatThrownBy(() -> load(p))
                .hasMessageStartingWith(p + ":1:")
                .hasMessageContaining("curve448")
                .hasMessageContaining("curve25519-sha256");
    }

    @Test
    void aMissingIncludeTargetIsSilentlyIgnored() throws IOException {
        Path p = write("config", "Include " + dir + "/nope/*.conf " + dir + "/absent.conf\nHost *\n  Port 2022\n");
        SshConfig cfg = load(p);
        assertThat(cfg.resolve("h").port()).isEqualTo(2022);
        assertThat(cfg.warnings()).isEmpty();
    }

    @Test
    void aMissingConfigFileGivenExplicitlyIsAClearError() {
        Path p = dir.resolve("absent");
        assertThatThrownBy(() -> load(p)).isInstanceOf(SshConfigException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("no such file");
    }

    @Test
    void aConfigPathThatCannotBeReadIsAClearError() throws IOException {
        Path d = Files.createDirectories(dir.resolve("a-directory"));
        assertThatThrownBy(() -> load(d)).isInstanceOf(SshConfigException.class)
                .hasMessageContaining(d.toString())
                .hasMessageContaining("can't read");
    }

    @Test
    void anUnreadableIncludedFileIsAClearErrorNamingTheIncludeLine() throws IOException {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "root reads files whatever their mode");
        Path inc = write("secret.conf", "Port 1\n");
        Files.setPosixFilePermissions(inc, PosixFilePermissions.fromString("---------"));
        Path p = write("config", "\nInclude " + inc + "\n");
        assertThatThrownBy(() -> load(p)).hasMessageStartingWith(p + ":2:").hasMessageContaining("permission denied");
    }

    @Test
    void aKeywordWithoutArgumentIsAnErrorEvenWhenUnknown() throws IOException {
        Path p = write("config", "Host a\n  Frobnicate\n");
        assertThatThrownBy(() -> load(p)).hasMessageStartingWith(p + ":2:").hasMessageContaining("no argument");
    }

    @Test
    void anUnterminatedQuoteIsAnError() throws IOException {
        Path p = write("config", "User \"open\n");
        assertThatThrownBy(() -> load(p)).hasMessageStartingWith(p + ":1:").hasMessageContaining("quote");
    }

    @Test
    void anIncludeCycleIsRefused() throws IOException {
        Path p = dir.resolve("config");
        Files.writeString(p, "Include " + p + "\n");
        assertThatThrownBy(() -> load(p)).isInstanceOf(SshConfigException.class)
                .hasMessageContaining("recursive");
    }

    @Test
    void matchAndHostAndIncludeAreRefusedAsCommandLineOptions() {
        for (String k : new String[] {"Host", "Match", "Include"}) {
            assertThatThrownBy(() -> SshConfig.load(Optional.empty(), Map.of(k, "x"), ctx))
                    .isInstanceOf(SshConfigException.class)
                    .hasMessageStartingWith("command-line:0:")
                    .hasMessageContaining("command-line option");
        }
    }

    @Test
    void anUnknownTokenAtResolveTimeNamesTheLineThatSetIt() throws IOException {
        Path p = write("config", "Host t\n\n  ControlPath /tmp/%q\n");
        SshConfig cfg = load(p);
        assertThatThrownBy(() -> cfg.resolve("t")).hasMessageStartingWith(p + ":3:").hasMessageContaining("%q");
    }

    @Test
    void anUnsetEnvironmentVariableIsAnError() throws IOException {
        Path p = write("config", "Host t\n  UserKnownHostsFile ${DROVER_SURELY_UNSET}/kh\n");
        SshConfig cfg = load(p);
        assertThatThrownBy(() -> cfg.resolve("t")).hasMessageStartingWith(p + ":2:")
                .hasMessageContaining("DROVER_SURELY_UNSET");
    }
}
