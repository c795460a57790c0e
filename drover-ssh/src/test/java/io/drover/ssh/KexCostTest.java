package io.drover.ssh;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.testkit.SshFleet;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Measures (prints, never asserts) the client CPU and wall time of a full handshake (TCP + key exchange + publickey
 * auth) per key exchange algorithm against a local OpenSSH sshd. Figures go to the surefire output file. Opt-in (a
 * minute of CPU): {@code -Ddrover.measure=true}.
 */
class KexCostTest {
    static final int ROUNDS = 20;

    @Test
    void printsHandshakeCostPerKeyExchangeAlgorithm() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        assumeTrue(Boolean.getBoolean("drover.measure"), "measurement: run with -Ddrover.measure=true");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (SshFleet fleet = SshFleet.builder().hosts(1).namePrefix("kx").start()) {
            for (String kex : new String[] {"curve25519-sha256", "sntrup761x25519-sha512@openssh.com",
                    "curve25519-sha256", "sntrup761x25519-sha512@openssh.com", "ecdh-sha2-nistp256"}) {
                long cpu = 0;
                long wall = 0;
                for (int i = 0; i < ROUNDS; i++) {
                    try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).option("KexAlgorithms", kex).build()) {
                        long c0 = os.getProcessCpuTime();
                        long w0 = System.nanoTime();
                        ssh.connect("kx1");
                        wall += System.nanoTime() - w0;
                        cpu += os.getProcessCpuTime() - c0;
                    }
                }
                System.out.printf("kex %-36s client CPU %6.1f ms/handshake, wall %6.1f ms/handshake (%d rounds)%n",
                        kex, cpu / 1e6 / ROUNDS, wall / 1e6 / ROUNDS, ROUNDS);
            }
            long sshWall = 0;
            for (int i = 0; i < ROUNDS; i++) {
                long w0 = System.nanoTime();
                Process p = new ProcessBuilder("ssh", "-F", fleet.sshConfig().toString(), "-o",
                        "KexAlgorithms=curve25519-sha256", "kx1", "true").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor();
                sshWall += System.nanoTime() - w0;
            }
            System.out.printf("reference: OpenSSH client 'ssh kx1 true' (curve25519, incl. exec) wall %6.1f ms%n",
                    sshWall / 1e6 / ROUNDS);
            long t0 = System.nanoTime();
            try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
                ssh.connect("kx1");
                long t1 = System.nanoTime();
                ssh.close();
                System.out.printf("default kex: connect %s, close %s%n", Duration.ofNanos(t1 - t0),
                        Duration.ofNanos(System.nanoTime() - t1));
            }
        }
    }
}
