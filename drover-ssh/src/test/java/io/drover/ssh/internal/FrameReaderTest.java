package io.drover.ssh.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    static final String NONCE = "0123456789abcdef0123456789abcdef";

    /** Delivers {@code data} in chunks of at most {@code chunk} bytes, as a channel would. */
    static InputStream chunked(byte[] data, int chunk) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    /** Reads everything: data segments between markers, and the markers, in order. */
    static List<Object> frames(FrameReader r, int readSize) throws IOException {
        List<Object> frames = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte[] buf = new byte[readSize];
        while (true) {
            int n = r.read(buf, 0, buf.length);
            if (n == FrameReader.EOF) {
                break;
            }
            if (n == FrameReader.MARKER) {
                if (data.size() > 0) {
                    frames.add(data.toString(US_ASCII));
                    data.reset();
                }
                frames.add(r.takeMarker());
                continue;
            }
            data.write(buf, 0, n);
        }
        if (data.size() > 0) {
            frames.add(data.toString(US_ASCII));
        }
        return frames;
    }

    static String marker(long seq, char type, String payload) {
        return "\n" + NONCE + ":" + seq + ":" + type + payload + "\n";
    }

    @Test
    void markersSplitTheStreamAndTheirLeadingNewlineIsNotData() throws Exception {
        String stream = "rc noise" + marker(0, 'R', "42") + marker(1, 'S', "") + "out\nno newline"
                + marker(1, 'E', "0") + marker(2, 'S', "") + marker(2, 'E', "143 TERM");
        FrameReader r = new FrameReader(chunked(stream.getBytes(US_ASCII), 5), NONCE);
        assertThat(frames(r, 7)).containsExactly("rc noise", new FrameReader.Marker(0, 'R', "42"),
                new FrameReader.Marker(1, 'S', ""), "out\nno newline", new FrameReader.Marker(1, 'E', "0"),
                new FrameReader.Marker(2, 'S', ""), new FrameReader.Marker(2, 'E', "143 TERM"));
    }

    @Test
    void nearMissesAreData() throws Exception {
        String[] lookalikes = {
            "\n" + NONCE.substring(1) + "0:1:E0\n", // another nonce
            "\n" + NONCE + ":x:E0\n", // no sequence number
            "\n" + NONCE + ":1:e0\n", // lower-case type
            "\n" + NONCE + ":1:\n", // no type
            NONCE + ":1:E0\n", // no leading newline
            "\n" + NONCE + ":1:E" + "0".repeat(100) + "\n", // too long
            "\n" + NONCE + ":1:E\u0001\n", // control character
            "\n" + NONCE, // cut at the end of the stream
        };
        for (String s : lookalikes) {
            FrameReader r = new FrameReader(chunked(s.getBytes(US_ASCII), 3), NONCE);
            assertThat(frames(r, 4)).as(s).containsExactly(s);
        }
    }

    /** Data with markers at random places, delivered and read in random sizes, comes back exactly. */
    @Property(tries = 300)
    void anyChunkingGivesTheSameFrames(@ForAll @Size(max = 8) List<@IntRange(min = 0, max = 5) Integer> pieces,
            @ForAll @IntRange(min = 1, max = 50) int chunk, @ForAll @IntRange(min = 1, max = 40) int readSize)
            throws Exception {
        String[] data = {"", "a", "\n", "\n\n", "x\n" + NONCE.substring(0, 10), "\n" + NONCE + ":"};
        StringBuilder stream = new StringBuilder();
        List<Object> expected = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        long seq = 1;
        for (int p : pieces) {
            pending.append(data[p]);
            stream.append(data[p]);
            if (p % 2 == 0) {
                if (!pending.isEmpty()) {
                    expected.add(pending.toString());
                    pending.setLength(0);
                }
                stream.append(marker(seq, 'E', Long.toString(seq)));
                expected.add(new FrameReader.Marker(seq, 'E', Long.toString(seq)));
                seq++;
            }
        }
        if (!pending.isEmpty()) {
            expected.add(pending.toString());
        }
        FrameReader r = new FrameReader(chunked(stream.toString().getBytes(US_ASCII), chunk), NONCE);
        assertThat(frames(r, readSize)).isEqualTo(expected);
    }
}
