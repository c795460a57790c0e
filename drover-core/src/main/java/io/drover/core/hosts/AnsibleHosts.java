package io.drover.core.hosts;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Ansible's host entries in inventories: {@code name[:port]}, {@code [ipv6]:port}, and ranges
 * {@code www[01:50].example.com}, {@code db-[a:f]}, {@code n[0:20:5]} (several per name). Follows Ansible's
 * rules: a zero-padded start needs an end of the same width, letters range over {@code a-zA-Z}, a missing
 * start is 0, a step is optional.
 */
final class AnsibleHosts {

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private AnsibleHosts() {}

    /** Host names and the port that applies to all of them. */
    record Entry(List<String> names, OptionalInt port) {}

    /** Splits off a port and expands ranges, refusing more than {@code limit} names before generating any. */
    static Entry parse(String entry, String where, int limit) {
        String namePart = entry;
        OptionalInt port = OptionalInt.empty();
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            String inner = close > 0 ? entry.substring(1, close) : "";
            if (close > 0 && Names.isIpv6(inner)) {
                String rest = entry.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new HostSpecException(where + ": unexpected " + Names.quote(rest) + " after [" + inner
                                + "] in host " + Names.quote(entry) + "; expected [ipv6] or [ipv6]:port");
                    }
                    port = port(rest.substring(1), entry, where);
                }
                return new Entry(List.of(inner), port);
            }
        }
        int colons = 0;
        int last = -1;
        boolean inBracket = false;
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c == '[') {
                inBracket = true;
            } else if (c == ']') {
                inBracket = false;
            } else if (c == ':' && !inBracket) {
                colons++;
                last = i;
            }
        }
        if (colons == 1) {
            namePart = entry.substring(0, last);
            port = port(entry.substring(last + 1), entry, where);
        } else if (colons > 1) {
            if (Names.isIpv6(entry)) {
                return new Entry(List.of(entry), port);
            }
            throw new HostSpecException(where + ": host " + Names.quote(entry)
                    + " has too many ':'; expected name, name:port or [ipv6]:port");
        }
        if (namePart.isEmpty()) {
            throw new HostSpecException(where + ": empty host name in " + Names.quote(entry));
        }
        List<Object> parts = parseRanges(namePart, where);
        long count = 1;
        for (Object p : parts) {
            if (p instanceof RangeSeq seq) {
                count = NamePattern.saturatingMultiply(count, seq.count);
            }
        }
        if (count > limit) {
            throw new HostSpecException(where + ": host range " + Names.quote(namePart) + " expands to "
                    + (count == Long.MAX_VALUE ? "too many" : String.format("%,d", count))
                    + String.format(" hosts, over the limit of %,d", limit));
        }
        List<String> names = new ArrayList<>((int) count);
        expand(parts, 0, new StringBuilder(), names);
        return new Entry(List.copyOf(names), port);
    }

    private static OptionalInt port(String s, String entry, String where) {
        boolean digits = !s.isEmpty() && s.length() <= 5;
        for (int i = 0; digits && i < s.length(); i++) {
            digits = Names.isDigit(s.charAt(i));
        }
        int p = digits ? Integer.parseInt(s) : -1;
        if (p < 1 || p > 65535) {
            throw new HostSpecException(where + ": port " + Names.quote(s) + " of host " + Names.quote(entry)
                    + " is not a number between 1 and 65535");
        }
        return OptionalInt.of(p);
    }

    /**
     * Literal strings and range sequences (lists of strings), in order. A range's size is known before its
     * strings exist: sequences are lazy {@link RangeSeq}s.
     */
    private static List<Object> parseRanges(String name, String where) {
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < name.length()) {
            int open = name.indexOf('[', i);
            if (open < 0) {
                checkNoClose(name, i, name.length(), where);
                parts.add(name.substring(i));
                break;
            }
            checkNoClose(name, i, open, where);
            if (open > i) {
                parts.add(name.substring(i, open));
            }
            int close = name.indexOf(']', open);
            if (close < 0) {
                throw new HostSpecException(where + ": '[' is not closed in host " + Names.quote(name)
                        + "; ranges look like www[01:50] or db-[a:f]");
            }
            parts.add(range(name, name.substring(open + 1, close), where));
            i = close + 1;
        }
        return parts;
    }

    private static void checkNoClose(String name, int from, int to, String where) {
        int close = name.indexOf(']', from);
        if (close >= 0 && close < to) {
            throw new HostSpecException(where + ": ']' without '[' in host " + Names.quote(name));
        }
    }

    private static RangeSeq range(String name, String content, String where) {
        String[] bounds = content.split(":", -1);
        String hint = "; ranges look like www[01:50], www[1:9:2] or db-[a:f]";
        if (bounds.length != 2 && bounds.length != 3) {
            throw new HostSpecException(where + ": range [" + content + "] in host " + Names.quote(name)
                    + " must be begin:end or begin:end:step" + hint);
        }
        String beg = bounds[0].isEmpty() ? "0" : bounds[0];
        String end = bounds[1];
        if (end.isEmpty()) {
            throw new HostSpecException(where + ": range [" + content + "] in host " + Names.quote(name)
                    + " has no end value" + hint);
        }
        long step = 1;
        if (bounds.length == 3) {
            step = number(bounds[2], name, content, where);
            if (step < 1) {
                throw new HostSpecException(where + ": step " + bounds[2] + " in [" + content + "] of host "
                        + Names.quote(name) + " must be at least 1");
            }
        }
        int width = 0;
        if (beg.length() > 1 && beg.charAt(0) == '0') {
            width = beg.length();
            if (end.length() != width) {
                throw new HostSpecException(where + ": range [" + content + "] in host " + Names.quote(name)
                        + " pads its start to " + width + " digits, so its end must have " + width
                        + " digits too (e.g. [" + beg + ":" + NamePattern.format(number(end, name, content, where), width) + "])");
            }
        }
        int li = beg.length() == 1 ? LETTERS.indexOf(beg.charAt(0)) : -1;
        int le = end.length() == 1 ? LETTERS.indexOf(end.charAt(0)) : -1;
        if (li >= 0 && le >= 0) {
            if (li > le) {
                throw new HostSpecException(where + ": range [" + content + "] in host " + Names.quote(name)
                        + " runs backwards; write [" + end + ":" + beg + "]");
            }
            return new RangeSeq(li, le, step, -1);
        }
        long b = number(beg, name, content, where);
        long e = number(end, name, content, where);
        if (b > e) {
            throw new HostSpecException(where + ": range [" + content + "] in host " + Names.quote(name)
                    + " runs backwards; write [" + end + ":" + beg + "]");
        }
        return new RangeSeq(b, e, step, width);
    }

    private static long number(String s, String name, String content, String where) {
        boolean ok = !s.isEmpty() && s.length() <= NamePattern.MAX_DIGITS;
        for (int i = 0; ok && i < s.length(); i++) {
            ok = Names.isDigit(s.charAt(i));
        }
        if (!ok) {
            throw new HostSpecException(where + ": " + Names.quote(s) + " in range [" + content + "] of host "
                    + Names.quote(name) + " is neither a number (up to " + NamePattern.MAX_DIGITS
                    + " digits) nor a single letter; ranges look like www[01:50], www[1:9:2] or db-[a:f]");
        }
        return Long.parseLong(s);
    }

    /** A lazy range: numbers lo..hi by step padded to width, or letters LETTERS[lo..hi] when width is -1. */
    private static final class RangeSeq extends java.util.AbstractList<String> {
        private final long lo;
        private final long step;
        private final int width;
        private final long count;

        RangeSeq(long lo, long hi, long step, int width) {
            this.lo = lo;
            this.step = step;
            this.width = width;
            this.count = (hi - lo) / step + 1;
        }

        @Override
        public String get(int index) {
            long v = lo + index * step;
            return width < 0 ? String.valueOf(LETTERS.charAt((int) v)) : NamePattern.format(v, width);
        }

        @Override
        public int size() {
            return (int) Math.min(count, Integer.MAX_VALUE);
        }
    }

    private static void expand(List<Object> parts, int index, StringBuilder prefix, List<String> out) {
        if (index == parts.size()) {
            out.add(prefix.toString());
            return;
        }
        int mark = prefix.length();
        if (parts.get(index) instanceof String literal) {
            prefix.append(literal);
            expand(parts, index + 1, prefix, out);
            prefix.setLength(mark);
            return;
        }
        for (Object o : (List<?>) parts.get(index)) {
            prefix.append((String) o);
            expand(parts, index + 1, prefix, out);
            prefix.setLength(mark);
        }
    }
}
