package io.drover.cli;

import io.drover.cli.output.Durations;
import io.drover.cli.output.Style;
import io.drover.cli.output.Summary;
import io.drover.cli.runs.RunRecord;
import io.drover.cli.runs.RunStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code drover runs}: the runs drover remembers. */
@Command(name = "runs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List recorded runs, newest first, or show one run.",
            "Every run and download is recorded in $XDG_STATE_HOME/drover/runs (default ~/.local/state/drover/runs);"
                + " the newest " + RunStore.KEEP + " are kept."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover runs                  # the last 20 runs",
            "  drover runs last             # hosts and results of the newest run",
            "  drover runs 20250307-1425    # a run by (a unique prefix of) its id",
            "  drover runs last --json | jq -r '.hosts[] | select(.result != \"ok\").host'",
            "  drover run --retry-failed 20250307-1425   # run it again on its failed hosts"
        })
final class RunsCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @ParentCommand
    Main main;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "RUN", description = "Show this run: an id, a unique prefix of one, "
            + "or 'last'.")
    String run;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "20",
            description = "List at most N runs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the record(s) as JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new UsageException("--limit " + limit + " must be at least 1");
        }
        RunStore store = new RunStore(main.env().stateDir().resolve("runs"), InstantSource.system());
        PrintWriter out = spec.commandLine().getOut();
        if (run != null) {
            show(store.find(run), out);
        } else if (json) {
            List<RunRecord> records = store.list(limit);
            for (RunRecord r : records) {
                out.println(Records.toJsonLine(r));
            }
        } else {
            list(store, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void list(RunStore store, PrintWriter out) {
        List<RunRecord> records = store.list(limit);
        if (records.isEmpty()) {
            spec.commandLine().getErr().println("drover: no runs recorded yet in " + store.directory());
            spec.commandLine().getErr().flush();
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "STARTED", "TOOK", "HOSTS", "RESULT", "COMMAND"});
        for (RunRecord r : records) {
            rows.add(new String[] {r.id(), WHEN.format(r.started().atZone(ZoneId.systemDefault())),
                Durations.format(Duration.ofMillis(r.durationMs())), String.valueOf(r.hosts().size()),
                result(r), commandLine(r)});
        }
        int[] w = new int[6];
        for (String[] row : rows) {
            for (int i = 0; i < 5; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                boolean right = i == 2 || i == 3;
                String pad = " ".repeat(w[i] - row[i].length());
                b.append(right ? pad + row[i] : row[i] + pad).append("  ");
            }
            out.println(b.append(row[5]));
        }
    }

    static String result(RunRecord r) {
        if (r.interrupted()) {
            return "interrupted";
        }
        Map<String, Integer> c = r.counts();
        if (c.getOrDefault("ok", 0) == r.hosts().size()) {
            return "ok";
        }
        List<String> parts = new ArrayList<>();
        for (String kind : Summary.KINDS) {
            if (!kind.equals("ok") && c.containsKey(kind)) {
                parts.add(c.get(kind) + " " + kind.replace('_', ' '));
            }
        }
        return String.join(", ", parts);
    }

    static String commandLine(RunRecord r) {
        return r.command() + " " + (r.command().equals("run") ? "-- " : "") + String.join(" ", r.args());
    }

    private void show(RunRecord r, PrintWriter out) {
        if (json) {
            out.println(Records.toJsonLine(r));
            return;
        }
        out.println("run       " + r.id() + (r.interrupted() ? " (interrupted)" : ""));
        out.println("started   " + WHEN.format(r.started().atZone(ZoneId.systemDefault())) + ", took "
                + Durations.format(Duration.ofMillis(r.durationMs())) + ", exit code " + r.exitCode());
        out.println("hosts     " + r.selection().describe());
        out.println("command   drover " + commandLine(r));
        List<Summary.Entry> entries = r.hosts().stream()
                .map(h -> new Summary.Entry(h.host(), h.result(), reason(h))).toList();
        out.print(new Summary(Style.PLAIN, Folding::fold).render(entries, Duration.ofMillis(r.durationMs())));
    }

    static String reason(RunRecord.HostEntry h) {
        if (h.result().equals("failed")) {
            if (h.exitCode() != null) {
                return "exit " + h.exitCode();
            }
            if (h.signal() != null) {
                return "signal " + h.signal();
            }
        }
        if (h.result().equals("timed_out") && h.error() != null && h.error().startsWith("timed out ")) {
            return h.error().substring("timed out ".length());
        }
        return h.error() == null ? "" : h.error();
    }
}
