package io.drover.cli;

import static io.drover.cli.LabRun.drover;
import static io.drover.cli.LabRun.processesMentioning;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.testkit.SshFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drover lab up / status / down} for real: hosts outlive the command, answer ssh, and go away on down. */
class LabEndToEndTest {
    @TempDir
    Path tmp;

    /** The real OpenSSH client with the lab's config. */
    static LabRun ssh(Path dir, String host, String command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", dir.resolve("ssh_config").toString(), host, command));
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new LabRun(p.exitValue(), out, err);
    }

    @Test
    void openSshLabComesUpAnswersReportsAndGoesDownLeavingNothing() throws Exception {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        Path dir = tmp.resolve("lab");
        try {
            LabRun up = drover("lab", "up", "-n", "3", "--dir", dir.toString());
            assertThat(up.code()).as(up.toString()).isZero();
            Path config = dir.resolve("ssh_config");
            assertThat(up.out())
                    .contains("lab up: 3 OpenSSH hosts lab[1-3]")
                    .contains("ssh_config: " + config)
                    .contains("-F " + config + " -H 'lab[1-3]'")
                    .contains("ssh -F " + config + " lab1 hostname")
                    .contains("drover lab down --dir " + dir);

            LabRun hostname = ssh(dir, "lab1", "hostname");
            assertThat(hostname.code()).as(hostname.toString()).isZero();
            if (SshFleet.namespacesAvailable()) {
                assertThat(hostname.out().strip()).isEqualTo("lab1");
                assertThat(ssh(dir, "lab3", "hostname").out().strip()).isEqualTo("lab3");
            }

            LabRun run = drover("run", "-F", config.toString(), "-H", "lab[1-3]", "--", "uname -n");
            assertThat(run.code()).as("the command lab up suggests works: " + run).isZero();
            if (SshFleet.namespacesAvailable()) {
                assertThat(run.out()).contains("lab1").contains("lab2").contains("lab3");
            }

            LabRun status = drover("lab", "status", "--dir", dir.toString());
            assertThat(status.code()).as(status.toString()).isZero();
            assertThat(status.out()).containsPattern("lab1 +127\\.\\d+\\.1\\.1:\\d+ +answers")
                    .contains("3 of 3 hosts answer");

            LabRun again = drover("lab", "up", "-n", "2", "--dir", dir.toString());
            assertThat(again.code()).as(again.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(again.err()).contains("a lab is already running in " + dir)
                    .contains("drover lab down --dir " + dir);
            assertThat(ssh(dir, "lab2", "true").code()).as("the running lab is untouched").isZero();

            SshFleet.attach(dir).host("lab2").kill();
            LabRun degraded = drover("lab", "status", "--dir", dir.toString());
            assertThat(degraded.code()).as(degraded.toString()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(degraded.out()).containsPattern("lab2 +\\S+ +stopped").contains("2 of 3 hosts answer");

            LabRun down = drover("lab", "down", "--dir", dir.toString());
            assertThat(down.code()).as(down.toString()).isZero();
            assertThat(down.out()).contains("lab down: stopped 2 of 3 hosts (lab[1-3])");
            assertThat(processesMentioning(dir.toString())).isEmpty();
            assertThat(dir.resolve("fleet.properties")).doesNotExist();
            assertThat(ssh(dir, "lab1", "true").code()).isEqualTo(255);

            LabRun upAgain = drover("lab", "up", "-n", "1", "--dir", dir.toString());
            assertThat(upAgain.code()).as("a stopped lab's directory can be reused: " + upAgain).isZero();
            assertThat(ssh(dir, "lab1", "true").code()).isZero();
        } finally {
            drover("lab", "down", "--dir", dir.toString());
        }
        assertThat(processesMentioning(dir.toString())).isEmpty();
    }

    @Test
    void embeddedLabRunsInAJvmOfItsOwnAndGoesDownLeavingNothing() throws Exception {
        Path dir = tmp.resolve("elab");
        try {
            LabRun up = drover("lab", "up", "--embedded", "-n", "2", "--prefix", "emb", "--dir", dir.toString());
            assertThat(up.code()).as(up.toString()).isZero();
            assertThat(up.out()).contains("lab up: 2 embedded hosts emb[1-2]");

            Properties state = new Properties();
            try (var in = Files.newBufferedReader(dir.resolve("fleet.properties"))) {
                state.load(in);
            }
            long labJvm = Long.parseLong(state.getProperty("host.1").split(" ")[3]);
            assertThat(labJvm).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(ProcessHandle.of(labJvm)).isPresent();

            LabRun echo = ssh(dir, "emb2", "echo hi from $HOME");
            assertThat(echo.code()).as(echo.toString()).isZero();
            assertThat(echo.out()).isEqualTo("hi from " + dir.resolve("hosts/emb2/home") + "\n");

            LabRun status = drover("lab", "status", "--dir", dir.toString());
            assertThat(status.code()).as(status.toString()).isZero();
            assertThat(status.out()).contains("2 embedded hosts").contains("2 of 2 hosts answer");

            LabRun down = drover("lab", "down", "--dir", dir.toString());
            assertThat(down.code()).as(down.toString()).isZero();
            assertThat(ProcessHandle.of(labJvm).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(processesMentioning(dir.toString())).isEmpty();
        } finally {
            drover("lab", "down", "--dir", dir.toString());
        }
    }
}
