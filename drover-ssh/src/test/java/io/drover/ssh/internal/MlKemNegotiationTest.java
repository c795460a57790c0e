package io.drover.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.ssh.Ssh;
import io.drover.ssh.SshException;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import org.apache.sshd.common.kex.KexProposalOption;
import org.junit.jupiter.api.Test;

/**
 * {@code KexAlgorithms} naming {@code mlkem768x25519-sha256} against a real OpenSSH 9.2 sshd, which does not implement
 * it: listed before X25519 it is offered and X25519 is chosen; listed alone the handshake fails naming both sides'
 * lists.
 */
@SshHosts(count = 1, prefix = "mk")
class MlKemNegotiationTest {
    static final String MLKEM = "mlkem768x25519-sha256";

    @Test
    void mlKemListedFirstFallsBackToX25519AgainstAServerWithoutIt(SshFleet fleet) {
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).option("KexAlgorithms", MLKEM + ",curve25519-sha256")
                .build()) {
            MinaConnection c = (MinaConnection) ssh.connect("mk1");
            assertThat(c.session().getKeyExchangeFactories()).extracting(f -> f.getName())
                    .containsExactly(MLKEM, "curve25519-sha256");
            assertThat(c.session().getNegotiatedKexParameter(KexProposalOption.ALGORITHMS))
                    .isEqualTo("curve25519-sha256");
        }
    }

    @Test
    void mlKemAloneFailsWithAClearErrorNamingBothSidesAlgorithms(SshFleet fleet) {
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).option("KexAlgorithms", MLKEM).build()) {
            assertThatThrownBy(() -> ssh.connect("mk1"))
                    .isInstanceOfSatisfying(SshException.class,
                            e -> assertThat(e.kind()).isEqualTo(SshException.Kind.CONNECT))
                    .hasMessageContaining("no common algorithm with")
                    .hasMessageContaining(MLKEM)
                    .hasMessageContaining("curve25519-sha256")
                    .hasMessageContaining("sntrup761x25519-sha512@openssh.com");
        }
    }
}
