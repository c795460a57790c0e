package io.drover.ssh.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.OptionalLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class MarkerFilterInputStreamTest {
    static final String MARKER = "drover-pid-0123456789abcdef:";

    /** Delivers {@code data} in chunks of at most {@code chunk} bytes, as a channel would. */
    static InputStream chunked(byte[] data, int chunk) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), UTF_8);
    }

    @Test
    void theMarkerLineIsRemovedAndItsPidReported() throws Exception {
        var f = new MarkerFilterInputStream(chunked((MARKER + "4242\nerr1\nerr2").getBytes(UTF_8), 3), MARKER);
        assertThat(readAll(f)).isEqualTo("err1\nerr2");
        assertThat(f.awaitPid(Duration.ofSeconds(1))).isEqualTo(OptionalLong.of(4242));
    }

    @Test
    void linesBeforeTheMarkerPassThroughAndCrLfMarkersFromAPtyAreRecognised() throws Exception {
        var f = new MarkerFilterInputStream(chunked(("motd line\r\n" + MARKER + "7\r\nout\r\n").getBytes(UTF_8), 5),
                MARKER);
        assertThat(readAll(f)).isEqualTo("motd line\r\nout\r\n");
        assertThat(f.awaitPid(Duration.ofSeconds(1))).isEqualTo(OptionalLong.of(7));
    }

    @Test
    void thePidIsFoundByReadingAheadWhenNobodyReadsAndNothingIsLost() throws Exception {
        var f = new MarkerFilterInputStream(chunked((MARKER + "99\npayload").getBytes(UTF_8), 4), MARKER);
        assertThat(f.awaitPid(Duration.ofSeconds(5))).isEqualTo(OptionalLong.of(99));
        assertThat(readAll(f)).isEqualTo("payload");
    }

    @Test
    void withoutAMarkerEverythingPassesThroughAndThePidIsEmpty() throws Exception {
        var f = new MarkerFilterInputStream(chunked("just output\nno marker".getBytes(UTF_8), 7), MARKER);
        assertThat(readAll(f)).isEqualTo("just output\nno marker");
        assertThat(f.awaitPid(Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void aLineThatOnlyLooksLikeTheMarkerIsKept() throws Exception {
        String text = MARKER + "not-a-pid\n" + "drover-pid-other:12\n";
        var f = new MarkerFilterInputStream(chunked(text.getBytes(UTF_8), 64), MARKER);
        assertThat(readAll(f)).isEqualTo(text);
    }

    @Property(tries = 200)
    void outputAroundTheMarkerIsPreservedExactlyForAnyChunking(
            @ForAll @StringLength(max = 300) String before, @ForAll @StringLength(max = 300) String after,
            @ForAll @IntRange(min = 1, max = 50) int chunk) throws Exception {
        String prefix = before.replace("\n", "") + (before.isEmpty() ? "" : "\n");
        byte[] data = (prefix + MARKER + "123\n" + after).getBytes(UTF_8);
        var f = new MarkerFilterInputStream(chunked(data, chunk), MARKER);
        assertThat(readAll(f)).isEqualTo(prefix + after);
        assertThat(f.awaitPid(Duration.ofSeconds(1))).isEqualTo(OptionalLong.of(123));
    }
}
