package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.testkit.SshFleet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keyboard-interactive against a real OpenSSH sshd with {@code UsePAM yes}, where PAM's {@code pam_unix} checks the
 * password of a throwaway user. The machine's /etc is never touched: the host's sshd runs inside the testkit's own
 * mount namespace, where a wrapper (given to the testkit as {@code -Ddrover.testkit.sshd} while the fleet starts)
 * bind-mounts a passwd (the real one plus the throwaway user), a shadow (only that
 * user) and a PAM service file made here over /etc, then execs sshd. The wrapper refuses to mount anything when it
 * finds itself in this JVM's mount namespace. Skipped without root and {@code unshare}.
 *
 * <p>Each login runs in a child JVM ({@link KbdInteractiveLogin}) with MINA's logging at TRACE into a file, so the
 * test can check that no answer reaches the logs, the events or the error message.
 */
class KeyboardInteractivePamTest {
    static final String USER = "drover-kbd";
    static final String RIGHT = "Kb-right-7Q2xv";
    static final String WRONG = "Kb-wrong-9Z4mw";

    @TempDir
    static Path dir;
    static SshFleet fleet;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        assumeTrue(SshFleet.namespacesAvailable(),
                "needs root and unshare: PAM's passwd/shadow are bind-mounted inside the host's own mount namespace");
        assumeTrue(List.of("/etc/passwd", "/etc/shadow", "/etc/pam.d/sshd").stream()
                .allMatch(f -> Files.isRegularFile(Path.of(f))),
                "needs /etc/passwd, /etc/shadow and /etc/pam.d/sshd to bind-mount over (sshd built with PAM)");
        // inside the fleet directory: the host's namespace hides the rest of /tmp and /root, not that
        Path fleetDir = dir.resolve("fleet");
        Path etc = Files.createDirectories(fleetDir.resolve("pam-etc"));
        List<String> passwd = new ArrayList<>(Files.readAllLines(Path.of("/etc/passwd"), UTF_8));
        passwd.removeIf(l -> l.startsWith(USER + ":"));
        passwd.add(USER + ":x:64123:64123:drover kbd test:/tmp:/bin/sh");
        Files.write(etc.resolve("passwd"), passwd, UTF_8);
        Path shadow = etc.resolve("shadow");
        Files.writeString(shadow, USER + ":" + sha512Crypt(RIGHT) + ":20000:0:99999:7:::\n", UTF_8);
        Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(etc.resolve("pam-sshd"), """
                auth     required pam_unix.so nodelay
                account  required pam_unix.so
                session  required pam_permit.so
                password required pam_deny.so
                """, UTF_8);
        String ownNamespace = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
        Path wrapper = etc.resolve("sshd-with-pam");
        Files.writeString(wrapper, """
                #!/bin/sh
                # sshd for KeyboardInteractivePamTest: private passwd/shadow/PAM service, only in a private mount namespace
                set -e
                if [ "$(readlink /proc/self/ns/mnt)" = '%s' ]; then
                    echo "sshd-with-pam: not in a private mount namespace; refusing to mount over /etc" >&2
                    exit 1
                fi
                mount --bind '%s' /etc/passwd
                mount --bind '%s' /etc/shadow
                mount --bind '%s' /etc/pam.d/sshd
                exec %s -o UsePAM=yes -o KbdInteractiveAuthentication=yes "$@"
                """.formatted(ownNamespace, etc.resolve("passwd"), shadow, etc.resolve("pam-sshd"),
                realSshd()), UTF_8);
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        String previous = System.setProperty("drover.testkit.sshd", wrapper.toString());
        try {
            fleet = SshFleet.builder().hosts(1).namePrefix("kbd").namespaces(true).directory(fleetDir).start();
        } finally {
            if (previous == null) {
                System.clearProperty("drover.testkit.sshd");
            } else {
                System.setProperty("drover.testkit.sshd", previous);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    /** The sshd the testkit would run: {@code -Ddrover.testkit.sshd} when set, else the usual places. */
    static String realSshd() {
        String chosen = System.getProperty("drover.testkit.sshd");
        return chosen != null ? chosen : List.of("/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd").stream()
                .filter(c -> Files.isExecutable(Path.of(c))).findFirst().orElseThrow();
    }

    /**
     * SHA-512 crypt of {@code secret} by libc's crypt(3) through perl (perl-base is essential on Debian; openssl's CLI
     * may be absent), the secret going through stdin, never a command line.
     */
    static String sha512Crypt(String secret) throws IOException, InterruptedException {
        String alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        SecureRandom random = new SecureRandom();
        StringBuilder salt = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            salt.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        Process p = new ProcessBuilder("perl", "-e", "chomp(my $p = <STDIN>); print crypt($p, q($6$" + salt + "$))")
                .redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((secret + "\n").getBytes(UTF_8));
        }
        String hash = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(hash).startsWith("$6$" + salt + "$");
        return hash;
    }

    /** The first 8 bytes of {@code s} as MINA's TRACE packet dumps print them ({@code 4b 62 2d ...}). */
    static String hex(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.substring(0, 8).getBytes(UTF_8)) {
            b.append(b.isEmpty() ? "" : " ").append(String.format("%02x", x));
        }
        return b.toString();
    }

