package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.cli.runs.RunRecord;
import io.drover.cli.runs.RunStore;
import io.drover.testkit.SshFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built CLI ({@code target/drover.jar}) as a real process against real OpenSSH hosts: exit codes, pipes,
 * terminals (through {@code script}, which gives the process a pty), and Ctrl-C.
 */
class DroverProcessIT {
    static final Path JAR = Path.of("target/drover.jar").toAbsolutePath();
    static SshFleet fleet;
    static String config;

    @TempDir
    Path tmp;

    /** Every drover this test started: killed after it, so a failed test leaves none running. */
    private final List<Process> started = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void killLeftovers() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    @BeforeAll
    static void startFleet() {
        assumeTrue(Files.isRegularFile(JAR), "needs the built jar " + JAR + " (mvn package)");
        assumeTrue(SshFleet.openSshAvailable() && SshFleet.namespacesAvailable(), "needs sshd and root with unshare");
        // password authentication allowed for the --ask-pass test (keys are still tried first everywhere)
        fleet = SshFleet.builder().hosts(5).namePrefix("p").sshdConfig("Match all")
                .sshdConfig("  PasswordAuthentication yes").sshdConfig("  PermitRootLogin yes").start();
        config = fleet.sshConfig().toString();
    }

    @AfterAll
    static void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    record Done(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private ProcessBuilder drover(List<String> args) {
        // env restores SIGINT's default: a test run started in the background by a non-interactive shell
        // inherits SIGINT ignored, and a JVM cannot catch a signal it was started ignoring (Ctrl-C tests).
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT",
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("XDG_STATE_HOME", tmp.resolve("state").toString());
        env.remove("NO_COLOR");
        return pb;
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private Done run(String stdin, String... args) throws Exception {
        return run(drover(List.of(args)), stdin);
    }

    private Done run(ProcessBuilder pb, String stdin) throws Exception {
        Process p = start(pb);
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(UTF_8));
        }
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("drover ended").isTrue();
        return new Done(p.exitValue(), out.get(), err.get());
    }

    /** Reads a stream to its end on a thread of its own (the common pool has one thread on two cores). */
    private static CompletableFuture<String> drain(java.io.InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(read(in));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void onJdk25TheLauncherTrainsAStartUpCacheOnceAndTheJvmAcceptsItForTheJar() throws Exception {
        Path launcher = JAR.getParent().getParent().getParent().resolve("drover");
        assumeTrue(Runtime.version().feature() >= 25, "AOT caches need JDK 25");
        assumeTrue(Files.isExecutable(launcher), "needs the launcher " + launcher);
        Path aot = JAR.resolveSibling("drover.aot");
        Files.deleteIfExists(aot);
        Files.deleteIfExists(JAR.resolveSibling("drover.aot.failed"));
        Done first = runLauncher(launcher, "hosts", "-H", "p[1-2]");
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.err()).contains("preparing the start-up cache").doesNotContain("training failed");
        assertThat(first.out()).isEqualTo("p1\np2\n");
        assertThat(aot).isRegularFile();

        Done second = runLauncher(launcher, "hosts", "-H", "p3");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.err()).as("no second training").isEmpty();
        assertThat(second.out()).isEqualTo("p3\n");

