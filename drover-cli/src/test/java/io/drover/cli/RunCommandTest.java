package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.cli.runs.RunRecord;
import io.drover.cli.runs.RunStore;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code drover run} and {@code drover download} in-process against 20 real OpenSSH hosts (w1..w20), each with its
 * own hostname and /tmp (root with namespaces).
 */
class RunCommandTest {
    @SshHosts(count = 20, prefix = "w")
    static SshFleet fleet;
    static String config;

    @TempDir
    Path tmp;

    Cli cli;

    @BeforeAll
    static void fleetConfig() {
        assumeTrue(SshFleet.namespacesAvailable(), "needs root with unshare (hosts with their own hostname and /tmp)");
        config = fleet.sshConfig().toString();
    }

    @BeforeEach
    void setUp() {
        cli = Cli.in(tmp.resolve("state"));
    }

    private Cli.Result drover(String... args) {
        return cli.run(args);
    }

    private RunStore store() {
        return new RunStore(tmp.resolve("state/drover/runs"), InstantSource.system());
    }

    @Test
    void runPrefixesEveryLineWithItsHostAndSummarisesOnStderr() {
        var r = drover("run", "-F", config, "-H", "w[1-20]", "--", "hostname; echo err >&2");
        assertThat(r.code()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(40);
        for (int i = 1; i <= 20; i++) {
            String host = "w" + i;
            String pad = " ".repeat(3 - host.length());
            assertThat(lines).contains(host + pad + " | " + host, host + pad + " ! err");
        }
        assertThat(r.err()).startsWith("20 hosts, ").contains(": 20 ok\n");
        RunRecord rec = store().find("last");
        assertThat(rec.hosts()).hasSize(20).allMatch(RunRecord.HostEntry::ok);
        assertThat(rec.args()).containsExactly("hostname; echo err >&2");
        assertThat(rec.selection().hosts()).containsExactly("w[1-20]");
        assertThat(rec.exitCode()).isZero();
    }

    @Test
    void foldGroupsIdenticalOutputsOnlyWhenExitCodesMatch() {
        var r = drover("run", "-F", config, "-H", "w[1-12]", "--fold", "--",
                "case $(hostname) in w3|w7) echo odd; exit 2;; w12) echo odd;; *) echo same;; esac; uname -s");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("""
                -------------------
                w[1-2,4-6,8-11] (9)
                -------------------
                same
                Linux
                -------------------
                w[3,7] (2, exit 2)
                -------------------
                odd
                -------------------
                w12 (1)
                -------------------
                odd
                Linux
                """);
        assertThat(r.err()).contains("12 hosts").contains("10 ok, 2 failed").contains("exit 2").contains("w[3,7]")
                .contains("drover run --retry-failed");
    }

    @Test
    void jsonLinesCarryEveryLineThenOneResultPerHost() {
        var r = drover("run", "-F", config, "-H", "w[1-3]", "--json", "--",
                "echo \"out $(hostname)\"; echo 'e \"q\"' >&2; [ $(hostname) != w2 ]");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        List<JsonNode> nodes = r.out().lines().map(l -> JsonMapper.shared().readTree(l)).toList();
        assertThat(nodes).hasSize(9);
        assertThat(nodes).filteredOn(n -> n.has("line") && n.get("stream").asString().equals("stdout"))
                .extracting(n -> n.get("host").asString() + ":" + n.get("line").asString())
                .containsExactlyInAnyOrder("w1:out w1", "w2:out w2", "w3:out w3");
        assertThat(nodes).filteredOn(n -> n.has("line") && n.get("stream").asString().equals("stderr"))
                .extracting(n -> n.get("line").asString()).containsOnly("e \"q\"");
        List<JsonNode> results = nodes.stream().filter(n -> n.has("result")).toList();
        assertThat(results).extracting(n -> n.get("host").asString() + "=" + n.get("result").asString() + "/"
                + n.get("exit_code").asInt()).containsExactlyInAnyOrder("w1=ok/0", "w2=failed/1", "w3=ok/0");
        assertThat(results).allMatch(n -> n.get("duration_ms").asLong() >= 0);
    }

    @Test
    void serialWritesOneHostsWholeOutputAtATimeInHostOrder() {
        var r = drover("run", "-F", config, "-H", "w[1-6]", "--serial", "--",
                "n=$(hostname | tr -d w); sleep 0.$((7 - n)); for i in 1 2 3; do echo $i; sleep 0.05; done");
        assertThat(r.code()).as(r.toString()).isZero();
        List<String> expected = IntStream.rangeClosed(1, 6).boxed()
                .flatMap(h -> IntStream.rangeClosed(1, 3).mapToObj(i -> "w" + h + " | " + i)).toList();
        assertThat(r.out().lines().toList()).isEqualTo(expected);
    }

    @Test
    void quietModeIsRawAndSilentWhenAllIsWell() {
        var r = drover("run", "-F", config, "-H", "w1", "-q", "--", "printf 'a\\nb\\n'; echo c >&2");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("a\nb\n");
        assertThat(r.err()).isEqualTo("c\n");
    }

    @Test
    void theCommandStartsAtTheFirstWordThatIsNotAnOptionLikeSsh() {
        var r = drover("run", "-F", config, "-H", "w1", "-q", "ls", "-d", "/etc", "--json");
        assertThat(r.code()).as(r.toString()).isNotZero();
        assertThat(r.err()).contains("--json");
        var ok = drover("run", "-F", config, "-H", "w1", "-q", "ls", "-d", "/etc");
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).isEqualTo("/etc\n");
    }

