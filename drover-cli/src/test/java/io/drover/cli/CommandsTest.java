package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that need no hosts, in-process. */
class CommandsTest {
    @TempDir
    Path tmp;

    Cli cli;

    @BeforeEach
    void setUp() {
        cli = Cli.in(tmp.resolve("state"));
    }

    @Test
    void hostsPrintsTheExpansionOnePerLineWithExclusions() {
        var r = cli.run("hosts", "-F", "none", "-H", "web[01-04]", "-H", "db1,alice@db2:2222", "-x", "web03");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("web01\nweb02\nweb04\ndb1\nalice@db2:2222\n");
    }

    @Test
    void hostsFoldsIntoRangesLikeNodeset() {
        var r = cli.run("hosts", "-F", "none", "-H", "rack[1-2]-node[01-04]", "-x", "rack2-node03", "--fold");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("rack1-node[01-04],rack2-node[01-02,04]\n");
        assertThat(cli.run("hosts", "-F", "none", "-H", "w[1-20,25]", "-c").out()).isEqualTo("21\n");
    }

    @Test
    void hostsReadsHostFilesStdinAndGlobsAgainstTheSshConfig() throws Exception {
        Path file = Files.writeString(tmp.resolve("hosts.txt"), "# fleet\nweb1\nweb2 web3\n\n");
        Path config = Files.writeString(tmp.resolve("ssh_config"), "Host db-a db-b\n  User x\nHost other\n");
        var r = cli.stdin("s1\ns2\n").run("hosts", "-F", config.toString(), "-f", file.toString(), "--stdin-hosts",
                "-H", "db-*");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("db-a\ndb-b\nweb1\nweb2\nweb3\ns1\ns2\n");
    }

    @Test
    void hostsReadsAnAnsibleInventoryWithALimitPattern() throws Exception {
        Path inv = Files.writeString(tmp.resolve("inventory.ini"), """
                [web]
                web[01:03] ansible_user=deploy
                [db]
                db1 ansible_host=10.0.0.9 ansible_port=2222
                [prod:children]
                web
                db
                """);
        var r = cli.run("hosts", "-F", "none", "-i", inv.toString(), "--limit", "prod:!web02");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("web01\nweb03\ndb1\n");
    }

    @Test
    void badHostInputExitsTwoNamingTheValue() {
        var empty = cli.run("hosts", "-F", "none", "-H", "web1", "-x", "web1");
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains("no hosts left").contains("-H web1");

        var none = cli.run("hosts", "-F", "none");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no hosts given");

        var missing = cli.run("hosts", "-F", "none", "-f", tmp.resolve("nope.txt").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.txt").contains("no such file");

        var badRange = cli.run("hosts", "-F", "none", "-H", "web[3-1]");
        assertThat(badRange.code()).isEqualTo(2);
        assertThat(badRange.err()).contains("web[3-1]");

        var huge = cli.run("hosts", "-F", "none", "-H", "n[1-1000000]");
        assertThat(huge.code()).isEqualTo(2);
        assertThat(huge.err()).contains("100000");

        var unknown = cli.run("hosts", "--frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--frobnicate");

        var badConfig = cli.run("hosts", "-F", tmp.resolve("no_config").toString(), "-H", "a");
        assertThat(badConfig.code()).isEqualTo(2);
        assertThat(badConfig.err()).contains("no_config");

        var limitAlone = cli.run("hosts", "-F", "none", "-H", "a", "--limit", "web");
        assertThat(limitAlone.code()).isEqualTo(2);
        assertThat(limitAlone.err()).contains("--limit web needs an inventory");
    }

    @Test
    void configPrintsWhatSshGPrints() throws Exception {
        Path config = Files.writeString(tmp.resolve("ssh_config"), """
                Host web1
                  HostName 10.1.2.3
                  User deploy
                  Port 2222
                  IdentityFile ~/.ssh/id_web
                Host *
                  ServerAliveInterval 15
                """);
        var r = cli.run("config", "-F", config.toString(), "web1");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("hostname 10.1.2.3\n").contains("user deploy\n").contains("port 2222\n")
                .contains("serveraliveinterval 15\n");
        Process ssh = new ProcessBuilder("ssh", "-G", "-F", config.toString(), "web1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String expected = new String(ssh.getInputStream().readAllBytes());
        assertThat(ssh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(r.out()).isEqualTo(expected);
    }

    @Test
    void configAppliesDashOAndDashL() throws Exception {
        Path config = Files.writeString(tmp.resolve("ssh_config"), "Host web1\n  User deploy\n");
        var r = cli.run("config", "-F", config.toString(), "-l", "alice", "-o", "Port=2200", "web1");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("user alice\n").contains("port 2200\n");
        var bad = cli.run("config", "-F", config.toString(), "-o", "NoEquals", "web1");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid -o 'NoEquals'");
    }

    @Test
    void runsSaysSoWhenNothingWasRecorded() {
        var r = cli.run("runs");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("no runs recorded yet");
        var show = cli.run("runs", "last");
        assertThat(show.code()).isEqualTo(2);
        assertThat(show.err()).contains("no runs recorded yet");
    }

    @Test
    void bashCompletionCompletesCommandsAndOptions() throws Exception {
        var r = cli.run("completion", "bash");
        assertThat(r.code()).isZero();
        Path script = Files.writeString(tmp.resolve("drover.bash"), r.out());
        assertThat(complete(script, "drover co")).containsExactlyInAnyOrder("completion", "config");
        assertThat(complete(script, "drover hosts --fo")).containsExactly("--fold");
        assertThat(complete(script, "drover runs --js")).containsExactly("--json");
        var zsh = cli.run("completion", "zsh");
        assertThat(zsh.out()).startsWith("#compdef drover\n").contains("bashcompinit");
        assertThat(cli.run("completion", "fish").code()).isEqualTo(2);
    }

    private static List<String> complete(Path script, String line) throws Exception {
        String[] words = line.split(" ");
        String bash = "source " + script + "\nCOMP_WORDS=(" + line + ")\nCOMP_CWORD=" + (words.length - 1)
                + "\nCOMP_LINE='" + line + "'\nCOMP_POINT=" + line.length()
                + "\n_complete_drover drover\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", bash).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void theManPageRendersWithManAndCoversEveryCommand() throws Exception {
        var r = cli.run("man");
        assertThat(r.code()).isZero();
        Path page = Files.writeString(tmp.resolve("drover.1"), r.out());
        Process p = new ProcessBuilder("man", "-l", "-P", "cat", page.toString())
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(err).doesNotContain("warning");
        String plain = text.replaceAll(".\b", "");
        assertThat(plain).contains("drover hosts").contains("drover runs").contains("drover config")
                .contains("EXIT STATUS").contains("--stdin-hosts").contains("unreachable");
    }

    @Test
    void everyCommandHasExamplesInItsHelp() {
        for (String c : List.of("hosts", "runs", "config", "completion", "man")) {
            var r = cli.run(c, "--help");
            assertThat(r.code()).as(c).isZero();
            assertThat(r.out()).as(c).contains("Examples:").contains("drover " + c);
        }
        var root = cli.run("--help");
        assertThat(root.out()).contains("Exit codes:").contains("130");
        for (String c : List.of("run", "download", "hosts", "runs", "config", "completion", "man", "demo")) {
            var help = cli.run(c, "--help");
            assertThat(help.err()).as(c).doesNotContain("WARN");
            assertThat(help.out().lines()).as(c).allMatch(l -> l.length() <= 80);
        }
    }
}
