package io.drover.cli;

import java.io.File;
import java.util.concurrent.TimeUnit;

/** Terminal facts that need more than a file descriptor check. */
final class Terminals {
    private Terminals() {}

    /** Columns of the terminal: {@code $COLUMNS}, else {@code stty size} on {@code /dev/tty}, else 80. */
    static int columns(CliEnv env) {
        var cols = env.get("COLUMNS");
        if (cols.isPresent() && cols.get().matches("\\d{1,4}")) {
            return Integer.parseInt(cols.get());
        }
        if (!env.stderrTty() || !new File("/dev/tty").canRead()) {
            return 80;
        }
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String s = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor(2, TimeUnit.SECONDS) && s.matches("\\d+ \\d+")) {
                return Integer.parseInt(s.substring(s.indexOf(' ') + 1));
            }
        } catch (java.io.IOException e) {
            // no stty: keep the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }
}
