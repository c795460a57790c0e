package io.drover.cli.output;

import static java.util.Objects.requireNonNull;

import io.drover.api.HostResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end-of-run summary, written on standard error: counts per outcome, then the hosts that are not ok, grouped
 * by outcome and reason and folded into ranges:
 *
 * <pre>
 * 20 hosts, 3.2s: 16 ok, 2 failed, 1 timed out, 1 unreachable
 *   failed       exit 1              w[5,7]
 *   timed out    after 30s           w9
 *   unreachable  Connection refused  w4
 * </pre>
 */
public final class Summary {
    /** Outcomes in the order the summary lists them. */
    public static final List<String> KINDS = List.of("ok", "failed", "timed_out", "unreachable", "cancelled", "skipped");
    private static final int MAX_GROUPS_PER_KIND = 8;
    private static final int MAX_REASON = 60;

    private final Style style;
    private final Function<List<String>, String> fold;

    public Summary(Style style, Function<List<String>, String> fold) {
        this.style = requireNonNull(style, "style is null");
        this.fold = requireNonNull(fold, "fold is null");
    }

    /** One host's outcome as the summary needs it (from a report or a run record). */
    public record Entry(String host, String kind, String reason) {
        public Entry {
            requireNonNull(host, "host is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(reason, "reason is null");
        }

        public static Entry of(HostResult<?> r) {
            return new Entry(r.host(), Outcomes.kind(r), Outcomes.reason(r));
        }
    }

    /** The counts line alone: {@code 20 hosts, 3.2s: 18 ok, 2 failed}. */
    public String countsLine(List<Entry> entries, Duration took) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String k : KINDS) {
            counts.put(k, 0);
        }
        for (Entry e : entries) {
            counts.merge(e.kind(), 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder();
        b.append(entries.size()).append(entries.size() == 1 ? " host, " : " hosts, ").append(Durations.format(took))
                .append(": ");
        boolean firstPart = true;
        for (var c : counts.entrySet()) {
            if (c.getValue() == 0 && !c.getKey().equals("ok")) {
                continue;
            }
            if (!firstPart) {
                b.append(", ");
            }
            firstPart = false;
            String text = c.getValue() + " " + Outcomes.label(c.getKey());
            b.append(c.getKey().equals("ok") ? (c.getValue() == entries.size() ? style.green(text) : text)
                    : c.getValue() == 0 ? text : colour(c.getKey(), text));
        }
        return b.toString();
    }

    /** The whole summary, each line ending in a newline. */
    public String render(List<Entry> entries, Duration took) {
        StringBuilder b = new StringBuilder(countsLine(entries, took)).append('\n');
        List<String[]> rows = problemRows(entries);
        int kindWidth = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int reasonWidth = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        for (String[] r : rows) {
            b.append("  ").append(colour(r[3], r[0])).append(" ".repeat(kindWidth - r[0].length() + 2))
                    .append(r[1]).append(" ".repeat(reasonWidth - r[1].length() + 2))
                    .append(style.host(r[2])).append('\n');
        }
        return b.toString();
    }

    /** Rows of {@code label, reason, folded hosts, kind}, in summary order. */
    private List<String[]> problemRows(List<Entry> entries) {
        Map<String, Map<String, List<String>>> byKind = new LinkedHashMap<>();
        for (String k : KINDS) {
            byKind.put(k, new LinkedHashMap<>());
        }
        Map<String, String> firstReason = new HashMap<>();
        for (Entry e : entries) {
            if (!e.kind().equals("ok")) {
                String key = generic(e.reason(), e.host());
                byKind.computeIfAbsent(e.kind(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(key, r -> new ArrayList<>()).add(e.host());
                firstReason.putIfAbsent(e.kind() + '\0' + key, e.reason());
            }
        }
        List<String[]> rows = new ArrayList<>();
        for (var kind : byKind.entrySet()) {
            List<Map.Entry<String, List<String>>> groups = new ArrayList<>(kind.getValue().entrySet());
            groups.sort(Comparator.comparingInt((Map.Entry<String, List<String>> g) -> -g.getValue().size()));
            String label = Outcomes.label(kind.getKey());
            int shown = 0;
            List<String> rest = new ArrayList<>();
            int restReasons = 0;
            for (var g : groups) {
                if (shown < MAX_GROUPS_PER_KIND || groups.size() == MAX_GROUPS_PER_KIND + 1) {
                    // one host: its own words; several: the reason with their names and addresses left out
                    String reason = g.getValue().size() == 1
                            ? firstReason.get(kind.getKey() + '\0' + g.getKey()) : g.getKey();
                    rows.add(new String[] {label, shorten(reason), fold.apply(g.getValue()), kind.getKey()});
                    shown++;
                } else {
                    rest.addAll(g.getValue());
                    restReasons++;
                }
            }
            if (!rest.isEmpty()) {
                rows.add(new String[] {label, "(" + restReasons + " other reasons)", fold.apply(rest), kind.getKey()});
            }
        }
        return rows;
    }

    private static final Pattern ADDRESS = Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?\\b");

    /**
     * The reason with what is particular to one host replaced ({@code {host}}, {@code {addr}}), so that hosts that
     * failed the same way group together: {@code connect to 10.0.0.7:22 (web7): Connection refused} becomes
     * {@code connect to {addr} ({host}): Connection refused}.
     */
    static String generic(String reason, String host) {
        String r = reason;
        if (!host.isEmpty()) {
            r = Pattern.compile("(?<![\\w.-])" + Pattern.quote(host) + "(?![\\w.-])").matcher(r)
                    .replaceAll(Matcher.quoteReplacement("{host}"));
        }
        return ADDRESS.matcher(r).replaceAll(Matcher.quoteReplacement("{addr}"));
    }

    private static String shorten(String reason) {
        String oneLine = reason.replace('\n', ' ').replace('\r', ' ').strip();
        return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON - 3) + "...";
    }

    private String colour(String kind, String text) {
        return switch (kind) {
            case "failed", "unreachable" -> style.red(text);
            case "timed_out", "cancelled" -> style.yellow(text);
            default -> style.dim(text);
        };
    }
}