    @Test
    void outDirWritesEachHostsStreamsToItsOwnFiles() throws Exception {
        Path dir = tmp.resolve("out");
        var r = drover("run", "-F", config, "-H", "w[1-3]", "--out-dir", dir.toString(), "--",
                "hostname; echo oops >&2");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        for (String h : List.of("w1", "w2", "w3")) {
            assertThat(Files.readString(dir.resolve(h + ".out"))).isEqualTo(h + "\n");
            assertThat(Files.readString(dir.resolve(h + ".err"))).isEqualTo("oops\n");
        }
    }

    @Test
    void stdinIsReadOnceAndSentToEveryHost() throws Exception {
        String data = "line one\nline two ✓\n".repeat(5000);
        var r = cli.stdin(data).run("run", "-F", config, "-H", "w[1-20]", "--fold", "--stdin", "-", "--",
                "sha256sum | cut -c1-16");
        assertThat(r.code()).as(r.toString()).isZero();
        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(data.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 16);
        assertThat(r.out()).contains("w[1-20] (20)").contains(expected + "\n");
        Path file = Files.writeString(tmp.resolve("in.txt"), "hello\n");
        var f = drover("run", "-F", config, "-H", "w[1-2]", "-q", "--stdin", file.toString(), "--", "cat");
        assertThat(f.out()).isEqualTo("hello\nhello\n");
    }

    @Test
    void sudoCdAndEnvShapeTheRemoteCommand() {
        var r = drover("run", "-F", config, "-H", "w1", "-q", "--sudo", "--cd", "/etc", "--env", "GREETING=hi there",
                "--", "echo \"$(id -u) $(pwd) $GREETING\"");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("0 /etc hi there\n");
        var pty = drover("run", "-F", config, "-H", "w1", "-q", "--pty", "--", "tty; echo to-stderr >&2");
        assertThat(pty.code()).as(pty.toString()).isZero();
        assertThat(pty.out()).startsWith("/dev/pts/").contains("to-stderr\n");
        assertThat(pty.err()).isEmpty();
    }

    @Test
    void aTimedOutHostIsReportedAndTheOthersFinish() {
        var r = drover("run", "-F", config, "-H", "w[1-3]", "--timeout", "1s", "--",
                "[ $(hostname) = w2 ] && sleep 30; echo done");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("2 ok, 1 timed out").containsPattern("timed out +after 1s +w2");
    }

    @Test
    void failFastWithOneAtATimeSkipsTheRest() {
        var r = drover("run", "-F", config, "-H", "w[1-5]", "--parallel", "1", "--fail-fast", "--",
                "[ $(hostname) != w2 ]");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("1 ok, 1 failed, 3 skipped").containsPattern("skipped .* w\\[3-5\\]");
        var m = drover("run", "-F", config, "-H", "w[1-10]", "--parallel", "1", "--max-failures", "20%", "--",
                "case $(hostname) in w1|w2|w3) exit 1;; esac");
        assertThat(m.err()).contains("2 failed, 8 skipped");
    }

    @Test
    void retryFailedRunsExactlyTheHostsThatWereNotOk() {
        String cmd = "if [ $(hostname) = w4 ] && [ ! -e /tmp/fixed ]; then touch /tmp/fixed; exit 7; fi; hostname";
        var first = drover("run", "-F", config, "-H", "w[1-6]", "-q", "--", cmd);
        assertThat(first.code()).as(first.toString()).isEqualTo(1);
        assertThat(first.err()).contains("exit 7").contains("w4");
        var retry = drover("run", "--retry-failed", "-q");
        assertThat(retry.code()).as(retry.toString()).isZero();
        assertThat(retry.out()).isEqualTo("w4\n");
        RunRecord rec = store().find("last");
        assertThat(rec.selection().retryOf()).isNotNull();
        assertThat(rec.hosts()).extracting(RunRecord.HostEntry::host).containsExactly("w4");
        assertThat(rec.options().sshConfig()).isEqualTo(config);
        var nothing = drover("run", "--retry-failed");
        assertThat(nothing.code()).isZero();
        assertThat(nothing.err()).contains("nothing to retry");
        var json = drover("runs", "last", "--json");
        JsonNode last = JsonMapper.shared().readTree(json.out());
        assertThat(last.get("selection").get("retry_of").asString()).isEqualTo(rec.selection().retryOf());
        assertThat(last.get("hosts").get(0).get("result").asString()).isEqualTo("ok");
        var listed = drover("runs");
        assertThat(listed.out().lines().toList()).hasSize(3);
        assertThat(listed.out()).contains("exit 7").doesNotContain("interrupted");
    }

