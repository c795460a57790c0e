package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.api.DroverEvent;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The resident shell ({@link CommandRequest#resident}) on a real OpenSSH host: one session channel for many commands,
 * byte-exact separate streams, framing that output cannot fool, kill and replacement, overflow and fallback to
 * channels of their own. Session channels are counted in sshd's own log ({@code Starting session:} lines).
 */
@Timeout(120)
class ResidentShellTest {
    @SshHosts(count = 1, prefix = "rsh")
    static SshFleet fleet;
    static Ssh ssh;

    @BeforeAll
    static void client() {
        ssh = fleet.closing(Ssh.builder().configFile(fleet.sshConfig()).build());
    }

    record Result(ExitStatus status, byte[] out, String err) {
        String text() {
            return new String(out, UTF_8);
        }
    }

    static Result run(SshConnection c, CommandRequest request) throws Exception {
        try (RemoteProcess p = c.start(request)) {
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> new String(drain(p.stderr()), UTF_8));
            byte[] out = drain(p.stdout());
            ExitStatus status = p.waitFor(Duration.ofSeconds(30)).orElseThrow();
            return new Result(status, out, err.join());
        }
    }

    static Result resident(SshConnection c, String command) throws Exception {
        return run(c, CommandRequest.resident(command));
    }

    static byte[] drain(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Session channels sshd has started so far on the host. */
    static long sessions(SshFleet f, String host) {
        return f.host(host).log().lines().filter(l -> l.contains("Starting session:")).count();
    }

    /** A fresh connection (the pool would otherwise hand out the one an earlier test used). */
    static SshConnection fresh(Ssh client, String host) {
        SshConnection c = client.connect(host);
        c.close();
        return client.connect(host);
    }

    @Test
    void successiveCommandsShareOneSessionChannel() throws Exception {
        SshConnection c = fresh(ssh, "rsh1");
        long before = sessions(fleet, "rsh1");
        for (int k = 1; k <= 10; k++) {
            Result r = resident(c, "echo step " + k);
            assertThat(r.status()).isEqualTo(ExitStatus.code(0));
            assertThat(r.text()).isEqualTo("step " + k + "\n");
        }
        assertThat(sessions(fleet, "rsh1") - before).as("session channels for 10 commands").isEqualTo(1);
    }

    @Test
    void bothStreamsArriveByteForByteAndSeparately() throws Exception {
        assumeTrue(SshFleet.namespacesAvailable(), "needs the host's own /tmp");
        SshConnection c = fresh(ssh, "rsh1");
        Result r = resident(c, "head -c 300000 /dev/urandom > /tmp/rsh-bytes; cat /tmp/rsh-bytes; "
                + "printf 'err without newline' >&2");
        byte[] expected = Files.readAllBytes(fleet.host("rsh1").tmp().orElseThrow().resolve("rsh-bytes"));
        assertThat(r.out()).isEqualTo(expected);
        assertThat(r.err()).isEqualTo("err without newline");
        Result interleaved = resident(c, "i=0; while [ $i -lt 2000 ]; do i=$((i+1)); echo o$i; echo e$i >&2; done");
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            out.append('o').append(i).append('\n');
            err.append('e').append(i).append('\n');
        }
        assertThat(interleaved.text()).isEqualTo(out.toString());
        assertThat(interleaved.err()).isEqualTo(err.toString());
        assertThat(resident(c, "printf 'no newline'").text()).isEqualTo("no newline");
        assertThat(resident(c, "true").out()).isEmpty();
        assertThat(resident(c, "echo; echo").text()).isEqualTo("\n\n");
    }

    @Test
    void outputThatLooksLikeTheShellsMarkersIsPlainData() throws Exception {
        SshConnection c = fresh(ssh, "rsh1");
        String fake = "0123456789abcdef0123456789abcdef";
        String command = "printf '\\n%s:1:E0\\n\\n%s:2:S\\n' " + fake + " " + fake + "; "
                + "printf '\\n%s:0:R1\\n' " + fake + " >&2; printf '__drover_c=x\\nunset __drover_c\\n'";
        Result r = resident(c, command);
        assertThat(r.text()).isEqualTo("\n" + fake + ":1:E0\n\n" + fake + ":2:S\n__drover_c=x\nunset __drover_c\n");
        assertThat(r.err()).isEqualTo("\n" + fake + ":0:R1\n");
        Result quotes = resident(c, "printf '%s\\n' \"it's\" '\"x\"' '$HOME' '`y`' 'a\\b'");
        assertThat(quotes.text()).isEqualTo("it's\n\"x\"\n$HOME\n`y`\na\\b\n");
        assertThat(resident(c, "set | grep -c '^__drover'; true").text()).isEqualTo("0\n");
    }

    @Test
    void hugeOutputStreamsThrough() throws Exception {
        SshConnection c = fresh(ssh, "rsh1");
        long size = 40L << 20;
        try (RemoteProcess p = c.start(CommandRequest.resident("head -c " + size + " /dev/zero; echo done >&2"))) {
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> new String(drain(p.stderr()), UTF_8));
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            int n;
            InputStream out = p.stdout();
            while ((n = out.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    assertThat(buf[i]).isZero();
                }
                total += n;
            }
            assertThat(total).isEqualTo(size);
            assertThat(err.join()).isEqualTo("done\n");
            assertThat(p.waitFor(Duration.ofSeconds(30))).contains(ExitStatus.code(0));
        }
        assertThat(resident(c, "echo after").text()).isEqualTo("after\n");
    }

    @Test
    void outputABackgroundProcessWritesBetweenCommandsIsDropped() throws Exception {
        assumeTrue(SshFleet.namespacesAvailable(), "needs the host's own /tmp");
        SshConnection c = fresh(ssh, "rsh1");
        Path done = fleet.host("rsh1").tmp().orElseThrow().resolve("rsh-late");
        Files.deleteIfExists(done);
        Result first = resident(c, "(sleep 0.3; echo late; echo late-err >&2; touch /tmp/rsh-late) & echo first");
        assertThat(first.text()).isEqualTo("first\n");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(done)) {
            assertThat(System.nanoTime()).as("the background process finished").isLessThan(deadline);
            Thread.sleep(20);
        }
        Result second = resident(c, "echo second");
        assertThat(second.text()).isEqualTo("second\n");
        assertThat(second.err()).isEmpty();
    }

    @Test
    void exitCodesAndSignalsAreReported() throws Exception {
        SshConnection c = fresh(ssh, "rsh1");
        assertThat(resident(c, "exit 3").status()).isEqualTo(ExitStatus.code(3));
        assertThat(resident(c, "/etc 2>/dev/null").status()).isEqualTo(ExitStatus.code(126));
        assertThat(resident(c, "no-such-command-here 2>/dev/null").status()).isEqualTo(ExitStatus.code(127));
        assertThat(resident(c, "sh -c 'kill -TERM $$'").status()).isEqualTo(ExitStatus.signal("TERM"));
        assertThat(resident(c, "exit 255").status()).isEqualTo(ExitStatus.code(255));
        Result r = resident(c, "cat; echo read-eof");
        assertThat(r.text()).isEqualTo("read-eof\n");
    }

    @Test
    void aCommandThatKillsTheResidentShellFailsAndTheNextOneGetsANewShell() throws Exception {
        SshConnection c = fresh(ssh, "rsh1");
        long before = sessions(fleet, "rsh1");
        assertThat(resident(c, "echo one").text()).isEqualTo("one\n");
        assertThat(resident(c, "kill -9 $$; sleep 305.5").status()).isEqualTo(ExitStatus.signal("KILL"));
        awaitProcessCount(c, "sleep 305.5", 0);
        assertThat(resident(c, "echo two").text()).isEqualTo("two\n");
        assertThat(resident(c, "echo three").text()).isEqualTo("three\n");
        // two resident shells, plus the channels of awaitProcessCount
        assertThat(sessions(fleet, "rsh1") - before).isGreaterThanOrEqualTo(2);
        // $PPID is sshd's process for the connection: killing it ends the connection, as over a channel of its own
        assertThatThrownBy(() -> resident(c, "kill -KILL $PPID")).isInstanceOf(SshException.class)
                .hasMessageContaining("rsh1");
        assertThat(resident(ssh.connect("rsh1"), "echo four").text()).isEqualTo("four\n");
    }

    @Test
    void killEndsTheCommandsProcessTreeAndTheNextCommandGetsANewShell() throws Exception {
        SshConnection c = fresh(ssh, "rsh1");
        assertThat(resident(c, "echo warm").text()).isEqualTo("warm\n");
        RemoteProcess p = c.start(CommandRequest.resident("sh -c 'sleep 306.5 & sleep 306.5'; echo never"));
        awaitProcessCount(c, "sleep 306.5", 2);
        p.kill();
        assertThat(p.waitFor(Duration.ofSeconds(10))).contains(ExitStatus.signal("KILL"));
        awaitProcessCount(c, "sleep 306.5", 0);
        p.close();
        long before = sessions(fleet, "rsh1");
        assertThat(resident(c, "echo next").text()).isEqualTo("next\n");
        assertThat(resident(c, "echo next again").text()).isEqualTo("next again\n");
        assertThat(sessions(fleet, "rsh1") - before).as("one new resident shell").isEqualTo(1);
    }

    @Test
    void closingACommandThatHasNotEndedKillsIt() throws Exception {
        SshConnection c = fresh(ssh, "rsh1");
        RemoteProcess p = c.start(CommandRequest.resident("sleep 307.5 | cat"));
        awaitProcessCount(c, "sleep 307.5", 1);
        p.close();
        awaitProcessCount(c, "sleep 307.5", 0);
        assertThat(resident(c, "echo fine").text()).isEqualTo("fine\n");
    }

    @Test
    void aCommandStartedWhileTheResidentShellIsBusyRunsOnAChannelOfItsOwn() throws Exception {
        SshConnection c = fresh(ssh, "rsh1");
        assertThat(resident(c, "echo warm").text()).isEqualTo("warm\n");
        long before = sessions(fleet, "rsh1");
        // the first waits for the second: queued behind it on one shell, they would never end
        try (RemoteProcess first = c.start(CommandRequest.resident(
                "while [ ! -e /tmp/rsh-second ]; do sleep 0.02; done; rm /tmp/rsh-second; echo first"))) {
            Result second = resident(c, "cat; touch /tmp/rsh-second; echo second");
            assertThat(second.text()).isEqualTo("second\n");
            assertThat(new String(drain(first.stdout()), UTF_8)).isEqualTo("first\n");
            assertThat(first.waitFor(Duration.ofSeconds(10))).contains(ExitStatus.code(0));
        }
        assertThat(sessions(fleet, "rsh1") - before).as("one channel for the overflow").isEqualTo(1);
        assertThat(resident(c, "echo back").text()).isEqualTo("back\n");
        assertThat(sessions(fleet, "rsh1") - before).as("the resident shell serves again").isEqualTo(1);
    }

    @Test
    void aResidentCommandHasNoStdin() throws Exception {
        try (RemoteProcess p = fresh(ssh, "rsh1").start(CommandRequest.resident("cat"))) {
            assertThatThrownBy(() -> p.stdin().write(1)).isInstanceOf(IOException.class).hasMessageContaining("stdin");
            p.stdin().close();
            assertThat(drain(p.stdout())).isEmpty();
            assertThat(p.waitFor(Duration.ofSeconds(10))).contains(ExitStatus.code(0));
        }
    }

    @Test
    void aRequestForTheResidentShellCannotHaveAPtyOrEnvRequests() {
        assertThatThrownBy(() -> new CommandRequest("true", true, java.util.Map.of(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pty (true)");
        assertThatThrownBy(() -> new CommandRequest("true", false, java.util.Map.of("A", "b"), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[A]");
    }

    @Test
    @SshHosts(count = 1, prefix = "rshf", sshdConfig = {
        "ForceCommand case \"$SSH_ORIGINAL_COMMAND\" in *' -s') exit 3;; *) eval \"$SSH_ORIGINAL_COMMAND\";; esac"})
    void aHostThatCannotRunTheResidentShellGetsChannelsAndOneWarning(SshFleet forced) throws Exception {
        List<DroverEvent> events = new CopyOnWriteArrayList<>();
        try (Ssh client = Ssh.builder().configFile(forced.sshConfig()).listener(events::add).build()) {
            SshConnection c = client.connect("rshf1");
            for (int k = 1; k <= 3; k++) {
                Result r = resident(c, "echo via channel " + k);
                assertThat(r.status()).isEqualTo(ExitStatus.code(0));
                assertThat(r.text()).isEqualTo("via channel " + k + "\n");
            }
        }
        assertThat(events).filteredOn(DroverEvent.Warning.class::isInstance)
                .map(e -> ((DroverEvent.Warning) e).message()).singleElement().asString()
                .contains("no resident shell on rshf1", "exit 3");
    }

    /** Polls the host's process table (its own PID namespace) until {@code n} processes match, or fails. */
    static void awaitProcessCount(SshConnection c, String pattern, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Result r = run(c, CommandRequest.of("ps -eo args= | grep -c '^" + pattern + "$' || true"));
            last = r.text().strip();
            if (last.equals(Integer.toString(n))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("expected " + n + " processes '" + pattern + "' on the host, last count " + last
                + "; ps: " + run(c, CommandRequest.of("ps -eo pid,pgid,sid,args")).text());
    }
}
