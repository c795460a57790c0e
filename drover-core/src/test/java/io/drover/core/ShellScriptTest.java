package io.drover.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quoting and the command line a {@link Shell} sends, checked by running it through the real {@code /bin/sh}. */
class ShellScriptTest {

    record Sh(int code, String out) {}

    static Sh sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new Sh(p.exitValue(), out);
    }

    @Property(tries = 60)
    void aQuotedWordReachesTheCommandUnchanged(@ForAll("words") String word) throws Exception {
        assertThat(sh("printf %s " + Shell.quote(word)).out()).isEqualTo(word);
    }

    @Provide
    Arbitrary<String> words() {
        return Arbitraries.strings().withChars("a Z0'\"\\$`!*?[]{}~#&;|<>()\t\n é%-=/").ofMaxLength(30);
    }

    @Test
    void plainWordsStayUnquotedAndOthersAreSingleQuoted() {
        assertThat(Shell.quote("/srv/app-1.2_x")).isEqualTo("/srv/app-1.2_x");
        assertThat(Shell.quote("")).isEqualTo("''");
        assertThat(Shell.quote("it's")).isEqualTo("'it'\\''s'");
        assertThatThrownBy(() -> Shell.quote("a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void environmentAndWorkingDirectoryAreSetByThePrefix(@TempDir Path dir) throws Exception {
        String weird = "it's \"quoted\" $HOME `x` \\ ;";
        Shell shell = Shell.builder("printf '%s|%s|%s' \"$A\" \"$B\" \"$(pwd)\"")
                .env("A", weird).env("B", "").cwd(dir.toString()).build();
        Sh r = sh(shell.remoteCommand());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(weird + "||" + dir.toRealPath());
    }

    @Test
    void aMissingWorkingDirectoryFailsTheCommandBeforeItRuns(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        Shell shell = Shell.builder("touch " + Shell.quote(marker.toString())).cwd(dir.resolve("missing").toString()).build();
        Sh r = sh(shell.remoteCommand());
        assertThat(r.code()).isEqualTo(1);
        assertThat(Files.exists(marker)).isFalse();
    }

    @Test
    void sudoWrapsTheWholeScriptAndNeverPrompts() {
        Shell shell = Shell.builder("id -u").env("A", "1").cwd("/tmp").sudo("nobody").build();
        assertThat(shell.remoteCommand()).isEqualTo("sudo -n -u nobody -- sh -c 'export A=1; cd -- /tmp || exit 1; id -u'");
    }

    @Test
    void badEnvironmentNamesAreRefusedNamingThem() {
        assertThatThrownBy(() -> Shell.builder("true").env("A-B", "x"))
                .hasMessage("environment variable name (A-B) must be letters, digits and _, not starting with a digit");
    }

    @Test
    void toStringShowsTheCommandButNoEnvironmentValues() {
        Shell shell = Shell.builder("deploy").env("TOKEN", "s3cret").build();
        assertThat(shell.toString()).contains("deploy").contains("TOKEN").doesNotContain("s3cret");
    }
}
