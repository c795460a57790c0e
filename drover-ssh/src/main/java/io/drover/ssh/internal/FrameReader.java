package io.drover.ssh.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits one output stream of a {@link ResidentShell} at its marker lines. A marker is the byte sequence
 * {@code \n<nonce>:<seq>:<type><payload>\n}, where {@code nonce} is the shell's random 32 hex digits, {@code seq} a
 * decimal command number, {@code type} one letter ({@code R}eady, {@code S}tart, {@code E}nd) and {@code payload}
 * printable ASCII other than {@code \n}. The leading {@code \n} belongs to the marker: the shell always writes one,
 * so that a marker is found even after output without a trailing newline, and the command's output is returned
 * byte for byte. Anything else, including text that resembles a marker without the nonce, is data.
 *
 * <p>Memory is bounded: one {@value #BUFFER}-byte buffer. Not thread-safe by itself: callers hold {@link #lock()}
 * across a {@link #read} and the {@link #takeMarker()} that follows it.
 */
final class FrameReader {
    static final int BUFFER = 8 * 1024;
    /** A marker line is at most this long after its prefix; a longer one is data. */
    private static final int MAX_TAIL = 64;
    static final int EOF = -1;
    static final int MARKER = -2;

    /** A parsed marker line. */
    record Marker(long seq, char type, String payload) {}

    private final InputStream in;
    private final byte[] prefix;
    private final byte[] buf = new byte[BUFFER];
    private final ReentrantLock lock = new ReentrantLock();
    private int pos;
    private int limit;
    private boolean eof;
    private Marker marker;

    FrameReader(InputStream in, String nonce) {
        this.in = in;
        this.prefix = ("\n" + nonce + ":").getBytes(US_ASCII);
    }

    ReentrantLock lock() {
        return lock;
    }

    /**
     * Reads data up to the next marker. Returns the number of data bytes copied (more than 0), {@link #MARKER} when
     * a marker is next (consume it with {@link #takeMarker()}), or {@link #EOF} at the end of the stream.
     */
    int read(byte[] b, int off, int len) throws IOException {
        if (marker != null) {
            return MARKER;
        }
        while (true) {
            if (pos < limit) {
                int at = find();
                if (at == pos) {
                    if (parseMarkerAtPos()) {
                        return MARKER;
                    }
                    if (needMore()) {
                        continue;
                    }
                    // not a marker after all: its '\n' is data
                    return copy(b, off, Math.min(len, 1));
                }
                if (at > pos) {
                    return copy(b, off, Math.min(len, at - pos));
                }
                if (at == -1) {
                    return copy(b, off, Math.min(len, limit - pos));
                }
                // at < -1: a possible marker starts at -(at + 2) and runs past the buffered bytes
                int start = -(at + 2);
                if (start > pos) {
                    return copy(b, off, Math.min(len, start - pos));
                }
                if (!fill()) {
                    return copy(b, off, Math.min(len, limit - pos));
                }
                continue;
            }
            if (eof || !fill()) {
                return EOF;
            }
        }
    }

    /** The marker {@link #read} reported, without consuming it. */
    Marker peekMarker() {
        if (marker == null) {
            throw new IllegalStateException("no marker is pending");
        }
        return marker;
    }

    /** The marker {@link #read} reported; consumes it. */
    Marker takeMarker() {
        Marker m = marker;
        if (m == null) {
            throw new IllegalStateException("no marker is pending");
        }
        marker = null;
        return m;
    }

    /**
     * Where the next prefix starts: its index when all of it is buffered, {@code -(index + 2)} when only its start is
     * (a '\n' followed by the beginning of the prefix up to the buffer's end), -1 when none.
     */
    private int find() {
        for (int i = pos; i < limit; i++) {
            if (buf[i] != '\n') {
                continue;
            }
            int n = Math.min(prefix.length, limit - i);
            if (Arrays.equals(buf, i, i + n, prefix, 0, n)) {
                return n == prefix.length ? i : -(i + 2);
            }
        }
        return -1;
    }

    /** Parses a full marker at {@code pos} (whose prefix is buffered); false when it is incomplete or not one. */
    private boolean parseMarkerAtPos() {
        int start = pos + prefix.length;
        int end = -1;
        for (int i = start; i < limit && i <= start + MAX_TAIL; i++) {
            if (buf[i] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return false;
        }
        int colon = -1;
        for (int i = start; i < end; i++) {
            if (buf[i] == ':') {
                colon = i;
                break;
            }
            if (buf[i] < '0' || buf[i] > '9') {
                return false;
            }
        }
        if (colon <= start || colon - start > 18 || colon + 1 >= end) {
            return false;
        }
        char type = (char) buf[colon + 1];
        if (type < 'A' || type > 'Z') {
            return false;
        }
        for (int i = colon + 2; i < end; i++) {
            if (buf[i] < 0x20 || buf[i] > 0x7e) {
                return false;
            }
        }
        long seq = Long.parseLong(new String(buf, start, colon - start, US_ASCII));
        marker = new Marker(seq, type, new String(buf, colon + 2, end - colon - 2, US_ASCII));
        pos = end + 1;
        return true;
    }

    /** Whether the candidate marker at {@code pos} may still complete: reads more and says so. */
    private boolean needMore() throws IOException {
        int buffered = limit - pos;
        if (buffered > prefix.length + MAX_TAIL) {
            return false; // long enough to know: not a marker
        }
        return fill();
    }

    private int copy(byte[] b, int off, int n) {
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Reads more into the buffer (compacting it first); false at end of stream. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            throw new IllegalStateException("frame buffer full"); // cannot happen: a marker is far shorter
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }
}
