package io.drover.ssh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code KexAlgorithms mlkem768x25519-sha256} (OpenSSH 9.9+'s first choice, implemented by MINA SSHD 2.20) loads in
 * every list form; a name nobody implements is still refused with file:line and the valid names.
 */
class MlKemConfigTest {
    static final String MLKEM = "mlkem768x25519-sha256";

    @TempDir
    Path dir;

    private final ConfigContext ctx = ConfigContext.current().withEnvironment(Map.of("SHELL", "/bin/sh"));

    private HostConfig resolve(String kexLine) throws IOException {
        Path p = dir.resolve("config");
        Files.writeString(p, "Host h\n  KexAlgorithms " + kexLine + "\n");
        return SshConfig.load(Optional.of(p), Map.of(), ctx).resolve("h");
    }

    @Test
    void anExplicitListWithMlKemFirstKeepsTheUsersOrder() throws IOException {
        assertThat(resolve(MLKEM + ",curve25519-sha256").kexAlgorithms()).containsExactly(MLKEM, "curve25519-sha256");
        assertThat(resolve(MLKEM).kexAlgorithms()).containsExactly(MLKEM);
    }

    @Test
    void plusAppendsMlKemToTheDefaultAndCaretPrependsIt() throws IOException {
        assertThat(resolve("+" + MLKEM).kexAlgorithms()).startsWith("sntrup761x25519-sha512").endsWith(MLKEM)
                .contains("curve25519-sha256");
        assertThat(resolve("^" + MLKEM).kexAlgorithms()).startsWith(MLKEM, "sntrup761x25519-sha512")
                .doesNotHaveDuplicates();
    }

    @Test
    void minusWithAnMlKemNameIsAcceptedAndFiltersTheDefault() throws IOException {
        assertThat(resolve("-" + MLKEM + ",sntrup*").kexAlgorithms()).doesNotContain(MLKEM)
                .noneMatch(n -> n.startsWith("sntrup")).startsWith("curve25519-sha256");
    }

    @Test
    void aKexNameNobodyImplementsIsStillRefusedNamingFileLineAndTheValidNamesMlKemAmongThem() throws IOException {
        Path p = dir.resolve("bad");
        Files.writeString(p, "# comment\nKexAlgorithms " + MLKEM + ",mlkem1024x448-sha512\n");
        assertThatThrownBy(() -> SshConfig.load(Optional.of(p), Map.of(), ctx))
                .isInstanceOf(SshConfigException.class)
                .hasMessageStartingWith(p + ":2:")
                .hasMessageContaining("mlkem1024x448-sha512")
                .hasMessageContaining("valid names")
                .hasMessageContaining("curve25519-sha256," + "curve25519-sha256@libssh.org")
                .hasMessageContaining(MLKEM);
    }

    @Test
    void mlKemOnTheCommandLineIsAcceptedLikeInAFile() {
        HostConfig c = SshConfig.load(Optional.empty(), Map.of("KexAlgorithms", MLKEM + ",curve25519-sha256"), ctx)
                .resolve("h");
        assertThat(c.kexAlgorithms()).containsExactly(MLKEM, "curve25519-sha256");
    }
}
