package io.drover.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    private static List<String> split(byte[] bytes, int chunk, int max) {
        List<String> out = new ArrayList<>();
        LineSplitter s = new LineSplitter(max, out::add);
        for (int off = 0; off < bytes.length; off += chunk) {
            s.feed(bytes, off, Math.min(chunk, bytes.length - off));
        }
        s.finish();
        return out;
    }

    @Test
    void linesEndAtNewlineAndACarriageReturnBeforeItIsDropped() {
        assertThat(split("one\ntwo\r\n\nthree".getBytes(UTF_8), 3, 64)).containsExactly("one", "two", "", "three");
    }

    @Test
    void aLastLineWithoutTerminatorIsDeliveredAtFinishAndNothingMoreAfterATerminator() {
        assertThat(split("a\nb".getBytes(UTF_8), 1, 64)).containsExactly("a", "b");
        assertThat(split("a\nb\n".getBytes(UTF_8), 1, 64)).containsExactly("a", "b");
        assertThat(split(new byte[0], 1, 64)).isEmpty();
    }

    @Test
    void aLineLongerThanTheCapArrivesInPiecesCutOnCharacterBoundaries() {
        String line = "€".repeat(10) + "x" + "😀".repeat(5); // 3-byte and 4-byte characters
        List<String> pieces = split((line + "\nnext").getBytes(UTF_8), 7, 16);
        assertThat(pieces.getLast()).isEqualTo("next");
        List<String> parts = pieces.subList(0, pieces.size() - 1);
        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(String.join("", parts)).isEqualTo(line);
        for (String p : parts) {
            assertThat(p.getBytes(UTF_8).length).isLessThanOrEqualTo(16);
            assertThat(p).doesNotContain("\uFFFD");
        }
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        byte[] bytes = {'a', (byte) 0xFF, 'b', '\n'};
        assertThat(split(bytes, 2, 64)).containsExactly("a\uFFFDb");
    }

    @Property(tries = 300)
    void anyChunkingGivesTheSameLines(@ForAll("lines") List<String> lines, @ForAll @IntRange(min = 1, max = 50) int chunk,
            @ForAll boolean trailingNewline) {
        String text = lines.isEmpty() ? "" : String.join("\n", lines) + (trailingNewline ? "\n" : "");
        List<String> expected = new ArrayList<>(lines);
        if (!trailingNewline && !expected.isEmpty() && expected.getLast().isEmpty()) {
            expected.removeLast(); // an empty last line without terminator is no line
        }
        assertThat(split(text.getBytes(UTF_8), chunk, 1 << 20)).isEqualTo(expected);
    }

    @Property(tries = 300)
    void longLinesSplitIntoBoundedPiecesThatJoinBackExactly(@ForAll("line") String line,
            @ForAll @IntRange(min = 4, max = 40) int max, @ForAll @IntRange(min = 1, max = 64) int chunk) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(line.getBytes(UTF_8));
        bytes.write('\n');
        List<String> pieces = split(bytes.toByteArray(), chunk, max);
        assertThat(String.join("", pieces)).isEqualTo(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        assertThat(pieces).allSatisfy(p -> assertThat(p.getBytes(UTF_8).length).isLessThanOrEqualTo(max));
    }

    @Provide
    Arbitrary<List<String>> lines() {
        return line().list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<String> line() {
        // whole code points, so that 4-byte characters are never split into lone surrogates
        return Arbitraries.of("a", "b", " ", "é", "€", "😀", "\t").list().ofMaxSize(120).map(l -> String.join("", l));
    }
}
