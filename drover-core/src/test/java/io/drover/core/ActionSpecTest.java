package io.drover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The value types of actions and runs: validation, naming, defaults. */
class ActionSpecTest {

    @Test
    void downloadsAreNamedPerHost() {
        Download suffix = Download.of("/etc/os-release", Path.of("/tmp/out/os"));
        assertThat(suffix.localPathFor("w1")).isEqualTo(Path.of("/tmp/out/os.w1"));
        Download dir = Download.builder(RemotePath.of("/etc/os-release"), Path.of("/tmp/out"))
                .naming(Download.Naming.DIRECTORY).build();
        assertThat(dir.localPathFor("w1")).isEqualTo(Path.of("/tmp/out/w1/os-release"));
        Download exact = Download.builder(RemotePath.of("/etc/app"), Path.of("/tmp/app"))
                .naming(Download.Naming.EXACT).build();
        assertThat(exact.localPathFor("w1")).isEqualTo(Path.of("/tmp/app"));
    }

    @Test
    void modesDefaultTo644And755AndOutOfRangeModesAreRefused() {
        Upload u = Upload.of(Path.of("x"), "/tmp/x");
        assertThat(u.fileMode()).isEqualTo(0644);
        assertThat(u.dirMode()).isEqualTo(0755);
        assertThatThrownBy(() -> Upload.builder(Path.of("x"), RemotePath.of("/x")).fileMode(04755))
                .hasMessage("fileMode (04755) must be permission bits between 0 and 0777");
    }

    @Property(tries = 100)
    void permissionBitsRoundTrip(@ForAll @IntRange(min = 0, max = 0777) int mode) {
        assertThat(Transfers.mode(Transfers.permissions(mode))).isEqualTo(mode);
    }

    @Test
    void runOptionsRefuseNonPositiveTimeouts() {
        assertThatThrownBy(() -> RunOptions.defaults().withTaskTimeout(Duration.ZERO))
                .hasMessage("taskTimeout (PT0S) must be positive");
        assertThat(RunOptions.defaults().withRunTimeout(Duration.ofSeconds(3)).runTimeout()).contains(Duration.ofSeconds(3));
    }

    @Test
    void errorPoliciesRefuseMeaninglessBounds() {
        assertThatThrownBy(() -> ErrorPolicy.stopAfter(0)).hasMessage("failures (0) must be at least 1");
        assertThatThrownBy(() -> ErrorPolicy.stopAfterPercent(0)).hasMessageContaining("percent (0.0)");
        assertThatThrownBy(() -> ErrorPolicy.stopAfterPercent(101)).hasMessageContaining("percent (101.0)");
    }

    @Test
    void temporaryNamesAreHiddenSiblingsThatSayWhatTheyAre() {
        assertThat(Transfers.temporaryName("app.jar")).matches("\\.app\\.jar\\.drover-[0-9a-f]{8}");
    }

    @Test
    void sudoPasswordRefusalIsRecognisedFromWhatSudoPrints() {
        assertThat(ShellRunner.sudoWantsPassword("sudo: a password is required")).isTrue();
        assertThat(ShellRunner.sudoWantsPassword("sudo: a terminal is required to read the password; either use"))
                .isTrue();
        assertThat(ShellRunner.sudoWantsPassword("make: *** [all] Error 1")).isFalse();
    }
}
