package io.drover.cli;

import static io.drover.cli.LabRun.drover;
import static io.drover.cli.LabRun.processesMentioning;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input to {@code drover lab}: a clear message, exit code 2, and nothing started or created. */
class LabCommandTest {
    @TempDir
    Path tmp;

    private void assertNothingStartedIn(Path dir) {
        assertThat(processesMentioning(dir.toString())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "5001", "100000"})
    void aHostCountOutOfRangeIsRefusedAndNothingIsCreated(String n) {
        Path dir = tmp.resolve("lab");
        LabRun r = drover("lab", "up", "-n", n, "--dir", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("-n (" + Integer.parseInt(n) + ") must be between 1 and 5000");
        assertThat(dir).doesNotExist();
        assertNothingStartedIn(dir);
    }

    @Test
    void aHostCountThatIsNotANumberIsRefused() {
        LabRun r = drover("lab", "up", "-n", "many", "--dir", tmp.resolve("lab").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("'many'").contains("--hosts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"up", "down", "status"})
    void unknownOptionsAreRefused(String command) {
        LabRun r = drover("lab", command, "--bogus", "--dir", tmp.resolve("lab").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Unknown option: '--bogus'").contains("drover lab " + command + " --help");
        assertThat(tmp.resolve("lab")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"up", "down", "status"})
    void aDirThatIsAFileIsRefused(String command) throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "mine\n");
        LabRun r = drover("lab", command, "--dir", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--dir " + file + " is a file, not a directory");
        assertThat(file).hasContent("mine");
    }

    @Test
    void aDirHoldingSomethingElseIsRefusedAndLeftAlone() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(dir.resolve("README"), "precious\n");
        LabRun r = drover("lab", "up", "-n", "1", "--dir", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--dir " + dir + " is not empty and holds no drover lab");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("README"));
        }
        assertNothingStartedIn(dir);
    }

    @Test
    void aBadPrefixIsRefused() {
        LabRun r = drover("lab", "up", "--prefix", "9 lives", "--dir", tmp.resolve("lab").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--prefix (9 lives) must be a letter then letters, digits or '-'");
    }

    @Test
    void statusWithoutALabIsBadInputAndDownWithoutALabHasNothingToDo() {
        Path dir = tmp.resolve("nolab");
        LabRun status = drover("lab", "status", "--dir", dir.toString());
        assertThat(status.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(status.err()).contains("no lab in " + dir).contains("drover lab up --dir " + dir);
        LabRun down = drover("lab", "down", "--dir", dir.toString());
        assertThat(down.code()).as(down.toString()).isZero();
        assertThat(down.out()).contains("no lab in " + dir + "; nothing to stop");
        assertThat(dir).doesNotExist();
    }

    @Test
    void aMalformedStateFileIsReportedWithItsPath() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(dir.resolve(".drover-lab"), "");
        Files.writeString(dir.resolve("fleet.properties"), "kind=OPENSSH\nhosts=2\nhost.1=lab1 127.0.1.1\n");
        for (String command : new String[] {"status", "down", "up"}) {
            LabRun r = drover("lab", command, "--dir", dir.toString());
            assertThat(r.code()).as(command + ": " + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains(dir.resolve("fleet.properties").toString()).contains("host.1");
        }
    }

    @Test
    void labWithoutASubcommandIsAUsageError() {
        LabRun r = drover("lab");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("a lab command is required: up, down or status");
    }

    @Test
    void everyLabCommandHasHelpWithExamples() {
        for (String command : new String[] {"up", "down", "status"}) {
            LabRun r = drover("lab", command, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: drover lab " + command).contains("Examples:")
                    .contains("drover lab " + command);
        }
        assertThat(drover("lab", "up", "--help").out()).contains("--embedded").contains("-n, --hosts=N")
                .contains("default: 4").contains("Exits 2");
        assertThat(drover("lab", "status", "--help").out()).contains("3 when some do not");
        assertThat(drover("lab", "--help").out()).contains("up").contains("down").contains("status");
        assertThat(drover("--help").out()).contains("lab");
    }

    @Test
    void theDefaultDirectoryFollowsXdgStateHome() {
        Path dir = LabCommand.defaultDir();
        String xdg = System.getenv("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            assertThat(dir).isEqualTo(Path.of(xdg, "drover", "lab"));
        } else {
            assertThat(dir).isEqualTo(Path.of(System.getProperty("user.home"), ".local", "state", "drover", "lab"));
        }
    }
}
