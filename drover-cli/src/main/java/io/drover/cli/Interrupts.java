package io.drover.cli;

import java.util.concurrent.atomic.AtomicInteger;
import org.jline.utils.Signals;

/**
 * Ctrl-C while a run goes on: the first SIGINT calls the run's cancel action (remote commands are stopped, the
 * summary printed and the run recorded, exit code 130); a second one ends the process at once. Installed only in
 * the real process ({@link Main#main}), never by in-process tests.
 */
final class Interrupts {
    private Interrupts() {}

    /**
     * Calls {@code onFirst} on the first SIGINT until the returned handle is closed.
     *
     * @param enabled false to install nothing (in-process use)
     */
    static Registration onInterrupt(boolean enabled, Runnable onFirst) {
        if (!enabled) {
            return () -> {};
        }
        AtomicInteger count = new AtomicInteger();
        Object previous = Signals.register("INT", () -> {
            if (count.incrementAndGet() == 1) {
                Thread.ofPlatform().name("drover-interrupt").start(onFirst);
            } else {
                Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
            }
        });
        return () -> {
            if (previous != null) {
                Signals.unregister("INT", previous);
            } else {
                Signals.registerDefault("INT");
            }
        };
    }

    /** An installed handler; {@link #close} puts the previous one back. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Ends the process with {@code code}. The one {@code System.exit} of drover. */
    static void exit(int code) {
        System.exit(code);
    }
}
