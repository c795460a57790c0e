package io.drover.cli;

import io.drover.api.EventListener;
import io.drover.api.RunReport;
import io.drover.cli.output.FoldRenderer;
import io.drover.cli.output.Fanout;
import io.drover.cli.output.HostTable;
import io.drover.cli.output.LineFormat;
import io.drover.cli.output.Notices;
import io.drover.cli.output.OutDirRenderer;
import io.drover.cli.output.Progress;
import io.drover.cli.output.Renderer;
import io.drover.cli.output.Screen;
import io.drover.cli.output.SerialRenderer;
import io.drover.cli.output.StreamingRenderer;
import io.drover.cli.output.Style;
import io.drover.cli.output.Summary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a run shows: the output renderer chosen by the options, warnings, the progress line (terminal only)
 * and the summary, all through one {@link Screen}.
 */
final class RunOutput implements AutoCloseable {
    private final OutputOptions options;
    private final Screen screen;
    private final Renderer renderer;
    private final Progress progress;
    private final Fanout listener;
    private final Style errStyle;

    RunOutput(OutputOptions options, CliEnv env, PrintWriter out, PrintWriter err, List<String> hosts,
            boolean verbose) {
        this.options = options;
        boolean noColor = env.get("NO_COLOR").isPresent();
        Style outStyle = Style.of(options.color, env.stdoutTty(), noColor);
        this.errStyle = Style.of(options.color, env.stderrTty(), noColor);
        boolean statusLine = env.stderrTty() && !options.noProgress;
        this.screen = new Screen(out, err, env.stdoutTty(), statusLine, Terminals.columns(env), 10);
        HostTable table = new HostTable(hosts, outStyle);
        LineFormat format = options.json ? new LineFormat.Json()
                : options.quiet ? new LineFormat.Raw()
                : new LineFormat.Prefixed(table);
        if (options.outDir != null) {
            renderer = new OutDirRenderer(options.outDir, screen);
        } else if (options.fold) {
            renderer = new FoldRenderer(screen, table, outStyle, Folding::fold);
        } else if (options.serial) {
            renderer = new SerialRenderer(screen, format, table);
        } else {
            renderer = new StreamingRenderer(screen, format);
        }
        List<EventListener> listeners = new ArrayList<>();
        listeners.add(renderer);
        listeners.add(new Notices(screen, errStyle, verbose));
        if (statusLine) {
            progress = new Progress(screen, hosts.size(), System::nanoTime).start(Duration.ofMillis(200));
            listeners.add(progress);
        } else {
            progress = null;
        }
        listener = new Fanout(listeners);
    }

    EventListener listener() {
        return listener;
    }

    Screen screen() {
        return screen;
    }

    /** Shown on the status line while a cancelled run winds down. */
    void phase(String text) {
        if (progress != null) {
            progress.phase(text);
        } else {
            screen.err("drover: " + text + "\n");
            screen.flush();
        }
    }

    /**
     * Ends the live display, writes what the renderer held back, then the summary on standard error (in quiet mode
     * only when a host is not ok).
     */
    void finish(RunReport<?> report, List<String> trailer) {
        finish(report, report.duration(), trailer);
    }

    /** As {@link #finish(RunReport, List)}, with the summary showing {@code wall} as the run's time. */
    void finish(RunReport<?> report, Duration wall, List<String> trailer) {
        if (progress != null) {
            progress.close();
        }
        renderer.finish(report);
        List<Summary.Entry> entries = report.results().stream().map(Summary.Entry::of).toList();
        if (!options.quiet || !report.allOk()) {
            screen.err(new Summary(errStyle, Folding::fold).render(entries, wall));
        }
        for (String line : trailer) {
            screen.err(line + "\n");
        }
        listener.failure().ifPresent(e -> screen.err("drover: internal error while showing output: " + e + "\n"));
        screen.flush();
    }

    Style errStyle() {
        return errStyle;
    }

    @Override
    public void close() {
        if (progress != null) {
            progress.close();
        }
        screen.close();
    }
}
