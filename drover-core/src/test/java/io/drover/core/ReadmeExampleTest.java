package io.drover.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.core.hosts.HostSpec;
import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example README.md shows, compiled and run against real hosts. The code between the README markers below must
 * appear verbatim (minus its indentation) in README.md at the repository root.
 */
class ReadmeExampleTest {
    private static final Path SOURCE = Path.of("src/test/java/io/drover/core/ReadmeExampleTest.java");
    private static final Path README = Path.of("../README.md");

    static void example(Path sshConfig, Path appDir) {
        // README-BEGIN
        try (Ssh ssh = Ssh.builder().configFile(sshConfig).build();
                Group group = Group.builder(ssh).targets(HostSpec.defaults().expand("web[1-3]")).connect()) {

            // a value from every host, or the reason there is none: failures are results, not exceptions
            RunReport<String> kernels = group.run("kernel", host -> host.output("uname -r").strip());
            for (HostResult<String> r : kernels.results()) {
                String outcome = switch (r) {
                    case HostResult.Ok<String> ok -> ok.value();
                    case HostResult.Failed<String> f -> "failed: " + f.message() + "\n" + f.stderrTail();
                    case HostResult.Unreachable<String> u -> "unreachable: " + u.reason();
                    case HostResult.TimedOut<String> t -> "timed out after " + t.timeout();
                    case HostResult.Cancelled<String> c -> "cancelled: " + c.reason();
                    case HostResult.Skipped<String> s -> "skipped: " + s.reason();
                };
                System.out.println(r.host() + "  " + outcome);
            }

            // a rolling deploy, one host at a time: ship a directory (each file replaced atomically, modes and
            // mtimes kept) and run its installer; a host taking over 5 minutes is stopped, remote processes
            // included; the first failure stops the rollout and the hosts after it are reported Skipped
            RunReport<Void> deploy = group.run("deploy", host -> {
                RemotePath app = host.home().resolve("app");
                host.upload(Upload.builder(appDir, app).preserveModes().build());
                host.run(Shell.builder("./install.sh").cwd(app).env("ROLE", "web").build());
                return null;
            }, RunOptions.defaults().withMaxInFlight(1).withTaskTimeout(Duration.ofMinutes(5))
                    .withErrorPolicy(ErrorPolicy.failFast()));
            System.out.println(deploy.counts()); // {Ok=3}
        }
        // README-END
    }

    @Test
    void theReadmeExampleRunsOnRealHosts(@TempDir Path dir) throws IOException {
        Path app = Files.createDirectories(dir.resolve("app"));
        Path install = Files.writeString(app.resolve("install.sh"), "#!/bin/sh\necho \"$ROLE\" > installed\n");
        Files.setPosixFilePermissions(install, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (SshFleet fleet = Fleets.start(3, "web")) {
            PrintStream original = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            System.setOut(new PrintStream(printed, true, UTF_8));
            try {
                example(fleet.sshConfig(), app);
            } finally {
                System.setOut(original);
            }
            String kernel = new String(new ProcessBuilder("uname", "-r").start().getInputStream().readAllBytes(), UTF_8).strip();
            assertThat(printed.toString(UTF_8).lines().toList())
                    .containsExactly("web1  " + kernel, "web2  " + kernel, "web3  " + kernel, "{Ok=3}");
            for (String h : fleet.names()) {
                assertThat(fleet.host(h).home().orElseThrow().resolve("app/installed")).hasContent("web");
            }
        }
    }

    @Test
    void theReadmeShowsTheExampleVerbatim() throws IOException {
        List<String> source = Files.readAllLines(SOURCE, UTF_8);
        int begin = indexOf(source, "// README-BEGIN");
        int end = indexOf(source, "// README-END");
        List<String> snippet = source.subList(begin + 1, end);
        int indent = snippet.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        String expected = String.join("\n", snippet.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
        assertThat(Files.readString(README, UTF_8))
                .as("README.md must contain the example of ReadmeExampleTest verbatim (de-indented):%n%s", expected)
                .contains(expected);
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError(marker + " not found in " + SOURCE + ": " + Arrays.toString(lines.toArray()).length());
    }
}
