package io.drover.ssh.config;

import java.util.ArrayList;
import java.util.List;

/** Ports of OpenSSH's misc.c tokenisers: strdelim() (keywords, Match criteria) and argv_split() (arguments). */
final class Lexer {
    static final String WHITESPACE = " \t\r\n";

    private Lexer() {}

    /** A cursor over a line, consumed token by token like C's {@code strdelim(&cp)}; null models a NULL cp. */
    static final class Cursor {
        private final StringBuilder buf;
        private int pos;

        Cursor(String s) {
            buf = new StringBuilder(s);
            pos = 0;
        }

        boolean isNull() {
            return pos < 0;
        }

        /** The unconsumed rest, or null. */
        String rest() {
            return pos < 0 ? null : buf.substring(pos);
        }

        void skip(String chars) {
            if (pos >= 0) {
                pos = span(pos, chars);
            }
        }

        void setNull() {
            pos = -1;
        }

        /** strdelim (splitting on whitespace, a double quote or one '='), or strdelimw without '=' splitting. */
        String next(boolean splitEquals) {
            if (pos < 0) {
                return null;
            }
            int old = pos;
            int d = findAny(pos, splitEquals ? WHITESPACE + "\"=" : WHITESPACE + "\"");
            if (d < 0) {
                pos = -1;
                return buf.substring(old);
            }
            if (buf.charAt(d) == '"') {
                buf.deleteCharAt(d);
                int q = buf.indexOf("\"", d);
                if (q < 0) {
                    pos = -1;
                    return null;
                }
                String token = buf.substring(old, q);
                pos = span(q + 1, WHITESPACE);
                return token;
            }
            boolean wspace = splitEquals && buf.charAt(d) == '=';
            String token = buf.substring(old, d);
            pos = span(d + 1, WHITESPACE);
            if (splitEquals && pos < buf.length() && buf.charAt(pos) == '=' && !wspace) {
                pos = span(pos + 1, WHITESPACE);
            }
            return token;
        }

        private int findAny(int from, String chars) {
            for (int i = from; i < buf.length(); i++) {
                if (chars.indexOf(buf.charAt(i)) >= 0) {
                    return i;
                }
            }
            return -1;
        }

        private int span(int from, String chars) {
            int i = from;
            while (i < buf.length() && chars.indexOf(buf.charAt(i)) >= 0) {
                i++;
            }
            return i;
        }
    }

    /**
     * argv_split(s, terminate_on_comment=1): words separated by blanks, double or single quotes group, backslash
     * escapes {@code \\ \" \'} and (outside quotes) a blank; an unquoted word starting with '#' ends the line.
     *
     * @return the words, or null when a quote is not closed
     */
    static List<String> argvSplit(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (c == '#') {
                break;
            }
            char quote = 0;
            StringBuilder arg = new StringBuilder();
            for (; i < n; i++) {
                c = s.charAt(i);
                if (c == '\\') {
                    char next = i + 1 < n ? s.charAt(i + 1) : 0;
                    if (next == '\'' || next == '"' || next == '\\' || (quote == 0 && next == ' ')) {
                        i++;
                        arg.append(next);
                    } else {
                        arg.append(c);
                    }
                } else if (quote == 0 && (c == ' ' || c == '\t')) {
                    break;
                } else if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (quote != 0 && c == quote) {
                    quote = 0;
                } else {
                    arg.append(c);
                }
            }
            out.add(arg.toString());
            if (i >= n) {
                if (quote != 0) {
                    return null;
                }
                break;
            }
        }
        return out;
    }
}
