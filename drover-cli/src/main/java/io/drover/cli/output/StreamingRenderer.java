package io.drover.cli.output;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes each line as it arrives, in the given {@link LineFormat}. With the JSON format it also writes each host's
 * result object when the host ends, and at the end those of hosts that never ran (unreachable, skipped).
 */
public final class StreamingRenderer implements Renderer {
    private final Screen screen;
    private final LineFormat format;
    private final Set<String> resultWritten = ConcurrentHashMap.newKeySet();

    public StreamingRenderer(Screen screen, LineFormat format) {
        this.screen = requireNonNull(screen, "screen is null");
        this.format = requireNonNull(format, "format is null");
    }

    @Override
    public void on(DroverEvent event) {
        switch (event) {
            case DroverEvent.OutputLine l -> format.line(screen, l.host(), l.stream(), l.line());
            case DroverEvent.TaskEnded e -> {
                if (format instanceof LineFormat.Json json && resultWritten.add(e.host())) {
                    json.result(screen, e.result());
                }
            }
            case DroverEvent.DialStarted d -> {}
            case DroverEvent.DialEnded d -> {}
            case DroverEvent.TaskStarted s -> {}
            case DroverEvent.BytesTransferred b -> {}
            case DroverEvent.Retry r -> {}
            case DroverEvent.Warning w -> {}
        }
    }

    @Override
    public void finish(RunReport<?> report) {
        if (format instanceof LineFormat.Json json) {
            for (HostResult<?> r : report.results()) {
                if (resultWritten.add(r.host())) {
                    json.result(screen, r);
                }
            }
        }
        screen.flush();
    }
}
