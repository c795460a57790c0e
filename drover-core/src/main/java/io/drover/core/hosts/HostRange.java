package io.drover.core.hosts;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Folds host names into ranges and expands them back, as ClusterShell's {@code nodeset} and {@code dshbak -c} do:
 * {@code wrk1 ... wrk20, wrk25} folds to {@code wrk[1-20,25]}.
 *
 * <h2>Folding</h2>
 * Names are folded on their last number first, then on earlier numbers when the rest is identical, so a full
 * grid folds in every dimension ({@code rack[1-2]-node[01-03]}) while a ragged one folds per prefix
 * ({@code rack1-node[01-03],rack2-node[01-02]}). Zero padding is kept: {@code n08 n09 n10} folds to
 * {@code n[08-10]}, and {@code n1} and {@code n01}, being different names, stay apart ({@code n[1,01]}).
 * Names without digits are listed as they are, and so are names that are not plain host names (other characters
 * than letters, digits, {@code - . _}, such as an IPv6 address, or a leading {@code -} or {@code .}). The output is sorted in natural order (numbers by value) and depends only on the set
 * of names, not on their order or repetition.
 *
 * <h2>Round trip</h2>
 * For plain host names: {@code expand(fold(xs))} holds exactly the distinct names of
 * {@code xs}. Numbers of more than 18 digits are not folded.
 *
 * <p>Stateless and thread-safe.
 */
public final class HostRange {

    private HostRange() {}

    /** The folded groups joined by commas, e.g. {@code "db1,wrk[1-20,25]"}; empty for no names. */
    public static String fold(Collection<String> hosts) {
        return String.join(",", foldGroups(hosts));
    }

    /** The folded groups, one per element, sorted in natural order. */
    public static List<String> foldGroups(Collection<String> hosts) {
        requireNonNull(hosts, "hosts is null");
        Set<String> unique = new HashSet<>(hosts.size() * 2);
        for (String h : hosts) {
            unique.add(requireNonNull(h, "hosts holds null"));
        }
        List<String> out = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        for (String h : unique) {
            if (Names.isPlainName(h) && h.charAt(0) != '-' && h.charAt(0) != '.') {
                items.add(new Item(h, ""));
            } else {
                out.add(h);
            }
        }
        while (true) {
            Map<Key, List<String>> groups = new LinkedHashMap<>();
            List<Item> next = new ArrayList<>(items.size());
            boolean progress = false;
            for (Item item : items) {
                int end = lastDigitRunEnd(item.head());
                if (end < 0) {
                    next.add(item);
                    continue;
                }
                progress = true;
                int start = end;
                while (start > 0 && Names.isDigit(item.head().charAt(start - 1))) {
                    start--;
                }
                String prefix = item.head().substring(0, start);
                String digits = item.head().substring(start, end);
                String rest = item.head().substring(end) + item.tail();
                if (digits.length() > NamePattern.MAX_DIGITS) {
                    // too long to range over: keep it literal and move on to earlier numbers
                    next.add(new Item(prefix, digits + rest));
                    continue;
                }
                groups.computeIfAbsent(new Key(prefix, rest), k -> new ArrayList<>()).add(digits);
            }
            if (!progress) {
                break;
            }
            for (Map.Entry<Key, List<String>> g : groups.entrySet()) {
                List<String> digits = g.getValue();
                String folded = digits.size() == 1 ? digits.getFirst() : "[" + foldNumbers(digits) + "]";
                next.add(new Item(g.getKey().prefix(), folded + g.getKey().rest()));
            }
            items = next;
        }
        for (Item item : items) {
            out.add(item.head() + item.tail());
        }
        out.sort(NATURAL);
        return List.copyOf(out);
    }

    /**
     * Expands folded text ({@code "db1,wrk[1-20,25] rack[1-2]-node[01-03]"}) into names, in order of
     * appearance, without duplicates. Accepts what {@link #fold} writes: names with numeric ranges, separated
     * by commas or whitespace; no users, ports or globs.
     *
     * @throws HostSpecException naming the bad part, or when the text denotes more than
     *     {@link HostSpec#DEFAULT_MAX_HOSTS} names (checked before any is generated)
     */
    public static List<String> expand(String folded) {
        requireNonNull(folded, "folded is null");
        Where where = Where.spec(folded);
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (SpecParser.Token tok : SpecParser.tokenize(folded, false)) {
            NamePattern pattern = NamePattern.parse(tok.text(), where, tok.offset());
            if (pattern.isGlob()) {
                throw where.fail(tok.offset(), Names.quote(tok.text())
                        + " holds a glob; folded host sets hold names and numeric ranges like web[1-3,7] only");
            }
            long count = pattern.count();
            if (count > HostSpec.DEFAULT_MAX_HOSTS - (long) names.size()) {
                throw where.fail(tok.offset(), String.format("%s expands to %s names, over the limit of %,d",
                        Names.quote(tok.text()), count == Long.MAX_VALUE ? "too many" : String.format("%,d", count),
                        HostSpec.DEFAULT_MAX_HOSTS));
            }
            pattern.expand(names::add);
        }
        return List.copyOf(names);
    }