    record Login(String output, String log) {
        /** What to show when an assertion fails: the child's output, the sshd log and the end of MINA's log. */
        String why() {
            String tail = log.length() > 6000 ? log.substring(log.length() - 6000) : log;
            return output + "\n--- sshd log:\n" + fleet.host("kbd1").log() + "\n--- MINA log (end):\n" + tail;
        }

        List<String> prompts() {
            return output.lines().filter(l -> l.startsWith("PROMPT ")).toList();
        }
    }

    /** One login in a child JVM whose Prompter gives {@code answers} in turn. */
    static Login login(String name, String... answers) throws Exception {
        Path log = dir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace", "-Dorg.slf4j.simpleLogger.logFile=" + log,
                "-cp", System.getProperty("java.class.path"), KbdInteractiveLogin.class.getName(),
                fleet.sshConfig().toString(), "kbd1", "User=" + USER,
                "PreferredAuthentications=keyboard-interactive", "NumberOfPasswordPrompts=2", "BatchMode=no"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            for (String a : answers) {
                in.write((a + "\n").getBytes(UTF_8));
            }
        }
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return new Login(output, Files.exists(log) ? Files.readString(log, UTF_8) : "");
    }

    @Test
    void theRightAnswerToPamsPasswordPromptLogsInAndTheAnswerIsNeverLoggedNorInAnEvent() throws Exception {
        Login l = login("right", RIGHT);
        assertThat(l.output()).as(l.why()).contains("LOGGED-IN-AS " + USER);
        assertThat(l.prompts()).singleElement().satisfies(p -> {
            assertThat(p).startsWith("PROMPT echo=false ");
            assertThat(p).containsIgnoringCase("password");
        });
        assertThat(l.log()).as("MINA logged at trace").contains("keyboard-interactive");
        assertThat(l.output()).doesNotContain(RIGHT);
        assertThat(l.log()).doesNotContain(RIGHT).doesNotContain(hex(RIGHT));
        assertThat(fleet.host("kbd1").log()).contains("Accepted keyboard-interactive/pam for " + USER)
                .doesNotContain(RIGHT);
    }

    @Test
    void aWrongAnswerFailsWithAnAuthErrorAndTheAnswerIsNeverLoggedNorInAnEvent() throws Exception {
        Login l = login("wrong", WRONG, WRONG, WRONG);
        assertThat(l.output()).as(l.why()).doesNotContain("LOGGED-IN-AS").contains("FAILED AUTH ");
        assertThat(l.prompts()).as(l.why()).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("PROMPT echo=false "));
        assertThat(l.output()).doesNotContain(WRONG);
        assertThat(l.log()).doesNotContain(WRONG).doesNotContain(hex(WRONG));
        assertThat(fleet.host("kbd1").log()).doesNotContain(WRONG);
    }

    @Test
    void inBatchModeNothingIsAskedAndKeyboardInteractiveFailsWithAnAuthError() throws Exception {
        Path log = dir.resolve("batch.log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.logFile=" + log, "-cp", System.getProperty("java.class.path"),
                KbdInteractiveLogin.class.getName(), fleet.sshConfig().toString(), "kbd1", "User=" + USER,
                "PreferredAuthentications=keyboard-interactive", "BatchMode=yes");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((RIGHT + "\n").getBytes(UTF_8));
        }
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(output).doesNotContain("PROMPT ").contains("FAILED AUTH ");
    }
}
