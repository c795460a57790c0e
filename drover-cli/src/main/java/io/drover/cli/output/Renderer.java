package io.drover.cli.output;

import io.drover.api.EventListener;
import io.drover.api.RunReport;

/**
 * Shows a run's output while it runs (as an {@link EventListener}: thread-safe, quick, never throws) and, once it
 * is over, what it held back ({@link #finish}). The summary and progress line are separate.
 */
public interface Renderer extends EventListener {

    /** Called once after the run with every host's result: writes what was held back (serial, folded, results). */
    void finish(RunReport<?> report);
}
