package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Commands on real OpenSSH hosts: exit codes, signals, separate streams, stdin, env, pty. */
class ExecTest {
    @SshHosts(count = 1, prefix = "ex")
    static SshFleet fleet;
    static Ssh ssh;

    @BeforeAll
    static void client() {
        ssh = fleet.closing(Ssh.builder().configFile(fleet.sshConfig()).build());
    }

    record Result(ExitStatus status, String out, String err) {}

    static Result run(SshConnection c, CommandRequest request) throws Exception {
        try (RemoteProcess p = c.start(request)) {
            p.stdin().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.stderr()));
            String out = drain(p.stdout());
            ExitStatus status = p.waitFor(Duration.ofSeconds(30)).orElseThrow();
            return new Result(status, out, err.join());
        }
    }

    static Result run(SshConnection c, String command) throws Exception {
        return run(c, CommandRequest.of(command));
    }

    static String drain(InputStream in) {
        try {
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void commandsReportTheirExitCodeAndOutput() throws Exception {
        SshConnection c = ssh.connect("ex1");
        Result ok = run(c, "hostname");
        assertThat(ok.status()).isEqualTo(ExitStatus.code(0));
        assertThat(ok.out()).isEqualTo(SshFleet.namespacesAvailable() ? "ex1\n" : ok.out());
        assertThat(ok.err()).isEmpty();
        assertThat(run(c, "exit 42").status()).isEqualTo(ExitStatus.code(42));
        assertThat(run(c, "false").status().success()).isFalse();
    }

    @Test
    void aCommandKilledByASignalReportsTheSignal() throws Exception {
        Result r = run(ssh.connect("ex1"), "kill -TERM $$");
        assertThat(r.status()).isEqualTo(ExitStatus.signal("TERM"));
    }

    @Test
    void stdoutAndStderrArriveSeparatedAndInOrderWithoutTheWrapperMarker() throws Exception {
        Result r = run(ssh.connect("ex1"),
                "for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done; echo last >&2; exit 3");
        assertThat(r.out()).isEqualTo("out1\nout2\nout3\nout4\nout5\n");
        assertThat(r.err()).isEqualTo("err1\nerr2\nerr3\nerr4\nerr5\nlast\n");
        assertThat(r.status()).isEqualTo(ExitStatus.code(3));
    }

    @Test
    void stderrIsExactlyTheCommandsOwnEvenWithoutATrailingNewline() throws Exception {
        Result r = run(ssh.connect("ex1"), "printf 'no newline' >&2");
        assertThat(r.err()).isEqualTo("no newline");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void stdinReachesTheCommandAndClosingItSendsEof() throws Exception {
        try (RemoteProcess p = ssh.connect("ex1").start(CommandRequest.of("tr a-z A-Z"))) {
            p.stdin().write("hello\nworld\n".getBytes(UTF_8));
            p.stdin().close();
            assertThat(drain(p.stdout())).isEqualTo("HELLO\nWORLD\n");
            assertThat(p.waitFor(Duration.ofSeconds(30))).contains(ExitStatus.code(0));
        }
    }

    @Test
    void environmentVariablesAreSentAsEnvRequests() throws Exception {
        Result r = run(ssh.connect("ex1"), new CommandRequest("echo \"$DROVER_TEST_VAR\"", false,
                Map.of("DROVER_TEST_VAR", "a value")));
        assertThat(r.out()).isEqualTo("a value\n");
    }

    @Test
    void withAPtyStderrIsMergedIntoStdoutAndTheMarkerIsStillRemoved() throws Exception {
        Result r = run(ssh.connect("ex1"), new CommandRequest("echo to-err >&2; test -t 1 && echo tty", true, Map.of()));
        assertThat(r.out().replace("\r", "")).isEqualTo("to-err\ntty\n");
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isEqualTo(ExitStatus.code(0));
    }

    @Test
    void waitForReturnsEmptyWhenTheCommandOutlivesTheTimeout() throws Exception {
        try (RemoteProcess p = ssh.connect("ex1").start(CommandRequest.of("sleep 5"))) {
            assertThat(p.waitFor(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void concurrentConnectsToOneDestinationShareOneConnection() throws Exception {
        ssh.connect("ex1"); // warm
        var futures = new java.util.ArrayList<CompletableFuture<SshConnection>>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                futures.add(CompletableFuture.supplyAsync(() -> ssh.connect("ex1"), pool));
            }
        }
        SshConnection first = futures.getFirst().join();
        assertThat(futures).allSatisfy(f -> assertThat(f.join()).isSameAs(first));
    }

    @Test
    void concurrentFirstDialsOfANewDestinationAreOneDial() throws Exception {
        try (Ssh fresh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            long before = count(fleet.host("ex1").log(), "Accepted publickey");
            var futures = new java.util.ArrayList<CompletableFuture<SshConnection>>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 20; i++) {
                    futures.add(CompletableFuture.supplyAsync(() -> fresh.connect("ex1"), pool));
                }
            }
            SshConnection first = futures.getFirst().join();
            assertThat(futures).allSatisfy(f -> assertThat(f.join()).isSameAs(first));
            assertThat(count(fleet.host("ex1").log(), "Accepted publickey") - before).isEqualTo(1);
        }
    }

    @Test
    void aClosedConnectionIsRedialedOnTheNextConnect() throws Exception {
        SshConnection c = ssh.connect("ex1");
        c.close();
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> c.start(CommandRequest.of("true")))
                .isInstanceOfSatisfying(SshException.class, e -> assertThat(e.kind()).isEqualTo(SshException.Kind.DISCONNECTED));
        SshConnection again = ssh.connect("ex1");
        assertThat(again).isNotSameAs(c);
        assertThat(run(again, "echo back").out()).isEqualTo("back\n");
    }

    @Test
    void killEndsTheCommandAndEveryProcessItStarted() throws Exception {
        SshConnection c = ssh.connect("ex1");
        RemoteProcess p = c.start(CommandRequest.of("sh -c 'sleep 301 & sleep 301'; echo never"));
        awaitProcessCount(c, "sleep 301", 2);
        p.kill();
        assertThat(p.waitFor(Duration.ofSeconds(10))).contains(ExitStatus.signal("KILL"));
        awaitProcessCount(c, "sleep 301", 0);
        assertThat(drain(p.stdout())).doesNotContain("never");
        p.close();
    }

    @Test
    void killReachesChildrenThatMovedToTheirOwnProcessGroup() throws Exception {
        SshConnection c = ssh.connect("ex1");
        // set -m gives each background job its own process group, as an interactive shell would
        RemoteProcess p = c.start(CommandRequest.of("set -m; sleep 302 & sleep 302 & wait"));
        awaitProcessCount(c, "sleep 302", 2);
        p.kill();
        awaitProcessCount(c, "sleep 302", 0);
        p.close();
    }

    @Test
    void closingAProcessThatIsStillRunningKillsIt() throws Exception {
        SshConnection c = ssh.connect("ex1");
        RemoteProcess p = c.start(CommandRequest.of("sleep 303 | cat"));
        awaitProcessCount(c, "sleep 303", 1);
        p.close();
        awaitProcessCount(c, "sleep 303", 0);
    }

    @Test
    void killAfterTheShellExitedStillEndsABackgroundChildHoldingTheChannel() throws Exception {
        SshConnection c = ssh.connect("ex1");
        RemoteProcess p = c.start(CommandRequest.of("sleep 304 & echo started"));
        assertThat(p.waitFor(Duration.ofSeconds(10))).contains(ExitStatus.code(0));
        awaitProcessCount(c, "sleep 304", 1);
        p.kill();
        awaitProcessCount(c, "sleep 304", 0);
        p.close();
    }

    /** Polls the host's process table (its own PID namespace) until {@code n} processes match, or fails. */
    static void awaitProcessCount(SshConnection c, String pattern, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Result r = run(c, "ps -eo args= | grep -c '^" + pattern + "$' || true");
            last = r.out().strip();
            if (last.equals(Integer.toString(n))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("expected " + n + " processes '" + pattern + "' on the host, last count " + last
                + "; ps: " + run(c, "ps -eo pid,pgid,sid,args").out());
    }

    @Test
    void twoHundredMegabytesOfStdoutStreamThroughWithoutBeingBufferedWhole() throws Exception {
        long size = 200L * 1024 * 1024;
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        long start = System.nanoTime();
        long total = 0;
        long maxBuffered = 0;
        try (RemoteProcess p = ssh.connect("ex1").start(CommandRequest.of("head -c " + size + " /dev/zero"))) {
            p.stdin().close();
            InputStream out = p.stdout();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = out.read(buf)) >= 0) {
                total += n;
                maxBuffered = Math.max(maxBuffered, out.available());
            }
            assertThat(p.waitFor(Duration.ofSeconds(30))).contains(ExitStatus.code(0));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("streamed %d MB in %.1f s (%.0f MB/s); at most %d KB buffered; heap used %d MB -> %d MB%n",
                total >> 20, seconds, total / 1048576.0 / seconds, maxBuffered >> 10, heapBefore >> 20,
                memory.getHeapMemoryUsage().getUsed() >> 20);
        assertThat(total).isEqualTo(size);
        // never more than the channel's window (2 MiB) waits in memory, whatever the output size
        assertThat(maxBuffered).isLessThanOrEqualTo(2L * 1024 * 1024 + 64 * 1024);
    }

    @Test
    void aReaderThatStopsReadingHoldsTheRemoteCommandBack() throws Exception {
        try (RemoteProcess p = ssh.connect("ex1").start(CommandRequest.of("head -c 100000000 /dev/zero; echo done"))) {
            p.stdin().close();
            p.stdout().readNBytes(1024 * 1024);
            // the command cannot finish: its output has nowhere to go until we read again
            assertThat(p.waitFor(Duration.ofSeconds(1))).isEmpty();
            long rest = p.stdout().transferTo(java.io.OutputStream.nullOutputStream());
            assertThat(rest).isEqualTo(100000000L - 1024 * 1024 + "done\n".length());
            assertThat(p.waitFor(Duration.ofSeconds(30))).contains(ExitStatus.code(0));
        }
    }

    @Test
    void theFileSystemIsSftpOverTheSameConnection() throws Exception {
        SshConnection c = ssh.connect("ex1");
        long connections = count(fleet.host("ex1").log(), "Connection from");
        java.nio.file.FileSystem fs = c.fileSystem();
        java.nio.file.Path remote = fs.getPath("/tmp/sftp-check.txt");
        java.nio.file.Files.writeString(remote, "over sftp\n");
        assertThat(java.nio.file.Files.readString(remote)).isEqualTo("over sftp\n");
        assertThat(run(c, "cat /tmp/sftp-check.txt").out()).isEqualTo("over sftp\n");
        assertThat(c.fileSystem()).isSameAs(fs);
        assertThat(count(fleet.host("ex1").log(), "Connection from")).isEqualTo(connections);
    }

    static long count(String log, String needle) {
        return log.lines().filter(l -> l.contains(needle)).count();
    }

    static String bytes(ByteArrayOutputStream b) {
        return b.toString(UTF_8);
    }
}
