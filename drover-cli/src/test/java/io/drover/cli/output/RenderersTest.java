package io.drover.cli.output;

import static io.drover.cli.output.Ev.ended;
import static io.drover.cli.output.Ev.err;
import static io.drover.cli.output.Ev.exit;
import static io.drover.cli.output.Ev.ok;
import static io.drover.cli.output.Ev.out;
import static io.drover.cli.output.Ev.started;
import static io.drover.cli.output.Ev.unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.drover.api.HostResult;
import io.drover.api.RunReport;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RenderersTest {
    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();
    private final Screen screen = Screen.plain(stdout, stderr);

    private static RunReport<Void> report(List<HostResult<Void>> results) {
        return new RunReport<>("run", Ev.T0, Duration.ofSeconds(2), results);
    }

    @Test
    void prefixedLinesArePaddedToTheLongestHostAndStderrIsMarked() {
        HostTable table = new HostTable(List.of("a", "web10", "db"), Style.PLAIN);
        Renderer r = new StreamingRenderer(screen, new LineFormat.Prefixed(table));
        r.on(started("a"));
        r.on(out("a", "hello"));
        r.on(err("web10", "oops"));
        r.on(out("db", ""));
        r.finish(report(List.of(ok("a"), exit("web10", 1), ok("db"))));
        assertThat(stdout.toString()).isEqualTo("a     | hello\nweb10 ! oops\ndb    | \n");
        assertThat(stderr.toString()).isEmpty();
    }

    @Test
    void colouredPrefixesKeepTheTextAndAlignment() {
        HostTable table = new HostTable(List.of("a", "web10"), Style.ANSI);
        new StreamingRenderer(screen, new LineFormat.Prefixed(table)).on(err("a", "x"));
        screen.flush();
        String plain = stdout.toString().replaceAll("\033\\[[0-9;]*m", "");
        assertThat(plain).isEqualTo("a     ! x\n");
        assertThat(stdout.toString()).contains("\033[31m!\033[0m");
    }

    @Test
    void rawOutputSendsRemoteStderrToStderr() {
        Renderer r = new StreamingRenderer(screen, new LineFormat.Raw());
        r.on(out("a", "one"));
        r.on(err("a", "two"));
        r.finish(report(List.of(ok("a"))));
        assertThat(stdout.toString()).isEqualTo("one\n");
        assertThat(stderr.toString()).isEqualTo("two\n");
    }

    @Test
    void jsonLinesCarryLinesThenOneResultPerHostIncludingHostsThatNeverRan() {
        Renderer r = new StreamingRenderer(screen, new LineFormat.Json());
        r.on(out("web1", "a \"quoted\" \\ line\twith\u0001control"));
        r.on(err("web1", "é ✓ 😀"));
        r.on(ended(exit("web1", 2)));
        r.finish(report(List.of(exit("web1", 2), unreachable("web2", "Connection refused"))));
        List<JsonNode> nodes = stdout.toString().lines().map(l -> JsonMapper.shared().readTree(l)).toList();
        assertThat(nodes).hasSize(4);
        assertThat(nodes.get(0).get("host").asString()).isEqualTo("web1");
        assertThat(nodes.get(0).get("stream").asString()).isEqualTo("stdout");
        assertThat(nodes.get(0).get("line").asString()).isEqualTo("a \"quoted\" \\ line\twith\u0001control");
        assertThat(nodes.get(1).get("stream").asString()).isEqualTo("stderr");
        assertThat(nodes.get(1).get("line").asString()).isEqualTo("é ✓ 😀");
        assertThat(nodes.get(2).get("result").asString()).isEqualTo("failed");
        assertThat(nodes.get(2).get("exit_code").asInt()).isEqualTo(2);
        assertThat(nodes.get(2).get("duration_ms").asLong()).isEqualTo(50);
        assertThat(nodes.get(3).get("host").asString()).isEqualTo("web2");
        assertThat(nodes.get(3).get("result").asString()).isEqualTo("unreachable");
        assertThat(nodes.get(3).get("exit_code").isNull()).isTrue();
        assertThat(nodes.get(3).get("error").asString()).isEqualTo("Connection refused");
    }

    @Test
    void serialOutputWritesEachHostWholeInHostOrder() {
        HostTable table = new HostTable(List.of("h1", "h2", "h3"), Style.PLAIN);
        Renderer r = new SerialRenderer(screen, new LineFormat.Prefixed(table), table);
        r.on(out("h3", "three-a"));
        r.on(out("h2", "two-a"));
        r.on(out("h1", "one-a"));
        r.on(out("h3", "three-b"));
        r.on(ended(ok("h3")));
        r.on(out("h2", "two-b"));
        screen.flush();
        assertThat(stdout.toString()).isEqualTo("h1 | one-a\n");
        r.on(ended(ok("h1")));
        r.on(out("h2", "two-c"));
        r.on(ended(ok("h2")));
        r.finish(report(List.of(ok("h1"), ok("h2"), ok("h3"))));
        assertThat(stdout.toString()).isEqualTo("""
                h1 | one-a
                h2 | two-a
                h2 | two-b
                h2 | two-c
                h3 | three-a
                h3 | three-b
                """);
    }

    @Test
    void serialOutputSpillsLargeOutputsToDiskAndStillWritesThemInOrder() {
        HostTable table = new HostTable(List.of("h1", "h2", "h3"), Style.PLAIN);
        Spool.Budget budget = new Spool.Budget(1000, 100);
        Renderer r = new SerialRenderer(screen, new LineFormat.Raw(), table, budget);
        for (int i = 0; i < 500; i++) {
            r.on(out("h3", "h3 line " + i));
            r.on(out("h2", "h2 line " + i));
        }
        assertThat(budget.used()).isLessThan(1000);
        r.on(out("h1", "h1 only"));
        r.finish(report(List.of(ok("h1"), ok("h2"), ok("h3"))));
        List<String> lines = stdout.toString().lines().toList();
        assertThat(lines).hasSize(1001);
        assertThat(lines.get(0)).isEqualTo("h1 only");
        for (int i = 0; i < 500; i++) {
            assertThat(lines.get(1 + i)).isEqualTo("h2 line " + i);
            assertThat(lines.get(501 + i)).isEqualTo("h3 line " + i);
        }
    }

    @Test
    void unreachableHostsDoNotHoldBackTheHostsAfterThem() {
        HostTable table = new HostTable(List.of("h1", "h2"), Style.PLAIN);
        Renderer r = new SerialRenderer(screen, new LineFormat.Raw(), table);
        r.on(out("h2", "two"));
        r.on(new io.drover.api.DroverEvent.DialEnded(Ev.T0, "h1", Duration.ofMillis(3),
                java.util.Optional.of("Connection refused")));
        screen.flush();
        assertThat(stdout.toString()).isEqualTo("two\n");
    }

    @Test
    void foldGroupsIdenticalOutputsWithMatchingExitCodes() {
        HostTable table = new HostTable(List.of("w1", "w2", "w3", "w4", "w5"), Style.PLAIN);
        Renderer r = new FoldRenderer(screen, table, Style.PLAIN, hosts -> String.join(",", hosts));
        for (String h : List.of("w5", "w1", "w2", "w3", "w4")) {
            r.on(out(h, h.equals("w3") ? "other" : "same"));
            if (!h.equals("w4")) {
                r.on(err(h, "warn"));
            }
        }
        r.on(ended(ok("w5")));
        r.on(ended(ok("w1")));
        r.on(ended(exit("w2", 1)));
        r.on(ended(ok("w3")));
        r.on(ended(ok("w4")));
        r.finish(report(List.of(ok("w1"), exit("w2", 1), ok("w3"), ok("w4"), ok("w5"))));
        assertThat(stdout.toString()).isEqualTo("""
                ----------------
                w5,w1 (2)
                ----------------
                same
                ! warn
                ----------------
                w2 (1, exit 1)
                ----------------
                same
                ! warn
                ----------------
                w3 (1)
                ----------------
                other
                ! warn
                ----------------
                w4 (1)
                ----------------
                same
                """);
    }

    @Test
    void foldTellsApartOutputsWithTheSameHashButDifferentText() {
        HostTable table = new HostTable(List.of("a", "b"), Style.PLAIN);
        Spool.Budget budget = new Spool.Budget(1 << 20, 1 << 16);
        FoldRenderer r = new FoldRenderer(screen, table, Style.PLAIN, hosts -> String.join(",", hosts), budget);
        // different streams, same characters: must not fold
        r.on(out("a", "x"));
        r.on(err("b", "x"));
        r.finish(report(List.of(ok("a"), ok("b"))));
        assertThat(stdout.toString()).contains("a (1)").contains("b (1)");
    }

    @Test
    void outDirWritesOneFilePerHostAndStreamAndNothingOnScreen(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Renderer r = new OutDirRenderer(out, screen);
        r.on(started("web1"));
        r.on(out("web1", "hello"));
        r.on(err("web1", "bad"));
        r.on(out("web1", "bye"));
        r.on(ended(exit("web1", 3)));
        r.on(started("web2"));
        r.on(ended(ok("web2")));
        r.finish(report(List.of(exit("web1", 3), ok("web2"), unreachable("web3", "refused"))));
        assertThat(Files.readString(out.resolve("web1.out"))).isEqualTo("hello\nbye\n");
        assertThat(Files.readString(out.resolve("web1.err"))).isEqualTo("bad\n");
        assertThat(Files.readString(out.resolve("web2.out"))).isEmpty();
        assertThat(Files.exists(out.resolve("web3.out"))).isFalse();
        assertThat(stdout.toString()).isEmpty();
    }

    @Test
    void summaryCountsOutcomesAndGroupsProblemsByReason() {
        Summary s = new Summary(Style.PLAIN, hosts -> String.join(",", hosts));
        List<Summary.Entry> entries = List.of(
                Summary.Entry.of(ok("w1")),
                Summary.Entry.of(exit("w2", 1)),
                Summary.Entry.of(exit("w3", 2)),
                Summary.Entry.of(exit("w4", 1)),
                Summary.Entry.of(unreachable("w5", "Connection refused")),
                Summary.Entry.of(new HostResult.TimedOut<>("w6", Duration.ofSeconds(30), Duration.ofSeconds(30))));
        assertThat(s.render(entries, Duration.ofMillis(3200))).isEqualTo("""
                6 hosts, 3.2s: 1 ok, 3 failed, 1 timed out, 1 unreachable
                  failed       exit 1              w2,w4
                  failed       exit 2              w3
                  timed out    after 30s           w6
                  unreachable  Connection refused  w5
                """);
    }

    @Test
    void hostsThatFailedTheSameWayGroupEvenWhenTheirMessagesNameThem() {
        Summary s = new Summary(Style.PLAIN, hosts -> String.join(",", hosts));
        List<Summary.Entry> entries = List.of(
                Summary.Entry.of(unreachable("web1", "connect to root@10.0.0.1:22 (web1): Connection refused")),
                Summary.Entry.of(unreachable("web2", "connect to root@10.0.0.2:22 (web2): Connection refused")),
                Summary.Entry.of(unreachable("web10", "no route to web10.example.com")));
        assertThat(s.render(entries, Duration.ofSeconds(1))).isEqualTo("""
                3 hosts, 1s: 0 ok, 3 unreachable
                  unreachable  connect to root@{addr} ({host}): Connection refused  web1,web2
                  unreachable  no route to web10.example.com                        web10
                """);
    }

    @Test
    void summaryOfAllOkIsOneLine() {
        Summary s = new Summary(Style.PLAIN, hosts -> String.join(",", hosts));
        assertThat(s.render(List.of(Summary.Entry.of(ok("a")), Summary.Entry.of(ok("b"))), Duration.ofMillis(850)))
                .isEqualTo("2 hosts, 850ms: 2 ok\n");
    }

    @Test
    void progressCountsEndedFailedAndRunningHosts() {
        long[] now = {0};
        Progress p = new Progress(screen, 4, () -> now[0]);
        p.on(started("a"));
        p.on(started("b"));
        p.on(ended(ok("a")));
        p.on(new io.drover.api.DroverEvent.DialEnded(Ev.T0, "c", Duration.ofMillis(3),
                java.util.Optional.of("refused")));
        now[0] = 2_000_000_000L;
        assertThat(p.line()).isEqualTo("2/4 done, 1 failed, 1 running, 1.0/s, ETA 2s  2s");
        p.close();
    }
}
