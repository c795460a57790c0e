package io.drover.sync;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/** Splits a byte stream into UTF-8 lines (without {@code \n} or a trailing {@code \r}), bounded in length. */
final class Lines {
    /** Longer lines are delivered in pieces of this many bytes. */
    static final int MAX_LINE = 64 * 1024;

    private Lines() {}

    /**
     * Reads {@code in} to its end, giving every line to {@code sink}; a last line without {@code \n} is given too.
     * Returns normally at EOF or when the stream fails (a broken channel ends its output).
     */
    static void pump(InputStream in, Consumer<String> sink) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        sink.accept(text(line));
                        line.reset();
                    } else {
                        line.write(b);
                        if (line.size() >= MAX_LINE) {
                            sink.accept(text(line));
                            line.reset();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the channel closed or broke: what arrived is all there is
        }
        if (line.size() > 0) {
            sink.accept(text(line));
        }
    }

    private static String text(ByteArrayOutputStream line) {
        String s = line.toString(UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** The last {@code max} lines given to it. Thread-safe. */
    static final class Tail implements Consumer<String> {
        private final int max;
        private final Deque<String> lines = new ArrayDeque<>();

        Tail(int max) {
            this.max = max;
        }

        @Override
        public synchronized void accept(String line) {
            if (lines.size() == max) {
                lines.removeFirst();
            }
            lines.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
        }

        /** The lines joined by {@code \n}, empty when there were none. */
        synchronized String text() {
            return String.join("\n", lines);
        }

        /** The last line, or empty. */
        synchronized String last() {
            return lines.isEmpty() ? "" : lines.getLast();
        }
    }
}
