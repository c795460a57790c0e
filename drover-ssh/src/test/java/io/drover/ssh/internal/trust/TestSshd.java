package io.drover.ssh.internal.trust;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH sshd on 127.0.0.1 for the few tests that must see MINA use these components end to end (host
 * certificates through key exchange, agent forwarding). Root login by key or user certificate only.
 */
final class TestSshd implements AutoCloseable {
    final Path dir;
    final int port;
    final Path hostKey;
    final Path userCa;
    final Path authorizedKeys;
    private final Process process;

    TestSshd(Path dir) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir);
        hostKey = Tools.keygen(dir.resolve("ssh_host_ed25519_key"), "ed25519", 0, "");
        Path hostCa = Tools.keygen(dir.resolve("host_ca"), "ed25519", 0, "");
        Tools.ok("ssh-keygen", "-q", "-s", hostCa.toString(), "-h", "-I", "test-host", "-n", "127.0.0.1,localhost",
                hostKey + ".pub");
        userCa = Tools.keygen(dir.resolve("user_ca"), "ed25519", 0, "");
        authorizedKeys = dir.resolve("authorized_keys");
        Files.writeString(authorizedKeys, "");
        port = freePort();
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "HostCertificate " + hostKey + "-cert.pub",
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorizedKeys,
                "TrustedUserCAKeys " + userCa + ".pub",
                "StrictModes no",
                "UsePAM no",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "AllowAgentForwarding yes",
                "LogLevel ERROR",
                ""));
        process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .redirectErrorStream(true)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    process.destroyForcibly();
                    throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(20); // polling until sshd listens, with a deadline
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The known_hosts name of this server. */
    String hostKeyName() {
        return "[127.0.0.1]:" + port;
    }

    void authorize(Path key) throws IOException {
        Files.writeString(authorizedKeys, Files.readString(Path.of(key + ".pub")), java.nio.file.StandardOpenOption.APPEND);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
