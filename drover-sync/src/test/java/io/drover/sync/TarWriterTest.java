package io.drover.sync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar stream, checked by extracting it with the real GNU tar that runs on hosts. */
class TarWriterTest {
    @TempDir
    Path tmp;

    private List<String> untar(TarWriter writer, Path into) throws Exception {
        Files.createDirectories(into);
        Process tar = new ProcessBuilder("tar", "-x", "-p", "-f", "-", "-C", into.toString())
                .redirectErrorStream(true).start();
        try (OutputStream in = tar.getOutputStream()) {
            writer.write(in);
        }
        String out = new String(tar.getInputStream().readAllBytes(), UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as("tar output: %s", out).isZero();
        return out.lines().toList();
    }

    @Test
    void aDirectoryAndItsContentsArriveWithModesMtimesSymlinksAndLongNamesIntact() throws Exception {
        Path src = SampleTree.create(tmp.resolve("src/app"), 1);
        List<String> warnings = new ArrayList<>();
        TarWriter writer = new TarWriter(List.of(Source.named(src)), false, warnings::add);
        TarWriter.Totals totals = writer.scan();
        untar(writer, tmp.resolve("out"));
        Map<String, String> expected = TreeSnapshot.of(src);
        assertThat(TreeSnapshot.of(tmp.resolve("out/app"))).isEqualTo(expected);
        assertThat(expected).containsKeys("setuid-tool", "shared", "link-dangling", "ünïcødé-名前.txt");
        assertThat(expected.get("setuid-tool")).startsWith("file 4755");
        assertThat(expected.get("shared")).startsWith("dir 1777");
        assertThat(expected.keySet()).anyMatch(k -> k.length() > 255);
        assertThat(warnings).singleElement().asString().contains("a-fifo").contains("skipped");
        assertThat(totals.entries()).isEqualTo(expected.size() + 1); // the FIFO is counted by the scan
    }

    @Test
    void contentsOfADirectoryLandInTheRootItselfWithTheDirectorysModeAndMtime() throws Exception {
        Path src = SampleTree.create(tmp.resolve("src"), 2);
        Files.delete(src.resolve("a-fifo"));
        TarWriter writer = new TarWriter(List.of(Source.contentsOf(src)), false, w -> {});
        Path out = tmp.resolve("out");
        untar(writer, out);
        assertThat(TreeSnapshot.of(out)).isEqualTo(TreeSnapshot.of(src));
    }

    @Test
    void relativeSourcesKeepTheirPathAndTheirParentsModes() throws Exception {
        Path base = tmp.resolve("base");
        Path conf = Files.createDirectories(base.resolve("etc/app"));
        SampleTree.run("chmod", "0710", base.resolve("etc").toString());
        SampleTree.write(conf.resolve("app.conf"), "x=1\n");
        SampleTree.write(base.resolve("README"), "read me\n");
        Source a = Source.parse(base + "/./etc/app/app.conf", true);
        Source b = Source.parse(base + "/./README", true);
        assertThat(a.target()).isEqualTo("etc/app/app.conf");
        TarWriter writer = new TarWriter(List.of(a, b), false, w -> {});
        writer.scan();
        Path out = tmp.resolve("out");
        untar(writer, out);
        assertThat(Files.readString(out.resolve("etc/app/app.conf"))).isEqualTo("x=1\n");
        assertThat(Files.readString(out.resolve("README"))).isEqualTo("read me\n");
        assertThat(TreeSnapshot.of(out.resolve("etc"))).isEqualTo(TreeSnapshot.of(base.resolve("etc")));
    }

    @Test
    void withOwnerTheNumericIdsAndNamesAreInTheStreamAndWithoutThemTheyAreZeroAndEmpty() throws Exception {
        Path f = tmp.resolve("f");
        SampleTree.write(f, "x");
        SampleTree.run("chown", "12345:23456", f.toString());
        for (boolean owner : new boolean[] {true, false}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new TarWriter(List.of(Source.named(f)), owner, w -> {}).write(bytes);
            Process list = new ProcessBuilder("tar", "-t", "-v", "--numeric-owner", "-f", "-").start();
            list.getOutputStream().write(bytes.toByteArray());
            list.getOutputStream().close();
            String out = new String(list.getInputStream().readAllBytes(), UTF_8);
            assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains(owner ? "12345/23456" : "0/0");
        }
    }

    @Test
    void twoSourcesLandingOnOnePathAreRefusedBeforeAnythingIsSent() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a/conf"));
        Path b = Files.createDirectories(tmp.resolve("b/conf"));
        assertThatThrownBy(() -> new TarWriter(List.of(Source.named(a), Source.named(b)), false, w -> {}).scan())
                .isInstanceOf(SyncException.class).hasMessageContaining("'conf'").hasMessageContaining(b.toString());
        Files.createDirectories(tmp.resolve("c/conf/x"));
        assertThatThrownBy(() -> new TarWriter(List.of(Source.contentsOf(tmp.resolve("c")),
                new Source(tmp.resolve("a/conf"), "conf/x")), false, w -> {}).scan())
                .isInstanceOf(SyncException.class).hasMessageContaining("inside 'conf'");
    }

    @Test
    void aMissingOrUnreadableSourceIsNamedInTheError() throws Exception {
        assertThatThrownBy(() -> new TarWriter(List.of(Source.named(tmp.resolve("nope"))), false, w -> {}).scan())
                .isInstanceOf(SyncException.class).hasMessageContaining(tmp.resolve("nope") + " does not exist");
        Path file = tmp.resolve("plain");
        SampleTree.write(file, "x");
        assertThatThrownBy(() -> new TarWriter(List.of(Source.contentsOf(file)), false, w -> {}).scan())
                .isInstanceOf(SyncException.class).hasMessageContaining("not a directory");
    }

    @Test
    void aFileThatShrinksWhileReadIsPaddedAndReported() throws Exception {
        Path f = tmp.resolve("f");
        Files.write(f, new byte[200_000]);
        List<String> warnings = new ArrayList<>();
        TarWriter writer = new TarWriter(List.of(Source.named(f)), false, warnings::add);
        OutputStream truncating = new OutputStream() {
            boolean done;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (!done) {
                    done = true;
                    Files.write(f, new byte[10]);
                }
            }
        };
        writer.write(truncating);
        assertThat(warnings).singleElement().asString().contains("shrank");
    }

    @Test
    void parsingArgumentsFollowsRsyncConventions() {
        assertThat(Source.parse("build/", false)).isEqualTo(Source.contentsOf(Path.of("build/")));
        assertThat(Source.parse("build/.", false).target()).isEmpty();
        assertThat(Source.parse("/opt/app/build", false).target()).isEqualTo("build");
        assertThat(Source.parse("/opt/app/build", true).target()).isEqualTo("opt/app/build");
        assertThat(Source.parse("./a/b", true).target()).isEqualTo("a/b");
        assertThat(Source.parse("/srv/./app/conf", true).target()).isEqualTo("app/conf");
        assertThatThrownBy(() -> Source.parse("../x", true)).isInstanceOf(SyncException.class)
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> new Source(Path.of("x"), "a/../b")).isInstanceOf(SyncException.class)
                .hasMessageContaining("a/../b");
    }
}
