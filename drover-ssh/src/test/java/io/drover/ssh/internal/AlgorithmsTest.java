package io.drover.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.ssh.config.HostConfig;
import io.drover.ssh.config.SshConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlgorithmsTest {
    static HostConfig resolve(Map<String, String> options) {
        return SshConfig.load(Optional.empty(), options).resolve("somehost");
    }

    @Test
    void withoutKexAlgorithmsDroverPrefersMlKemThenX25519BeforeSntrup() {
        assertThat(Algorithms.kexNames(resolve(Map.of()))).startsWith("mlkem768x25519-sha256", "curve25519-sha256",
                "curve25519-sha256@libssh.org", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com");
        assertThat(Algorithms.kex(resolve(Map.of()))).extracting(f -> f.getName())
                .startsWith("mlkem768x25519-sha256", "curve25519-sha256");
    }

    @Test
    void aKexListTheUserWroteIsHonouredInTheUsersOrder() {
        HostConfig c = resolve(Map.of("KexAlgorithms", "sntrup761x25519-sha512@openssh.com,ecdh-sha2-nistp256"));
        assertThat(Algorithms.kexNames(c)).containsExactly("sntrup761x25519-sha512@openssh.com", "ecdh-sha2-nistp256");
        assertThat(Algorithms.kex(c)).extracting(f -> f.getName())
                .containsExactly("sntrup761x25519-sha512@openssh.com", "ecdh-sha2-nistp256");
    }

    @Test
    void removingAnAlgorithmFromTheDefaultIsAUserChoiceToo() {
        HostConfig c = resolve(Map.of("KexAlgorithms", "-sntrup*"));
        assertThat(Algorithms.kexNames(c)).first().isEqualTo("curve25519-sha256");
        assertThat(Algorithms.kexNames(c)).noneMatch(n -> n.startsWith("sntrup"));
    }

    @Test
    void ciphersAndMacsFollowTheConfigSkippingWhatMinaLacks() {
        HostConfig c = resolve(Map.of("Ciphers", "aes256-gcm@openssh.com,aes128-ctr", "MACs",
                "umac-128-etm@openssh.com,hmac-sha2-512-etm@openssh.com"));
        assertThat(Algorithms.ciphers(c)).extracting(f -> f.getName())
                .containsExactly("aes256-gcm@openssh.com", "aes128-ctr");
        assertThat(Algorithms.macs(c)).extracting(f -> f.getName()).containsExactly("hmac-sha2-512-etm@openssh.com");
    }
}
