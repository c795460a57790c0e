package io.drover.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines incrementally, holding at most one line in memory. Lines end at {@code \n}; a
 * {@code \r} right before it is dropped ({@code \r\n} from a pty). A line longer than {@code maxLineBytes} is
 * delivered in pieces of at most that many bytes, each cut on a UTF-8 character boundary. Bytes that are not valid
 * UTF-8 become U+FFFD. The last line is delivered by {@link #finish()} even without a terminator. Not thread-safe:
 * one splitter per stream.
 */
public final class LineSplitter {
    /** Lines longer than this (1 MiB) are split into pieces. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private final int maxLineBytes;
    private final Consumer<String> sink;
    private byte[] buf;
    private int len;

    public LineSplitter(int maxLineBytes, Consumer<String> sink) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes (" + maxLineBytes + ") must be at least 4");
        }
        this.maxLineBytes = maxLineBytes;
        this.sink = requireNonNull(sink, "sink is null");
        this.buf = new byte[Math.min(8192, maxLineBytes)];
    }

    /** Feeds {@code n} bytes of {@code b} from {@code off}; delivers every line they complete. */
    public void feed(byte[] b, int off, int n) {
        int end = off + n;
        int start = off;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                if (len == 0 && i - start <= maxLineBytes) {
                    deliver(b, start, i - start); // whole line in the chunk: no copy
                } else {
                    append(b, start, i - start);
                    deliver(buf, 0, len);
                    len = 0;
                }
                start = i + 1;
            }
        }
        append(b, start, end - start);
    }

    /** Delivers what remains as the last line (when non-empty). Call once, at end of stream. */
    public void finish() {
        if (len > 0) {
            deliver(buf, 0, len);
            len = 0;
        }
    }

    private void append(byte[] b, int off, int n) {
        while (n > 0) {
            if (len == maxLineBytes) {
                cutPiece();
            }
            int take = Math.min(n, maxLineBytes - len);
            if (len + take > buf.length) {
                buf = Arrays.copyOf(buf, Math.min(maxLineBytes, Math.max(len + take, buf.length * 2)));
            }
            System.arraycopy(b, off, buf, len, take);
            len += take;
            off += take;
            n -= take;
        }
    }

    /** The buffer is full and the line goes on: deliver a piece ending on a character boundary. */
    private void cutPiece() {
        int cut = len;
        // find the start of the last character; if it is incomplete, cut before it
        for (int i = len - 1; i >= Math.max(0, len - 4); i--) {
            int c = buf[i] & 0xFF;
            if ((c & 0xC0) != 0x80) {
                int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
                if (i + need > len && i > 0) {
                    cut = i;
                }
                break;
            }
        }
        sink.accept(new String(buf, 0, cut, UTF_8));
        System.arraycopy(buf, cut, buf, 0, len - cut);
        len -= cut;
    }

    private void deliver(byte[] b, int off, int n) {
        if (n > 0 && b[off + n - 1] == '\r') {
            n--;
        }
        sink.accept(new String(b, off, n, UTF_8));
    }
}
