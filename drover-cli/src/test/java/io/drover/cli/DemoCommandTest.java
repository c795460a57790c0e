package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.testkit.SshFleet;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void demoRunsRealCommandsOnALabFleetAndLeavesNothingRunning() {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "demo", "-n", "3");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("demo1 | demo1 up")
                .contains("demo[1-3] (3)")
                .contains("demo[1,3] (2)")
                .contains("demo2 (1, exit 3)")
                .contains("Done.");
        assertThat(err.toString()).contains("failed  exit 3  demo2");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ssh_config (/\\S+)/ssh_config").matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        String fleetDir = m.group(1);
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains(fleetDir))
                        .map(p -> p.info().commandLine().orElse(""))
                        .toList())
                .isEmpty();
        assertThat(java.nio.file.Path.of(fleetDir)).doesNotExist();
    }

    @Test
    void demoRefusesAHostCountOutOfRange() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "demo", "-n", "0");
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--hosts (0) must be between 1 and 500");
    }
}