    @Test
    void unreachableHostsExitThreeEvenWhenACommandFailedToo() {
        try (SshFleet small = SshFleet.builder().hosts(3).namePrefix("u").start()) {
            small.host("u2").kill();
            var r = drover("run", "-F", small.sshConfig().toString(), "-H", "u[1-3]", "--",
                    "hostname; [ $(hostname) != u3 ]");
            assertThat(r.code()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).contains("1 ok, 1 failed, 1 unreachable").containsPattern("unreachable .* u2");
            assertThat(r.out()).contains("u1 |").doesNotContain("u2 |");
        }
    }

    @Test
    void downloadWritesOneCopyPerHost() throws Exception {
        assertThat(drover("run", "-F", config, "-H", "w[1-3]", "--", "hostname > /tmp/hostname").code()).isZero();
        var r = drover("download", "-F", config, "-H", "w[1-3]", "/tmp/hostname", tmp.resolve("hn").toString());
        assertThat(r.code()).as(r.toString()).isZero();
        for (String h : List.of("w1", "w2", "w3")) {
            assertThat(Files.readString(tmp.resolve("hn." + h))).isEqualTo(h + "\n");
        }
        Path dir = Files.createDirectories(tmp.resolve("d"));
        var d = drover("download", "-F", config, "-H", "w[1-2]", "/tmp/hostname", dir.toString());
        assertThat(d.code()).as(d.toString()).isZero();
        assertThat(Files.readString(dir.resolve("w2/hostname"))).isEqualTo("w2\n");
    }

    @Test
    void downloadRetryFailedFetchesFromTheHostsThatWereNotOkIntoTheSameNames() throws Exception {
        assertThat(drover("run", "-F", config, "-H", "w[1-3]", "--", "rm -f /tmp/report; [ $(hostname) = w3 ] "
                + "|| hostname > /tmp/report").code()).isZero();
        Path got = tmp.resolve("got");
        var first = drover("download", "-F", config, "-H", "w[1-3]", "--preserve-modes", "/tmp/report", got + "/");
        assertThat(first.code()).as(first.toString()).isEqualTo(1);
        assertThat(first.err()).contains("again from the 1 host not ok: drover download --retry-failed");
        assertThat(got.resolve("w3/report")).doesNotExist();
        assertThat(drover("run", "-F", config, "-H", "w3", "--", "hostname > /tmp/report; chmod 600 /tmp/report")
                .code()).isZero();

        var retry = drover("download", "--retry-failed");
        assertThat(retry.code()).as(retry.toString()).isZero();
        assertThat(got.resolve("w3/report")).hasContent("w3");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(got.resolve("w3/report"))))
                .as("--preserve-modes kept").isEqualTo("rw-------");
        RunRecord rec = new RunStore(tmp.resolve("state/drover/runs"), InstantSource.system()).find("last");
        assertThat(rec.hosts()).extracting(RunRecord.HostEntry::host).containsExactly("w3");
        assertThat(rec.options().fetch()).isEqualTo(new RunRecord.Fetch("/tmp/report", got + "/", true));
        var again = drover("download", "--retry-failed", "/tmp/report", "x");
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("leave out REMOTE and LOCAL");
    }

    @Test
    void badRunInputExitsTwoBeforeConnecting() {
        assertThat(drover("run", "-F", config, "-H", "w1").err()).contains("no command given");
        var mf = drover("run", "-F", config, "-H", "w1", "--max-failures", "150%", "--", "true");
        assertThat(mf.code()).isEqualTo(2);
        assertThat(mf.err()).contains("'150%'").contains("10%");
        var env = drover("run", "-F", config, "-H", "w1", "--env", "1BAD=x", "--", "true");
        assertThat(env.code()).isEqualTo(2);
        assertThat(env.err()).contains("'1BAD=x'");
        var to = drover("run", "-F", config, "-H", "w1", "--timeout", "soon", "--", "true");
        assertThat(to.code()).isEqualTo(2);
        assertThat(to.err()).contains("'soon'");
        var modes = drover("run", "-F", config, "-H", "w1", "--json", "--fold", "--", "true");
        assertThat(modes.code()).isEqualTo(2);
        var stdin = drover("run", "-F", config, "-H", "w1", "--stdin", tmp.resolve("missing").toString(), "--", "cat");
        assertThat(stdin.code()).isEqualTo(2);
        assertThat(stdin.err()).contains("missing").contains("no such file");
        var cd = drover("run", "-F", config, "-H", "w1", "--cd", "relative", "--", "true");
        assertThat(cd.code()).isEqualTo(2);
        var askPass = drover("run", "-F", config, "-H", "w1", "--ask-pass", "--", "true");
        assertThat(askPass.code()).isEqualTo(2);
        assertThat(askPass.err()).contains("--ask-pass needs a terminal");
        var retryWithHosts = drover("run", "--retry-failed", "-H", "w1", "--", "true");
        assertThat(retryWithHosts.code()).isEqualTo(2);
        assertThat(retryWithHosts.err()).contains("--retry-failed chooses the hosts");
        assertThat(store().ids()).isEmpty();
    }
}
