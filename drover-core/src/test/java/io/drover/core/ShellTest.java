package io.drover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.api.Stream;
import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Shell action on real OpenSSH hosts: streams, stdin, directory, environment, pty, sudo, limits. */
class ShellTest {

    private static <T> T onW1(Task<T> task) {
        try (Group g = Group.builder(Fleets.sharedSsh()).host("w1").connect()) {
            HostResult<T> r = g.run("shell test", task).results().getFirst();
            if (r instanceof HostResult.Ok<T> ok) {
                return ok.value();
            }
            throw new AssertionError("task failed: " + r);
        }
    }

    private static HostResult<Object> resultOnW1(Task<Object> task) {
        try (Group g = Group.builder(Fleets.sharedSsh()).host("w1").connect()) {
            return g.run("shell test", task).results().getFirst();
        }
    }

    @Test
    void stdoutAndStderrArriveAsSeparateStreamsEachInOrder() {
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        onW1(host -> host.run(Shell.builder(
                "awk 'BEGIN { for (i = 1; i <= 100000; i++) { print i; print \"e\" i > \"/dev/stderr\" } }'")
                .lines((stream, line) -> (stream == Stream.STDOUT ? out : err).add(line)).build()));
        assertThat(out).hasSize(100_000);
        assertThat(err).hasSize(100_000);
        for (int i = 0; i < 100_000; i++) {
            assertThat(out.get(i)).isEqualTo(Integer.toString(i + 1));
            assertThat(err.get(i)).isEqualTo("e" + (i + 1));
        }
    }

