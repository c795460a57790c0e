package io.drover.core.internal;

import java.util.ArrayDeque;

/**
 * The last lines of a stream, bounded by a line count and a character count: what a failure report shows of
 * stderr. A single line longer than the character bound keeps its end. Thread-safe.
 */
public final class Tail {
    /** Default bounds: the last 20 lines, at most 4 KiB of text. */
    public static final int DEFAULT_LINES = 20;

    public static final int DEFAULT_CHARS = 4096;

    private final int maxLines;
    private final int maxChars;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private int chars;

    public Tail(int maxLines, int maxChars) {
        if (maxLines < 1 || maxChars < 1) {
            throw new IllegalArgumentException("maxLines (" + maxLines + ") and maxChars (" + maxChars + ") must be positive");
        }
        this.maxLines = maxLines;
        this.maxChars = maxChars;
    }

    public static Tail standard() {
        return new Tail(DEFAULT_LINES, DEFAULT_CHARS);
    }

    public synchronized void add(String line) {
        if (line.length() > maxChars) {
            line = "..." + line.substring(line.length() - (maxChars - 3));
        }
        lines.addLast(line);
        chars += line.length() + 1;
        while (lines.size() > maxLines || chars - 1 > maxChars) {
            chars -= lines.removeFirst().length() + 1;
        }
    }

    /** The kept lines joined by {@code \n}, oldest first; empty when nothing was added. */
    public synchronized String text() {
        return String.join("\n", lines);
    }
}
