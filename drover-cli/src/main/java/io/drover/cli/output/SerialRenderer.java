package io.drover.cli.output;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One host's whole output at a time, hosts in the order given: a host's lines are held back (in a {@link Spool})
 * until every host before it has ended, then written in one piece in the {@link LineFormat}. The first host
 * streams live. Output of hosts that never ran a task is written at the end.
 */
public final class SerialRenderer implements Renderer {
    private final Screen screen;
    private final LineFormat format;
    private final HostTable table;
    private final Spool.Budget budget;
    /** Held-back output by host; guarded by {@link #turn}. */
    private final Map<String, Spool> spools = new HashMap<>();
    private final boolean[] ended;
    private final Object turn = new Object();
    /** Index of the host whose output is written now; guarded by {@link #turn}. */
    private int current;

    public SerialRenderer(Screen screen, LineFormat format, HostTable table) {
        this(screen, format, table, Spool.Budget.standard());
    }

    SerialRenderer(Screen screen, LineFormat format, HostTable table, Spool.Budget budget) {
        this.screen = requireNonNull(screen, "screen is null");
        this.format = requireNonNull(format, "format is null");
        this.table = requireNonNull(table, "table is null");
        this.budget = budget;
        this.ended = new boolean[table.size()];
    }

    @Override
    public void on(DroverEvent event) {
        switch (event) {
            case DroverEvent.OutputLine l -> line(l);
            case DroverEvent.TaskEnded e -> ended(e.host());
            case DroverEvent.DialEnded d -> {
                if (d.error().isPresent()) {
                    ended(d.host());
                }
            }
            case DroverEvent.DialStarted d -> {}
            case DroverEvent.TaskStarted s -> {}
            case DroverEvent.BytesTransferred b -> {}
            case DroverEvent.Retry r -> {}
            case DroverEvent.Warning w -> {}
        }
    }

    private void line(DroverEvent.OutputLine l) {
        int i = table.indexOf(l.host());
        synchronized (turn) {
            if (i == current || i < 0) {
                // the host whose turn it is streams live (unknown hosts too: nothing to wait for)
                format.line(screen, l.host(), l.stream(), l.line());
            } else {
                spools.computeIfAbsent(l.host(), h -> new Spool(budget, h)).add(l.stream(), l.line());
            }
        }
    }

    private void ended(String host) {
        int i = table.indexOf(host);
        synchronized (turn) {
            if (i >= 0) {
                ended[i] = true;
            }
            advance();
        }
    }

    /** Under {@link #turn}: moves past every ended host, writing the next one's spooled output. */
    private void advance() {
        while (current < ended.length && ended[current]) {
            current++;
            if (current < ended.length) {
                drain(table.hosts().get(current));
            }
        }
    }

    private void drain(String host) {
        Spool s = spools.remove(host);
        if (s != null) {
            s.replay((stream, line) -> format.line(screen, host, stream, line));
            s.delete();
        }
    }

    @Override
    public void finish(RunReport<?> report) {
        synchronized (turn) {
            java.util.Arrays.fill(ended, true);
            if (current < ended.length) {
                drain(table.hosts().get(current));
            }
            advance();
            for (String host : List.copyOf(spools.keySet())) {
                drain(host);
            }
        }
        if (format instanceof LineFormat.Json json) {
            for (HostResult<?> r : report.results()) {
                json.result(screen, r);
            }
        }
        screen.flush();
        budget.close();
    }
}