    @Test
    void outputLinesReachTheListenerInOrderPerStream() {
        RecordingListener events = new RecordingListener();
        try (Group g = Group.builder(Fleets.sharedSsh()).hosts(Fleets.first(2)).listener(events).connect()) {
            g.run("seq", host -> host.shell("seq 1 1000; seq 1 500 >&2"));
        }
        for (String h : List.of("w1", "w2")) {
            List<DroverEvent.OutputLine> lines = events.of(DroverEvent.OutputLine.class).stream()
                    .filter(l -> l.host().equals(h)).toList();
            assertThat(lines.stream().filter(l -> l.stream() == Stream.STDOUT).map(DroverEvent.OutputLine::line))
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 1000).mapToObj(Integer::toString).toList());
            assertThat(lines.stream().filter(l -> l.stream() == Stream.STDERR).map(DroverEvent.OutputLine::line))
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 500).mapToObj(Integer::toString).toList());
        }
    }

    @Test
    void stdinFromBytesFileOrStreamReachesTheCommandWhole(@TempDir Path dir) throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        Path file = Files.write(dir.resolve("data"), data);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        List<String> sums = onW1(host -> List.of(
                host.run(Shell.builder("sha256sum").stdin(data).captureStdout(200).build()).stdout(),
                host.run(Shell.builder("sha256sum").stdin(file).captureStdout(200).build()).stdout(),
                host.run(Shell.builder("sha256sum").stdin(new ByteArrayInputStream(data)).captureStdout(200).build()).stdout()));
        assertThat(sums).allSatisfy(s -> assertThat(s).startsWith(expected + " "));
    }

    @Test
    void aCommandWithoutStdinGetsEndOfFileAtOnce() {
        String out = onW1(host -> host.output("cat; echo done"));
        assertThat(out).isEqualTo("done\n");
    }

    @Test
    void theWorkingDirectoryAndEnvironmentApplyRemotely() {
        String value = "it's \"x\" $HOME `y`";
        String out = onW1(host -> host.run(Shell.builder("pwd; printf '%s\\n' \"$A\"")
                .cwd("/usr/share").env("A", value).captureStdout(1000).build()).stdout());
        assertThat(out).isEqualTo("/usr/share\n" + value + "\n");
    }

    @Test
    void aPtyMergesStderrIntoStdout() {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        onW1(host -> host.run(Shell.builder("tty; echo to-err >&2").pty(true)
                .lines((stream, line) -> lines.add(stream + " " + line)).build()));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("STDOUT /dev/pts/");
        assertThat(lines.get(1)).isEqualTo("STDOUT to-err");
    }

    @Test
    void theExitStatusIsReturnedWhenNotChecked() {
        CommandResult r = onW1(host -> host.run(Shell.builder("echo why >&2; exit 4").check(false).build()));
        assertThat(r.status().code()).hasValue(4);
        assertThat(r.stderrTail()).isEqualTo("why");
        assertThat(r.success()).isFalse();
    }

    @Test
    void outputReturnsStdoutAsPrinted() {
        String out = onW1(host -> host.output("printf 'a\\nb'"));
        assertThat(out).isEqualTo("a\nb");
    }

    @Test
    void outputBeyondItsLimitFailsInsteadOfBeingCut() {
        HostResult<Object> r = resultOnW1(host -> host.output("head -c 2000000 /dev/zero", 1000));
        assertThat(r).isInstanceOfSatisfying(HostResult.Failed.class, f -> assertThat(f.message())
                .isEqualTo("stdout of `head -c 2000000 /dev/zero` on w1 exceeded the limit of 1000 bytes"));
    }

    @Test
    void aLineLongerThanOneMibArrivesInPiecesOfAtMostOneMib() {
        List<Integer> pieces = new ArrayList<>();
        onW1(host -> host.run(Shell.builder("head -c 3000000 /dev/zero | tr '\\0' x; echo; echo next")
                .lines((stream, line) -> pieces.add(line.length())).build()));
        assertThat(pieces).containsExactly(1 << 20, 1 << 20, 3_000_000 - (2 << 20), 4);
    }

    @Test
    void sudoRunsTheWholeScriptAsAnotherUser() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sudo")), "sudo is not installed");
        String out = onW1(host -> host.run(Shell.builder("id -un; printf '%s\\n' \"$A\"; pwd").sudo("nobody")
                .env("A", "kept").cwd("/tmp").captureStdout(1000).build()).stdout());
        assertThat(out).isEqualTo("nobody\nkept\n/tmp\n");
    }

    @Test
    void sudoThatWantsAPasswordFailsWithAClearError() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sudo")), "sudo is not installed");
        // every command on this host runs as nobody (as after logging in as a user without sudo rights), so the
        // real sudo, run by the real sshd, refuses to go on without a password
        try (SshFleet fleet = SshFleet.builder().hosts(1).namePrefix("nopw").sshdConfig(
                "ForceCommand exec setpriv --reuid=65534 --regid=65534 --clear-groups /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"")
                .start();
                Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build();
                Group g = Group.builder(ssh).host("nopw1").connect()) {
            assertThat(g.collect("who", host -> host.output("id -un").strip())).containsEntry("nopw1", "nobody");
            RunReport<CommandResult> report = g.run("sudo", host -> host.run(Shell.builder("true").sudo().build()));
            assertThat(report.results().getFirst()).isInstanceOfSatisfying(HostResult.Failed.class, f -> {
                assertThat(f.message()).isEqualTo("sudo requires a password on nopw1 (sudo -n does not prompt: allow "
                        + "NOPASSWD for this command, or run it without sudo)");
                assertThat(f.exitCode()).hasValue(1);
                assertThat(f.stderrTail()).contains("sudo: a password is required");
            });
        }
    }

    @Test
    void existsAndIsDirectoryLookAtTheRemoteFileSystem() {
        List<Boolean> answers = onW1(host -> List.of(host.exists("/etc/hostname"), host.exists("/no/such/file"),
                host.isDirectory("/tmp"), host.isDirectory("/etc/hostname")));
        assertThat(answers).containsExactly(true, false, true, false);
    }

    @Test
    void aShellWithAStreamAsStdinRunsOnlyOnce() {
        Shell once = Shell.builder("cat >/dev/null").stdin(new ByteArrayInputStream(new byte[10])).build();
        HostResult<Object> r = resultOnW1(host -> {
            host.run(once);
            return host.run(once);
        });
        assertThat(r).isInstanceOfSatisfying(HostResult.Failed.class,
                f -> assertThat(f.message()).contains("was read by an earlier run"));
    }

    @Test
    void theRemoteEnvironmentIsReadOnceAndExpanded() {
        Map<String, String> env = onW1(HostSession::env);
        assertThat(env).containsEntry("HOME", "/root").containsKey("PATH");
    }
}
