package io.drover.cli.output;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;

/** Warnings (always) and retries (with {@code --verbose}) as {@code drover: HOST: ...} lines on standard error. */
public final class Notices implements EventListener {
    private final Screen screen;
    private final Style style;
    private final boolean verbose;

    public Notices(Screen screen, Style style, boolean verbose) {
        this.screen = requireNonNull(screen, "screen is null");
        this.style = requireNonNull(style, "style is null");
        this.verbose = verbose;
    }

    @Override
    public void on(DroverEvent event) {
        switch (event) {
            case DroverEvent.Warning w -> screen.err("drover: " + style.yellow("warning") + ": "
                    + (w.host().equals("*") ? "" : w.host() + ": ") + w.message() + "\n");
            case DroverEvent.Retry r -> {
                if (verbose) {
                    screen.err("drover: " + r.host() + ": attempt " + r.attempt() + " failed (" + r.reason()
                            + "), retrying in " + Durations.format(r.backoff()) + "\n");
                }
            }
            case DroverEvent.DialEnded d -> {
                if (verbose) {
                    screen.err("drover: " + d.host() + ": " + d.error().map(e -> "connect failed: " + e)
                            .orElse("connected") + " (" + Durations.format(d.took()) + ")\n");
                }
            }
            case DroverEvent.DialStarted d -> {}
            case DroverEvent.TaskStarted s -> {}
            case DroverEvent.TaskEnded e -> {}
            case DroverEvent.OutputLine l -> {}
            case DroverEvent.BytesTransferred b -> {}
        }
    }
}
