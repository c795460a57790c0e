package io.drover.core.hosts;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A host name pattern: literal text, numeric ranges ({@code [1-4]}, {@code [01-16,20]}) and glob parts
 * ({@code *}, {@code ?}, {@code [a-c]}). A pattern without glob parts {@linkplain #expand expands} to the
 * product of its ranges; any pattern can {@linkplain #matches match} a name without expanding.
 *
 * <p>A bracket holding only digits, {@code -} and {@code ,} is a numeric range; any other bracket is a glob
 * character class. So {@code [1-3]} always generates, and {@code [a-c]} or {@code [!0-9]} only match.
 */
record NamePattern(List<Part> parts, boolean hasStar) {

    /** Numbers in ranges are limited to 18 digits so that every value fits a {@code long}. */
    static final int MAX_DIGITS = 18;

    NamePattern(List<Part> parts) {
        this(parts, parts.stream().anyMatch(p -> p instanceof Star));
    }

    NamePattern {
        parts = List.copyOf(parts);
    }

    sealed interface Part permits Literal, NumRange, Star, AnyChar, CharClass {}

    record Literal(String text) implements Part {}

    /** Inclusive spans, each with its own zero padding ({@code width} 0 means none). */
    record NumRange(List<Span> spans) implements Part {
        long count() {
            long n = 0;
            for (Span s : spans) {
                n = saturatingAdd(n, s.hi() - s.lo() + 1);
            }
            return n;
        }

        boolean accepts(String digits) {
            if (digits.length() > MAX_DIGITS) {
                return false;
            }
            long v = Long.parseLong(digits);
            for (Span s : spans) {
                if (v >= s.lo() && v <= s.hi() && digits.equals(format(v, s.width()))) {
                    return true;
                }
            }
            return false;
        }
    }

    record Span(long lo, long hi, int width) {}

    record Star() implements Part {}

    record AnyChar() implements Part {}

    /** {@code ranges} holds pairs of inclusive bounds: lo0, hi0, lo1, hi1, ... */
    record CharClass(boolean negated, String ranges) implements Part {
        boolean accepts(char c) {
            boolean in = false;
            for (int i = 0; i + 1 < ranges.length(); i += 2) {
                if (c >= ranges.charAt(i) && c <= ranges.charAt(i + 1)) {
                    in = true;
                    break;
                }
            }
            return in != negated;
        }
    }

    boolean isGlob() {
        for (Part p : parts) {
            if (p instanceof Star || p instanceof AnyChar || p instanceof CharClass) {
                return true;
            }
        }
        return false;
    }

    /** True for a plain name: one literal part (or none). */
    boolean isLiteral() {
        return parts.size() == 1 && parts.getFirst() instanceof Literal;
    }

    String literalText() {
        return ((Literal) parts.getFirst()).text();
    }

    /** How many names {@link #expand} yields (duplicates included), saturating at {@link Long#MAX_VALUE}. */
    long count() {
        long n = 1;
        for (Part p : parts) {
            if (p instanceof NumRange r) {
                n = saturatingMultiply(n, r.count());
            }
        }
        return n;
    }

    /** Feeds every name of a glob-free pattern to {@code sink}, leftmost range varying slowest. */
    void expand(Consumer<String> sink) {
        if (isGlob()) {
            throw new IllegalStateException("a glob pattern cannot be expanded: " + this);
        }
        expand(0, new StringBuilder(32), sink);
    }

    private void expand(int index, StringBuilder prefix, Consumer<String> sink) {
        if (index == parts.size()) {
            sink.accept(prefix.toString());
            return;
        }
        int mark = prefix.length();
        switch (parts.get(index)) {
            case Literal l -> {
                prefix.append(l.text());
                expand(index + 1, prefix, sink);
                prefix.setLength(mark);
            }
            case NumRange r -> {
                for (Span s : r.spans()) {
                    for (long v = s.lo(); ; v++) {
                        appendPadded(prefix, v, s.width());
                        expand(index + 1, prefix, sink);
                        prefix.setLength(mark);
                        if (v == s.hi()) {
                            break;
                        }
                    }
                }
            }
            case Star s -> throw new IllegalStateException("glob part in expansion");
            case AnyChar a -> throw new IllegalStateException("glob part in expansion");
            case CharClass c -> throw new IllegalStateException("glob part in expansion");
        }
    }

    /** Whether {@code name} is one of the names this pattern denotes (glob parts match, ranges check bounds). */
    boolean matches(String name) {
        // failed[part][pos] remembers dead ends, keeping '*' backtracking polynomial; only stars need it
        byte[][] failed = hasStar ? new byte[parts.size() + 1][name.length() + 1] : null;
        return matches(name, 0, 0, failed);
    }

    private boolean matches(String s, int pos, int index, byte[][] failed) {
        if (index == parts.size()) {
            return pos == s.length();
        }
        if (failed != null && failed[index][pos] != 0) {
            return false;
        }
        boolean ok = switch (parts.get(index)) {
            case Literal l -> s.startsWith(l.text(), pos) && matches(s, pos + l.text().length(), index + 1, failed);
            case AnyChar a -> pos < s.length() && matches(s, pos + 1, index + 1, failed);
            case CharClass c -> pos < s.length() && c.accepts(s.charAt(pos)) && matches(s, pos + 1, index + 1, failed);
            case Star st -> {
                boolean any = false;
                for (int p = pos; p <= s.length() && !any; p++) {
                    any = matches(s, p, index + 1, failed);
                }
                yield any;
            }
            case NumRange r -> {
                boolean any = false;
                int end = pos;
                while (end < s.length() && Names.isDigit(s.charAt(end)) && end - pos < MAX_DIGITS) {
                    end++;
                    if (r.accepts(s.substring(pos, end)) && matches(s, end, index + 1, failed)) {
                        any = true;
                        break;
                    }
                }
                yield any;
            }
        };
        if (!ok && failed != null) {
            failed[index][pos] = 1;
        }
        return ok;
    }

    /** {@code v} in decimal, left-padded with zeros to {@code width} digits. */
    static String format(long v, int width) {
        String digits = Long.toString(v);
        if (digits.length() >= width) {
            return digits;
        }
        return "0".repeat(width - digits.length()) + digits;
    }

    static void appendPadded(StringBuilder b, long v, int width) {
        String digits = Long.toString(v);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        b.append(digits);
    }

    static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high != 0 || low < 0) {
            return Long.MAX_VALUE;
        }
        return low;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /**
     * Parses a host name pattern (no user, no port). {@code offset} is where {@code text} starts in
     * {@code where.text()}, for error columns.
     */
    static NamePattern parse(String text, Where where, int offset) {
        if (text.isEmpty()) {
            throw where.fail(offset, "the host name is empty; expected a name like web1, web[1-3] or web*");
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Names.isNameChar(c)) {
                literal.append(c);
                i++;
                continue;
            }
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            switch (c) {
                case '*' -> {
                    if (parts.isEmpty() || !(parts.getLast() instanceof Star)) {
                        parts.add(new Star());
                    }
                    i++;
                }
                case '?' -> {
                    parts.add(new AnyChar());
                    i++;
                }
                case '[' -> {
                    int close = text.indexOf(']', i + 1);
                    int nested = text.indexOf('[', i + 1);
                    if (close < 0 || (nested >= 0 && nested < close)) {
                        throw where.fail(offset + i, "'[' at column " + (offset + i + 1) + " is not closed in "
                                + Names.quote(text) + "; ranges look like web[1-3] or web[01-10,15]");
                    }
                    parts.add(parseBracket(text, i, close, where, offset));
                    i = close + 1;
                }
                case ']' -> throw where.fail(offset + i, "']' without a matching '[' in " + Names.quote(text));
                default -> throw where.fail(offset + i, "character " + Names.describe(c) + " is not allowed in host "
                        + Names.quote(text) + "; host names use letters, digits, '-', '.' and '_', ranges [1-3], "
                        + "globs * ? [a-c]");
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        if (parts.getFirst() instanceof Literal l && (l.text().charAt(0) == '-' || l.text().charAt(0) == '.')) {
            throw where.fail(offset, "host " + Names.quote(text) + " starts with '" + l.text().charAt(0)
                    + "'; host names start with a letter, digit or '_' (to exclude hosts write -x SPEC or !SPEC)");
        }
        return new NamePattern(parts);
    }

    private static Part parseBracket(String text, int open, int close, Where where, int offset) {
        String content = text.substring(open + 1, close);
        if (content.isEmpty()) {
            throw where.fail(offset + open, "empty brackets in " + Names.quote(text)
                    + "; ranges look like web[1-3] or web[01-10,15]");
        }
        if (isRangeSyntax(content)) {
            return parseRange(text, content, open, where, offset);
        }
        if (content.indexOf(':') >= 0) {
            String hint = content.replace(':', '-');
            throw where.fail(offset + open, "[" + content + "] in " + Names.quote(text)
                    + " looks like an Ansible range; in host specs write [" + hint + "] (Ansible's [a:b] "
                    + "form is read in inventory files only)");
        }
        return parseCharClass(text, content, open, where, offset);
    }

    /** Digits, '-' and ',' only, shaped as n or n-m items joined by commas. */
    private static boolean isRangeSyntax(String content) {
        int i = 0;
        int n = content.length();
        while (true) {
            int start = i;
            while (i < n && Names.isDigit(content.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
            if (i < n && content.charAt(i) == '-') {
                i++;
                int hiStart = i;
                while (i < n && Names.isDigit(content.charAt(i))) {
                    i++;
                }
                if (i == hiStart) {
                    return false;
                }
            }
            if (i == n) {
                return true;
            }
            if (content.charAt(i) != ',') {
                return false;
            }
            i++;
        }
    }

    private static NumRange parseRange(String text, String content, int open, Where where, int offset) {
        List<Span> spans = new ArrayList<>();
        int itemStart = 0;
        for (String item : content.split(",", -1)) {
            int at = offset + open + 1 + itemStart;
            int dash = item.indexOf('-');
            String lo = dash < 0 ? item : item.substring(0, dash);
            String hi = dash < 0 ? item : item.substring(dash + 1);
            if (lo.length() > MAX_DIGITS || hi.length() > MAX_DIGITS) {
                throw where.fail(at, "number in [" + content + "] of " + Names.quote(text) + " has more than "
                        + MAX_DIGITS + " digits");
            }
            long loV = Long.parseLong(lo);
            long hiV = Long.parseLong(hi);
            int width = lo.length() > 1 && lo.charAt(0) == '0' ? lo.length() : 0;
            boolean hiPadded = hi.length() > 1 && hi.charAt(0) == '0';
            if (hiPadded && hi.length() != width) {
                String fixed = NamePattern.format(loV, hi.length()) + "-" + hi;
                throw where.fail(at, "inconsistent zero padding in [" + content + "] of " + Names.quote(text)
                        + ": " + lo + " and " + hi + " differ in width; write [" + fixed + "] or [" + loV + "-" + hiV
                        + "]");
            }
            if (loV > hiV) {
                throw where.fail(at, "range " + item + " in " + Names.quote(text) + " runs backwards; write "
                        + hi + "-" + lo);
            }
            spans.add(new Span(loV, hiV, width));
            itemStart += item.length() + 1;
        }
        return new NumRange(spans);
    }

    private static CharClass parseCharClass(String text, String content, int open, Where where, int offset) {
        int i = 0;
        boolean negated = false;
        if (content.charAt(0) == '!' || content.charAt(0) == '^') {
            negated = true;
            i = 1;
        }
        StringBuilder ranges = new StringBuilder();
        while (i < content.length()) {
            char c = content.charAt(i);
            if (!Names.isNameChar(c) || (c == '-' && i > (negated ? 1 : 0) && i < content.length() - 1)) {
                throw where.fail(offset + open + 1 + i, "character " + Names.describe(c) + " is not allowed in ["
                        + content + "] of " + Names.quote(text)
                        + "; a range holds numbers like [1-3,7], a glob class characters like [abc], [a-f] or [!0-9]");
            }
            if (i + 2 < content.length() && content.charAt(i + 1) == '-') {
                char to = content.charAt(i + 2);
                if (!Names.isNameChar(to) || to < c) {
                    throw where.fail(offset + open + 1 + i, "character range " + c + "-" + to + " in [" + content
                            + "] of " + Names.quote(text) + " is not valid; write it low to high, like [a-f]");
                }
                ranges.append(c).append(to);
                i += 3;
            } else {
                ranges.append(c).append(c);
                i++;
            }
        }
        if (ranges.isEmpty()) {
            throw where.fail(offset + open, "glob class [" + content + "] in " + Names.quote(text)
                    + " is empty; write e.g. [!0-9]");
        }
        return new CharClass(negated, ranges.toString());
    }
}