    /** A partly folded name: {@code head} is plain text still to fold, {@code tail} already folded text. */
    private record Item(String head, String tail) {}

    private record Key(String prefix, String rest) {}

    /** Index just past the last digit of {@code s}, or -1 when it has none. */
    private static int lastDigitRunEnd(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (Names.isDigit(s.charAt(i))) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Folds distinct digit strings into range text such as {@code 1-3,08-11,20}. A zero-padded string of width w
     * (a leading 0) only fits spans of width w; an unpadded one of length L fits width 0 and any width up to L,
     * which lets a padded run continue past its last padded value ({@code 08-11}).
     */
    static String foldNumbers(Collection<String> digitStrings) {
        Map<Integer, long[]> padded = new TreeMap<>();
        Map<Integer, Integer> paddedCount = new HashMap<>();
        long[] unpadded = new long[digitStrings.size()];
        int unpaddedCount = 0;
        for (String d : digitStrings) {
            long v = Long.parseLong(d);
            if (d.length() > 1 && d.charAt(0) == '0') {
                int width = d.length();
                int n = paddedCount.merge(width, 1, Integer::sum);
                long[] values = padded.computeIfAbsent(width, w -> new long[4]);
                if (n > values.length) {
                    values = Arrays.copyOf(values, values.length * 2);
                    padded.put(width, values);
                }
                values[n - 1] = v;
            } else {
                unpadded[unpaddedCount++] = v;
            }
        }
        Arrays.sort(unpadded, 0, unpaddedCount);
        boolean[] used = new boolean[unpaddedCount];
        List<NamePattern.Span> spans = new ArrayList<>();
        for (Map.Entry<Integer, long[]> e : padded.entrySet()) {
            int width = e.getKey();
            long[] values = e.getValue();
            int n = paddedCount.get(width);
            Arrays.sort(values, 0, n);
            List<NamePattern.Span> runs = runs(values, n, null, width);
            NamePattern.Span last = runs.getLast();
            long hi = last.hi();
            // values of at least `width` digits print the same padded or not, so the last run may go on
            int i = Arrays.binarySearch(unpadded, 0, unpaddedCount, hi + 1);
            while (i >= 0 && i < unpaddedCount && !used[i] && unpadded[i] == hi + 1
                    && Long.toString(hi + 1).length() >= width) {
                used[i++] = true;
                hi++;
            }
            runs.set(runs.size() - 1, new NamePattern.Span(last.lo(), hi, width));
            spans.addAll(runs);
        }
        spans.addAll(runs(unpadded, unpaddedCount, used, 0));
        spans.sort(Comparator.comparingLong(NamePattern.Span::lo).thenComparingInt(NamePattern.Span::width));
        StringBuilder b = new StringBuilder();
        for (NamePattern.Span s : spans) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            NamePattern.appendPadded(b, s.lo(), s.width());
            if (s.hi() != s.lo()) {
                b.append('-');
                NamePattern.appendPadded(b, s.hi(), s.width());
            }
        }
        return b.toString();
    }

    /** Runs of consecutive values among the first {@code n} of sorted distinct {@code values}, skipping used ones. */
    private static List<NamePattern.Span> runs(long[] values, int n, boolean[] used, int width) {
        List<NamePattern.Span> runs = new ArrayList<>();
        boolean open = false;
        long lo = 0;
        long hi = 0;
        for (int i = 0; i < n; i++) {
            if (used != null && used[i]) {
                continue;
            }
            long v = values[i];
            if (open && v == hi + 1) {
                hi = v;
                continue;
            }
            if (open) {
                runs.add(new NamePattern.Span(lo, hi, width));
            }
            open = true;
            lo = v;
            hi = v;
        }
        if (open) {
            runs.add(new NamePattern.Span(lo, hi, width));
        }
        return runs;
    }

    /** Natural order: runs of digits compare by value (then by length, so 1 &lt; 01), other characters as chars. */
    static final Comparator<String> NATURAL = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Names.isDigit(ca) && Names.isDigit(cb)) {
                int ei = i;
                while (ei < a.length() && Names.isDigit(a.charAt(ei))) {
                    ei++;
                }
                int ej = j;
                while (ej < b.length() && Names.isDigit(b.charAt(ej))) {
                    ej++;
                }
                int c = compareDigits(a.substring(i, ei), b.substring(j, ej));
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    };

    private static int compareDigits(String x, String y) {
        String sx = stripZeros(x);
        String sy = stripZeros(y);
        if (sx.length() != sy.length()) {
            return Integer.compare(sx.length(), sy.length());
        }
        int c = sx.compareTo(sy);
        return c != 0 ? c : Integer.compare(x.length(), y.length());
    }

    private static String stripZeros(String d) {
        int k = 0;
        while (k < d.length() - 1 && d.charAt(k) == '0') {
            k++;
        }
        return d.substring(k);
    }
}
