package io.drover.cli;

import io.drover.testkit.HostKind;
import io.drover.testkit.SshFleet;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code drover demo}: starts a throwaway lab fleet, runs real commands across it with {@code drover run}, shows the
 * results, and stops the fleet. Run records of the demo go to the fleet's directory, not the user's history.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Start a local lab fleet of real SSH hosts, run commands across it, show the results, stop the fleet.",
            "With root and OpenSSH's sshd each host has its own hostname, home and /tmp; without sshd the hosts are "
                    + "embedded SSH servers."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  drover demo", "  drover demo -n 50", "  drover demo --embedded"})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = {"-n", "--hosts"}, paramLabel = "N", defaultValue = "8",
            description = "How many hosts (1 to 500; default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--embedded", description = "Use embedded SSH servers even when OpenSSH's sshd is installed.")
    boolean embedded;

    @Override
    public Integer call() {
        if (hosts < 1 || hosts > 500) {
            throw new UsageException("--hosts (" + hosts + ") must be between 1 and 500");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HostKind kind = embedded || !SshFleet.openSshAvailable() ? HostKind.EMBEDDED : HostKind.OPENSSH;
        if (kind == HostKind.EMBEDDED && !embedded) {
            out.println("(OpenSSH's sshd is not installed: using embedded SSH servers; 'apt-get install openssh-server' "
                    + "for real ones)");
        }
        out.printf("Starting %d %s hosts on loopback addresses...%n", hosts,
                kind == HostKind.OPENSSH ? "OpenSSH" : "embedded");
        out.flush();
        long t0 = System.nanoTime();
        try (SshFleet fleet = SshFleet.builder().hosts(hosts).namePrefix("demo").kind(kind).start()) {
            out.printf("%d hosts up in %d ms: %s (ssh_config %s)%n%n", hosts,
                    Duration.ofNanos(System.nanoTime() - t0).toMillis(), fleet.hostSpec(), fleet.sshConfig());
            CliEnv env = main.env().with("XDG_STATE_HOME", fleet.directory().resolve("state").toString());
            String spec = fleet.hostSpec();
            String config = fleet.sshConfig().toString();
            List<Step> steps = List.of(
                    new Step("every host answers with its own name", 0,
                            "run", "-F", config, "-H", spec, "--", "echo \"$(hostname) up $(cut -d' ' -f1 /proc/uptime)s\""),
                    new Step("identical outputs fold into host ranges", 0,
                            "run", "-F", config, "-H", spec, "--fold", "--", "uname -sr"),
                    new Step("a failure on one host is summarised, the others go on", ExitCodes.FAILED,
                            "run", "-F", config, "-H", spec, "--fold", "--",
                            "if [ \"$(hostname)\" = demo2 ]; then echo 'disk full' >&2; exit 3; fi; echo fine"));
            boolean asExpected = true;
            for (Step step : steps) {
                out.println("# " + step.title);
                out.println("$ drover " + String.join(" ", quoteAll(step.args)));
                out.flush();
                int code = Main.execute(env, out, err, step.args.toArray(String[]::new));
                out.flush();
                err.flush();
                if (code != step.expectedExit) {
                    asExpected = false;
                    err.printf("drover demo: expected exit code %d, got %d%n", step.expectedExit, code);
                }
                out.println();
            }
            out.println("Stopping the fleet...");
            out.flush();
            fleet.close();
            out.println(asExpected
                    ? "Done. Try your own fleet: drover lab up -n 20, then the command it prints."
                    : "The demo did not go as expected (see above).");
            return asExpected ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private static List<String> quoteAll(List<String> args) {
        List<String> quoted = new ArrayList<>();
        for (String a : args) {
            quoted.add(a.matches("[A-Za-z0-9_./=:-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return quoted;
    }

    private record Step(String title, int expectedExit, List<String> args) {
        Step(String title, int expectedExit, String... args) {
            this(title, expectedExit, List.of(args));
        }
    }
}
