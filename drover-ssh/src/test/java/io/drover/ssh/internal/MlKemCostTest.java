package io.drover.ssh.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.ssh.Ssh;
import io.drover.testkit.EmbeddedLabMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.kex.KexProposalOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (prints, never asserts) drover's client CPU per full handshake (TCP + key exchange + publickey auth) for
 * {@code mlkem768x25519-sha256} next to {@code curve25519-sha256} and sntrup761. OpenSSH 9.2 lacks ML-KEM, so the
 * server is an embedded (MINA) host in a JVM of its own ({@link EmbeddedLabMain}): this JVM's CPU time is the client's
 * alone. Opt-in: {@code -Ddrover.measure=true}; figures go to the surefire output file.
 */
class MlKemCostTest {
    static final int ROUNDS = 30;

    @TempDir
    Path dir;

    @Test
    void printsClientCpuPerHandshakeForMlKemAndX25519() throws Exception {
        assumeTrue(Boolean.getBoolean("drover.measure"), "measurement: run with -Ddrover.measure=true");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), EmbeddedLabMain.class.getName(), dir.toString(), "1", "mkc",
                "203").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), UTF_8));
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("READY ")) {
                throw new IllegalStateException("embedded lab did not start: " + ready);
            }
            Path sshConfig = dir.resolve("ssh_config");
            for (String kex : List.of("curve25519-sha256", "mlkem768x25519-sha256", "sntrup761x25519-sha512@openssh.com",
                    "curve25519-sha256", "mlkem768x25519-sha256")) {
                long cpu = 0;
                long wall = 0;
                String negotiated = null;
                for (int i = 0; i < ROUNDS; i++) {
                    try (Ssh ssh = Ssh.builder().configFile(sshConfig).option("KexAlgorithms", kex).build()) {
                        long c0 = os.getProcessCpuTime();
                        long w0 = System.nanoTime();
                        MinaConnection c = (MinaConnection) ssh.connect("mkc1");
                        wall += System.nanoTime() - w0;
                        cpu += os.getProcessCpuTime() - c0;
                        negotiated = c.session().getNegotiatedKexParameter(KexProposalOption.ALGORITHMS);
                    }
                }
                System.out.printf("kex %-36s (negotiated %s) client CPU %6.1f ms/handshake, wall %6.1f ms (%d rounds)%n",
                        kex, negotiated, cpu / 1e6 / ROUNDS, wall / 1e6 / ROUNDS, ROUNDS);
            }
        } finally {
            server.destroy(); // SIGTERM: the lab's shutdown hook stops its host
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
