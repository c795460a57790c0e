package io.drover.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real OpenSSH client against test hosts. */
final class Ssh {
    private Ssh() {}

    record Result(int code, String stdout, String stderr) {}

    static Result run(SshFleet fleet, String host, String... command) throws IOException, InterruptedException {
        return runConfig(fleet.sshConfig(), host, command);
    }

    static Result runConfig(Path config, String host, String... command) throws IOException, InterruptedException {
        return exec(config, host, null, command);
    }

    static Result runWithInput(SshFleet fleet, String host, String input, String... command)
            throws IOException, InterruptedException {
        return exec(fleet.sshConfig(), host, input, command);
    }

    private static Result exec(Path config, String host, String input, String... command)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", config.toString(), host));
        argv.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (input == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        Process p = pb.start();
        if (input != null) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(UTF_8));
            }
        }
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ssh %s %s finished", host, argv).isTrue();
        return new Result(p.exitValue(), out, err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
