package io.drover.cli.output;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.api.Stream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Identical outputs folded together, as {@code dshbak -c} and {@code clubak} do: at the end, each distinct output is
 * written once under a header naming its hosts as ranges ({@code web[1-20,25] (21)}). Hosts fold together only when
 * their output is identical line for line (both streams, in order) and they ended the same way (same outcome and
 * exit code). Standard error lines are marked {@code ! }. Hosts without output are left to the summary.
 *
 * <p>Memory: each host's output is spooled while it runs; when it ends it is compared with the groups seen so far
 * and dropped if it matches one, so a fleet with one common output holds that output once.
 */
public final class FoldRenderer implements Renderer {
    private static final char[] NONE = {};
    private static final char[] ERR_MARK = {'!', ' '};

    private final Screen screen;
    private final HostTable table;
    private final Style style;
    private final Function<List<String>, String> fold;
    private final Spool.Budget budget;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final Map<String, Spool> running = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private final Map<String, List<Group>> groups = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private final List<Group> order = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private final java.util.Set<String> done = new java.util.HashSet<>();

    private static final class Group {
        final Spool output;
        final String outcome;
        final List<String> hosts = new ArrayList<>();
        int first;

        Group(Spool output, String outcome) {
            this.output = output;
            this.outcome = outcome;
        }
    }

    /**
     * @param fold turns host names into one folded string ({@code web[1-3]})
     */
    public FoldRenderer(Screen screen, HostTable table, Style style, Function<List<String>, String> fold) {
        this(screen, table, style, fold, Spool.Budget.standard());
    }

    FoldRenderer(Screen screen, HostTable table, Style style, Function<List<String>, String> fold,
            Spool.Budget budget) {
        this.screen = requireNonNull(screen, "screen is null");
        this.table = requireNonNull(table, "table is null");
        this.style = requireNonNull(style, "style is null");
        this.fold = requireNonNull(fold, "fold is null");
        this.budget = budget;
    }

    @Override
    public void on(DroverEvent event) {
        switch (event) {
            case DroverEvent.OutputLine l -> {
                Spool s;
                synchronized (lock) {
                    s = done.contains(l.host()) ? null : running.computeIfAbsent(l.host(), h -> new Spool(budget, h));
                }
                if (s != null) {
                    s.add(l.stream(), l.line());
                }
            }
            case DroverEvent.TaskEnded e -> ended(e.result());
            case DroverEvent.DialStarted d -> {}
            case DroverEvent.DialEnded d -> {}
            case DroverEvent.TaskStarted s -> {}
            case DroverEvent.BytesTransferred b -> {}
            case DroverEvent.Retry r -> {}
            case DroverEvent.Warning w -> {}
        }
    }

    private void ended(HostResult<?> result) {
        synchronized (lock) {
            if (!done.add(result.host())) {
                return;
            }
            Spool s = running.remove(result.host());
            if (s == null || s.isEmpty()) {
                return;
            }
            String outcome = Outcomes.foldKey(result);
            List<Group> candidates = groups.computeIfAbsent(outcome + '\0' + s.hash(), k -> new ArrayList<>(1));
            for (Group g : candidates) {
                if (g.output.sameContent(s)) {
                    g.hosts.add(result.host());
                    s.delete();
                    return;
                }
            }
            Group g = new Group(s, outcome);
            g.hosts.add(result.host());
            candidates.add(g);
            order.add(g);
        }
    }

    private static String header(String names, Group g, Style style) {
        return style.host(names) + " (" + g.hosts.size() + (g.outcome.isEmpty() ? "" : ", " + style.red(g.outcome))
                + ")";
    }

    @Override
    public void finish(RunReport<?> report) {
        List<Group> sorted;
        synchronized (lock) {
            for (HostResult<?> r : report.results()) {
                ended(r);
            }
            for (Group g : order) {
                g.first = g.hosts.stream().mapToInt(table::indexOf).filter(i -> i >= 0).min().orElse(Integer.MAX_VALUE);
            }
            sorted = new ArrayList<>(order);
        }
        sorted.sort(Comparator.comparingInt(g -> g.first));
        List<String> names = new ArrayList<>(sorted.size());
        int width = 16;
        for (Group g : sorted) {
            String n = fold.apply(g.hosts);
            names.add(n);
            width = Math.max(width, header(n, g, Style.PLAIN).length());
        }
        String rule = "-".repeat(Math.min(width, 100)) + "\n";
        char[] errMark = style.enabled() ? style.red("!").concat(" ").toCharArray() : ERR_MARK;
        for (int i = 0; i < sorted.size(); i++) {
            Group g = sorted.get(i);
            screen.out(rule + header(names.get(i), g, style) + "\n" + rule);
            g.output.replay((stream, line) -> screen.outLine(stream == Stream.STDOUT ? NONE : errMark, line));
            g.output.delete();
        }
        screen.flush();
        budget.close();
    }
}
