package io.drover.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.ssh.config.HostConfig;
import io.drover.ssh.config.SshConfig;
import io.drover.testkit.SshFleet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * drover's cipher order follows the JVM: AES-GCM first where C2 runs it on the CPU's AES instructions, OpenSSH's order
 * (ChaCha20 first) otherwise; a list the user wrote always wins. Checked against a real sshd from child JVMs started
 * with the JIT flags in question.
 */
class CipherChoiceTest {
    static SshFleet fleet;

    @BeforeAll
    static void start() {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        fleet = SshFleet.builder().hosts(1).namePrefix("ci").start();
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    static HostConfig resolve(Map<String, String> options) {
        return SshConfig.load(Optional.empty(), options).resolve("somehost");
    }

    static final Set<String> X86_AES = Set.of("fpu", "sse2", "aes", "pclmulqdq", "avx2");

    @Test
    void withoutCiphersAesGcmComesFirstOnlyWhereItIsFast() {
        assertThat(Algorithms.cipherNames(resolve(Map.of()), () -> true)).startsWith("aes128-gcm@openssh.com",
                "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com");
        assertThat(Algorithms.cipherNames(resolve(Map.of()), () -> false)).isEqualTo(Algorithms.DEFAULT_CIPHERS)
                .first().isEqualTo("chacha20-poly1305@openssh.com");
    }

    @Test
    void aCipherListTheUserWroteWinsAndTheJvmIsNotEvenAsked() {
        HostConfig c = resolve(Map.of("Ciphers", "chacha20-poly1305@openssh.com,aes128-ctr"));
        assertThat(Algorithms.cipherNames(c, () -> {
            throw new AssertionError("asked the JVM although the user chose");
        })).containsExactly("chacha20-poly1305@openssh.com", "aes128-ctr");
        HostConfig minus = resolve(Map.of("Ciphers", "-chacha20-poly1305@openssh.com"));
        assertThat(Algorithms.cipherNames(minus, () -> true)).first().isEqualTo("aes128-ctr");
    }

    @Test
    void aJvmWithoutC2OrWithoutAesInstructionsKeepsChaCha20First() {
        Optional<Set<String>> aes = Optional.of(X86_AES);
        assertThat(FastAesGcm.detect("mixed mode, sharing", aes, "amd64", OptionalInt::empty)).isTrue();
        assertThat(FastAesGcm.detect("mixed mode, sharing", aes, "amd64", () -> OptionalInt.of(4))).isTrue();
        assertThat(FastAesGcm.detect("mixed mode, emulated-client, sharing", aes, "amd64", () -> OptionalInt.of(1)))
                .isFalse();
        assertThat(FastAesGcm.detect("interpreted mode, sharing", aes, "amd64", OptionalInt::empty)).isFalse();
        // TieredStopAtLevel=2 or 3 does not show in java.vm.info: the VM option says it
        assertThat(FastAesGcm.detect("mixed mode, sharing", aes, "amd64", () -> OptionalInt.of(3))).isFalse();
        assertThat(FastAesGcm.detect("mixed mode", Optional.of(Set.of("fpu", "aes")), "amd64", OptionalInt::empty))
                .as("no carry-less multiply: GHASH in software").isFalse();
        assertThat(FastAesGcm.detect("mixed mode", Optional.of(Set.of("fp", "asimd", "aes", "pmull")), "aarch64",
                OptionalInt::empty)).isTrue();
        assertThat(FastAesGcm.detect("mixed mode", Optional.empty(), "aarch64", OptionalInt::empty)).isTrue();
        assertThat(FastAesGcm.detect("mixed mode", Optional.empty(), "riscv64", OptionalInt::empty)).isFalse();
    }

    @Test
    void cpuFlagsAreReadFromTheFirstProcessorOfProcCpuinfo(@TempDir Path dir) throws IOException {
        Path x86 = dir.resolve("x86");
        Files.writeString(x86, "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme aes pclmulqdq avx\n\n"
                + "processor\t: 1\nflags\t\t: fpu\n");
        assertThat(FastAesGcm.cpuFeatures(x86)).contains(Set.of("fpu", "vme", "aes", "pclmulqdq", "avx"));
        Path arm = dir.resolve("arm");
        Files.writeString(arm, "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd aes pmull sha1\n");
        assertThat(FastAesGcm.cpuFeatures(arm)).contains(Set.of("fp", "asimd", "aes", "pmull", "sha1"));
        assertThat(FastAesGcm.cpuFeatures(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void aC2JvmOnACpuWithAesNegotiatesAesGcmWithARealSshd() throws Exception {
        assumeTrue(FastAesGcm.cpuFeatures(Path.of("/proc/cpuinfo")).map(f -> f.contains("aes")
                && (f.contains("pclmulqdq") || f.contains("pmull"))).orElse(false), "CPU without AES instructions");
        List<String> out = child(List.of("-XX:+UseSerialGC"));
        assertThat(out).containsExactly("fastAes=true", "cipher=aes128-gcm@openssh.com");
    }

    @Test
    void aC1OnlyJvmNegotiatesChaCha20WithARealSshd() throws Exception {
        List<String> out = child(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        assertThat(out).containsExactly("fastAes=false", "cipher=chacha20-poly1305@openssh.com");
    }

    @Test
    void theUsersCiphersWinInAC1OnlyJvmToo() throws Exception {
        List<String> out = child(List.of("-XX:TieredStopAtLevel=1"), "Ciphers=aes256-gcm@openssh.com,aes128-ctr");
        assertThat(out).containsExactly("fastAes=false", "cipher=aes256-gcm@openssh.com");
    }

    /** Runs {@link NegotiatedCipher} in a child JVM with {@code jvmFlags} against the fleet's host. */
    static List<String> child(List<String> jvmFlags, String... options) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NegotiatedCipher.class.getName(),
                fleet.sshConfig().toString(), "ci1"));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output.lines().filter(l -> l.startsWith("fastAes=") || l.startsWith("cipher=")).toList();
    }
}
