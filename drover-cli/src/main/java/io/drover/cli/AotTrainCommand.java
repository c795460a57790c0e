package io.drover.cli;

import io.drover.testkit.HostKind;
import io.drover.testkit.SshFleet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code drover aot-train} (hidden): the launcher's training run for the JVM's ahead-of-time cache (JDK 25+,
 * {@code -XX:AOTCacheOutput}). Starts a throwaway fleet (OpenSSH hosts when it can, as {@code demo} does, else embedded
 * ones) and drives the commands users run most through {@link Main#execute}, output discarded, so that the cache holds
 * the classes, linkage and profiles of those paths. Exit code 0 when every step ended as expected, else 1 (the
 * launcher then keeps no cache).
 */
@Command(name = "aot-train", hidden = true, description = "Training run for the JVM's start-up cache (used by the launcher).")
final class AotTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = {"-n", "--hosts"}, defaultValue = "16", description = "How many hosts (default ${DEFAULT-VALUE}).")
    int hosts;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        HostKind kind = SshFleet.openSshAvailable() ? HostKind.OPENSSH : HostKind.EMBEDDED;
        try (SshFleet fleet = SshFleet.builder().hosts(hosts).namePrefix("train").kind(kind).start()) {
            CliEnv env = main.env().with("XDG_STATE_HOME", fleet.directory().resolve("state").toString());
            String config = fleet.sshConfig().toString();
            String hostSpec = fleet.hostSpec();
            Path file = Files.writeString(fleet.directory().resolve("train-upload.txt"), "drover\n".repeat(1000));
            List<Step> steps = List.of(
                    new Step(0, "run", "-F", config, "-H", hostSpec, "--json", "--", "true"),
                    new Step(0, "run", "-F", config, "-H", hostSpec, "--", "echo \"$(hostname)\""),
                    new Step(ExitCodes.FAILED, "run", "-F", config, "-H", hostSpec, "--fold", "--",
                            "echo out; echo err >&2; exit 3"),
                    new Step(0, "upload", "-F", config, "-H", hostSpec, "--json", file.toString(), "/tmp"),
                    new Step(0, "hosts", "-F", config, "-H", hostSpec, "--fold"));
            boolean ok = true;
            PrintWriter sink = new PrintWriter(Writer.nullWriter());
            for (Step step : steps) {
                int code = Main.execute(env, sink, sink, step.args.toArray(String[]::new));
                if (code != step.expectedExit) {
                    err.printf("drover aot-train: %s ended with exit code %d, expected %d%n", step.args.getFirst(), code,
                            step.expectedExit);
                    ok = false;
                }
            }
            return ok ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private record Step(int expectedExit, List<String> args) {
        Step(int expectedExit, String... args) {
            this(expectedExit, List.of(args));
        }
    }
}
