package io.drover.core.hosts;

/**
 * Where a piece of host input came from, so errors can point at it: a spec given directly (columns count in
 * {@code text}), or a line of a file or of stdin ({@code source:line:column}).
 *
 * @param source file name or {@code <stdin>}, null for a spec given directly
 * @param line 1-based line number, 0 for a spec given directly
 * @param text the spec or the whole line
 */
record Where(String source, int line, String text) {

    static Where spec(String text) {
        return new Where(null, 0, text);
    }

    static Where line(String source, int line, String text) {
        return new Where(source, line, text);
    }

    /** The location prefix for a problem at 0-based {@code offset} into {@link #text}. */
    String at(int offset) {
        if (source == null) {
            return "host spec " + Names.quote(text) + " at column " + (offset + 1);
        }
        return source + ":" + line + ":" + (offset + 1);
    }

    HostSpecException fail(int offset, String problem) {
        return new HostSpecException(at(offset) + ": " + problem);
    }
}