        // AOTMode=on makes the JVM refuse to start when the cache does not fit this JDK and jar
        Process p = start(new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:AOTMode=on", "-XX:AOTCache=" + aot,
                "-Xlog:aot*=off", "-Xlog:cds*=off", "-jar", JAR.toString(), "hosts", "-H", "p4"));
        String out = drain(p.getInputStream()).get();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("p4\n");
    }

    private Done runLauncher(Path launcher, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());
        pb.environment().remove("DROVER_JAVA_OPTS");
        pb.environment().put("JAVA_HOME", Path.of(ProcessHandle.current().info().command().orElseThrow())
                .getParent().getParent().toString());
        return run(pb, "");
    }

    @Test
    void theJarRunsACommandAndExitsZeroWithPlainOutputWhenPiped() throws Exception {
        Done d = run("", "run", "-F", config, "-H", "p[1-5]", "--", "hostname");
        assertThat(d.code()).as(d.toString()).isZero();
        assertThat(d.out().lines().sorted().toList()).containsExactly("p1 | p1", "p2 | p2", "p3 | p3", "p4 | p4",
                "p5 | p5");
        assertThat(d.out() + d.err()).doesNotContain("\033[");
        assertThat(d.err()).contains("5 hosts").contains("5 ok");
    }

    @Test
    void stdinFromAPipeReachesEveryHost() throws Exception {
        Done d = run("piped data\n", "run", "-F", config, "-H", "p[1-5]", "--fold", "--stdin", "-", "--", "cat");
        assertThat(d.code()).as(d.toString()).isZero();
        assertThat(d.out()).contains("p[1-5] (5)").contains("piped data\n");
    }

    @Test
    void exitCodesAreTheDocumentedOnes() throws Exception {
        assertThat(run("", "run", "-F", config, "-H", "p1", "--", "exit 3").code()).isEqualTo(1);
        Done usage = run("", "run", "--no-such-option");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("--no-such-option");
        assertThat(run("", "--version").out()).startsWith("drover ");
        Done hosts = run("p9\np8\n", "hosts", "--stdin-hosts", "-F", "none", "--fold");
        assertThat(hosts.out()).isEqualTo("p[8-9]\n");
    }

    @Test
    void onATerminalOutputIsColouredAndAProgressLineIsDrawnUnlessNoColorIsSet() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) for a pty");
        String line = String.join(" ", drover(List.of()).command()) + " run -F " + config
                + " -H 'p[1-3]' -- 'hostname; sleep 1'";
        Done tty = script(line, Map.of());
        assertThat(tty.code()).as(tty.toString()).isZero();
        assertThat(tty.out()).contains("\033[").contains("done");
        assertThat(tty.out().replaceAll("\033\\[[0-9;]*[mK]", "")).contains("p1 | p1");
        Done plain = script(line, Map.of("NO_COLOR", "1"));
        assertThat(plain.out()).doesNotContain("\033[3").doesNotContain("\033[9");
    }

    private Done script(String commandLine, Map<String, String> extraEnv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("script", "-qefc", commandLine, "/dev/null");
        pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());
        pb.environment().put("COLUMNS", "100");
        pb.environment().remove("NO_COLOR");
        pb.environment().putAll(extraEnv);
        pb.redirectErrorStream(true);
        Process p = start(pb);
        p.getOutputStream().close();
        String out = read(p.getInputStream());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new Done(p.exitValue(), out, "");
    }

    @Test
    void ctrlCStopsTheRemoteCommandsRecordsTheRunAndExits130() throws Exception {
        String marker = "sleep 4" + ProcessHandle.current().pid() % 1000 + "1";
        Process p = start(drover(List.of("run", "-F", config, "-H", "p[1-5]", "--", marker)));
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        p.getOutputStream().close();
        waitFor(() -> remoteCount(marker) == 5, Duration.ofSeconds(300), "the command running on all 5 hosts");
        new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("drover ended after Ctrl-C").isTrue();
        Done d = new Done(p.exitValue(), out.get(), err.get());
        assertThat(d.code()).as(d.toString()).isEqualTo(130);
        assertThat(d.err()).contains("interrupted").contains("5 cancelled");
        waitFor(() -> remoteCount(marker) == 0, Duration.ofSeconds(120), "no remote command left");
        RunRecord rec = new RunStore(tmp.resolve("state/drover/runs"), InstantSource.system()).find("last");
        assertThat(rec.interrupted()).isTrue();
        assertThat(rec.exitCode()).isEqualTo(130);
        assertThat(rec.hosts()).hasSize(5).allMatch(h -> h.result().equals("cancelled"));
    }

    @Test
    void ctrlCWhileAHungHostIsStillConnectingEndsTheRunAt130() throws Exception {
        fleet.host("p5").pause();
        try {
            Process p = start(drover(List.of("run", "-v", "-F", config, "-H", "p[1-5]", "--", "true")));
            StringBuffer err = new StringBuffer();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(), UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        err.append(l).append('\n');
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            CompletableFuture<String> out = drain(p.getInputStream());
            p.getOutputStream().close();
            waitFor(() -> err.toString().split("connected \\(", -1).length - 1 == 4, Duration.ofSeconds(300),
                    "four hosts connected and p5 hanging");
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("drover ended after Ctrl-C").isTrue();
            reader.join(10_000);
            Done d = new Done(p.exitValue(), out.get(), err.toString());
            assertThat(d.code()).as(d.toString()).isEqualTo(130);
            assertThat(d.err()).contains("5 cancelled");
            RunRecord rec = new RunStore(tmp.resolve("state/drover/runs"), InstantSource.system()).find("last");
            assertThat(rec.interrupted()).isTrue();
        } finally {
            fleet.host("p5").resume();
        }
    }

    @Test
    void ctrlCDuringADownloadFromAFrozenHostEndsAt130AndLeavesNoPartialFile() throws Exception {
        // 2 GiB, sparse on the host: far more than can arrive before the host is frozen
        Done made = run("", "run", "-F", config, "-H", "p2", "--", "truncate -s 2G /tmp/big");
        assertThat(made.code()).as(made.toString()).isZero();
        Path dest = Files.createDirectories(tmp.resolve("downloads"));
        Process p = start(drover(List.of("download", "-F", config, "-H", "p2", "/tmp/big",
                dest.resolve("big").toString())));
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        p.getOutputStream().close();
        waitFor(() -> partialBytes(dest) > 0, Duration.ofSeconds(300), "the download under way");
        fleet.host("p2").pause();
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("drover ended after Ctrl-C").isTrue();
            Done d = new Done(p.exitValue(), out.get(), err.get());
            assertThat(d.code()).as(d.toString()).isEqualTo(130);
            assertThat(d.err()).contains("1 cancelled");
            try (var left = Files.list(dest)) {
                assertThat(left.toList()).as("nothing half-written is left").isEmpty();
            }
            RunRecord rec = new RunStore(tmp.resolve("state/drover/runs"), InstantSource.system()).find("last");
            assertThat(rec.command()).isEqualTo("download");
            assertThat(rec.interrupted()).isTrue();
            assertThat(rec.hosts()).singleElement().satisfies(h -> assertThat(h.result()).isEqualTo("cancelled"));
        } finally {
            fleet.host("p2").resume();
        }
    }

    /** Bytes in the files under {@code dir} (a download's temporary file while it is under way). */
    private static long partialBytes(Path dir) {
        try (var files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void askPassAsksOnceOnTheTerminalWithoutEchoAndLogsInEverywhereWithThePassword() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) for a pty");
        String password = "pw-" + Long.toHexString(System.nanoTime());
        // a root password on p1 and p2 only, through a copy of /etc/shadow mounted in each host's own namespace
        Done set = run(password + "\n", "run", "-F", config, "-H", "p[1-2]", "--stdin", "-", "--",
                "set -e; hash=$(openssl passwd -6 -stdin); umask 077;"
                        + " awk -F: -v OFS=: -v h=\"$hash\" '$1==\"root\"{$2=h}1' /etc/shadow > /tmp/shadow;"
                        + " mount --bind /tmp/shadow /etc/shadow");
        assertThat(set.code()).as(set.toString()).isZero();
        try {
            String line = String.join(" ", drover(List.of()).command()) + " run --ask-pass -F " + config
                    + " -o BatchMode=no -o PreferredAuthentications=password -H 'p[1-2]' -q -- hostname";
            ProcessBuilder pb = new ProcessBuilder("script", "-qefc", line, "/dev/null");
            pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());
            pb.redirectErrorStream(true);
            Process p = start(pb);
            StringBuffer seen = new StringBuffer();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var in = p.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        seen.append(new String(buf, 0, n, UTF_8));
                    }
                } catch (IOException ignored) {
                    // ended
                }
            });
            waitFor(() -> seen.toString().contains("Password: "), Duration.ofSeconds(300), "the password prompt");
            Thread.sleep(200); // the prompt is written before echo is turned off: let stty run
            p.getOutputStream().write((password + "\n").getBytes(UTF_8));
            p.getOutputStream().flush();
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            String out = seen.toString();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("p1").contains("p2").doesNotContain(password);
            assertThat(out.split("Password: ", -1)).hasSize(2);
            assertThat(fleet.host("p1").log()).contains("Accepted password for root");
        } finally {
            run("", "run", "-F", config, "-H", "p[1-2]", "--", "umount /etc/shadow");
        }
    }

    /** How many processes on this machine (the hosts' namespaces included) run exactly {@code command}. */
    private static int remoteCount(String command) {
        try {
            Process p = new ProcessBuilder("pgrep", "-c", "-x", "-f", command).start();
            String s = read(p.getInputStream()).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
