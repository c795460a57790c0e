package io.drover.core.hosts;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lexical bits of Ansible's INI inventories: POSIX shell-like splitting with {@code #} comments (as Python's
 * {@code shlex.split(line, comments=True)}), and values read as Python literals where they are ones (as
 * {@code ast.literal_eval}), else kept as strings.
 */
final class IniSyntax {

    private IniSyntax() {}

    /** Thrown for an unclosed quote; the caller adds file:line. */
    static final class SplitException extends RuntimeException {
        SplitException(String message) {
            super(message, null, false, false);
        }
    }

    static List<String> shellSplit(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '#') {
                break;
            }
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
                continue;
            }
            inWord = true;
            if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new SplitException("no closing quotation (') in " + Names.quote(line));
                }
                word.append(line, i + 1, close);
                i = close + 1;
            } else if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = line.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                        word.append(line.charAt(i + 1));
                        i += 2;
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new SplitException("no closing quotation (\") in " + Names.quote(line));
                }
            } else if (c == '\\') {
                if (i + 1 < n) {
                    word.append(line.charAt(i + 1));
                }
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * Ansible's {@code _parse_value}: a Python literal (int, float, str, True/False/None, list, tuple, dict) if
     * {@code v} is exactly one and holds no {@code #}, else the string itself. Integers become {@link Long} (or
     * {@link BigInteger}), floats {@link Double}, tuples and lists unmodifiable {@link List}s, dicts unmodifiable
     * {@link Map}s.
     */
    static Object value(String v) {
        if (v.indexOf('#') >= 0) {
            return v;
        }
        LiteralReader r = new LiteralReader(v);
        try {
            r.skipSpace();
            Object o = r.read(0);
            r.skipSpace();
            return r.atEnd() ? o : v;
        } catch (NotALiteral e) {
            return v;
        }
    }

    private static final class NotALiteral extends RuntimeException {
        NotALiteral() {
            super(null, null, false, false);
        }
    }

    private static final class LiteralReader {
        private static final int MAX_DEPTH = 64;
        private final String s;
        private int i;

        LiteralReader(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i == s.length();
        }

        void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Object read(int depth) {
            if (depth > MAX_DEPTH || atEnd()) {
                throw new NotALiteral();
            }
            char c = s.charAt(i);
            return switch (c) {
                case '\'', '"' -> string();
                case '[' -> sequence(']', depth);
                case '(' -> sequence(')', depth);
                case '{' -> dict(depth);
                default -> {
                    if (c == '-' || c == '+' || c == '.' || Names.isDigit(c)) {
                        yield number();
                    }
                    if (s.startsWith("True", i)) {
                        i += 4;
                        yield Boolean.TRUE;
                    }
                    if (s.startsWith("False", i)) {
                        i += 5;
                        yield Boolean.FALSE;
                    }
                    if (s.startsWith("None", i)) {
                        i += 4;
                        yield null;
                    }
                    throw new NotALiteral();
                }
            };
        }

        private String string() {
            char quote = s.charAt(i++);
            StringBuilder b = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == quote) {
                    return b.toString();
                }
                if (c == '\\' && i < s.length()) {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case '0' -> b.append('\0');
                        case '\\', '\'', '"' -> b.append(e);
                        default -> b.append('\\').append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            throw new NotALiteral();
        }

        private Object number() {
            int start = i;
            if (s.charAt(i) == '-' || s.charAt(i) == '+') {
                i++;
            }
            boolean fraction = false;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Names.isDigit(c) || c == '_') {
                    i++;
                } else if (c == '.' || c == 'e' || c == 'E') {
                    fraction = true;
                    i++;
                    if ((c == 'e' || c == 'E') && i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                        i++;
                    }
                } else {
                    break;
                }
            }
            String text = s.substring(start, i).replace("_", "");
            try {
                if (fraction) {
                    return Double.valueOf(text);
                }
                String digits = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
                if (digits.isEmpty() || (digits.length() > 1 && digits.charAt(0) == '0')) {
                    throw new NotALiteral(); // Python refuses 007
                }
                BigInteger big = new BigInteger(text);
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            } catch (NumberFormatException e) {
                throw new NotALiteral();
            }
        }

        private List<Object> sequence(char close, int depth) {
            i++;
            List<Object> out = new ArrayList<>();
            while (true) {
                skipSpace();
                if (atEnd()) {
                    throw new NotALiteral();
                }
                if (s.charAt(i) == close) {
                    i++;
                    return Collections.unmodifiableList(out);
                }
                out.add(read(depth + 1));
                skipSpace();
                if (!atEnd() && s.charAt(i) == ',') {
                    i++;
                } else if (atEnd() || s.charAt(i) != close) {
                    throw new NotALiteral();
                }
            }
        }

        private Map<String, Object> dict(int depth) {
            i++;
            Map<String, Object> out = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (atEnd()) {
                    throw new NotALiteral();
                }
                if (s.charAt(i) == '}') {
                    i++;
                    return Collections.unmodifiableMap(out);
                }
                Object key = read(depth + 1);
                skipSpace();
                if (atEnd() || s.charAt(i) != ':') {
                    throw new NotALiteral();
                }
                i++;
                skipSpace();
                out.put(String.valueOf(key), read(depth + 1));
                skipSpace();
                if (!atEnd() && s.charAt(i) == ',') {
                    i++;
                } else if (atEnd() || s.charAt(i) != '}') {
                    throw new NotALiteral();
                }
            }
        }
    }
}
