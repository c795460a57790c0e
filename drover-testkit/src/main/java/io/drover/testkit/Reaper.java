package io.drover.testkit;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kills the process groups of embedded hosts' commands when this JVM dies, however it dies.
 *
 * <p>Commands of embedded hosts are children of the JVM, and a child outlives a parent killed with SIGKILL. The reaper
 * is one small {@code sh} per fleet reading a pipe held by the JVM: the JVM writes {@code + PGID} when a command
 * starts (each runs in its own session via {@code setsid}, so its PID is its process group) and {@code - PGID} when
 * it ends. When the pipe reaches EOF (the fleet closed, or the JVM died and the kernel closed the pipe) the reaper
 * sends SIGKILL to every group still listed and exits. The fleet directory is on its command line so that a scan of
 * running processes can find it.
 */
final class Reaper implements AutoCloseable {
    static final boolean SETSID = List.of("/usr/bin/setsid", "/bin/setsid").stream()
            .anyMatch(p -> java.nio.file.Files.isExecutable(Path.of(p)));

    private static final String SCRIPT = String.join("\n",
            "trap '' INT HUP",
            "pids=' '",
            "while read -r op pid; do",
            "  case $op in",
            "    +) pids=\"$pids$pid \" ;;",
            "    -) case \"$pids\" in *\" $pid \"*) pids=\"${pids%% $pid *} ${pids#* $pid }\" ;; esac ;;",
            "  esac",
            "done",
            "for p in $pids; do kill -s KILL -- \"-$p\" 2>/dev/null; done",
            "exit 0");

    private final Process process;
    private final OutputStream pipe;

    private Reaper(Process process) {
        this.process = process;
        this.pipe = process.getOutputStream();
    }

    static Reaper start(Path fleetDir) {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", SCRIPT, "drover-testkit-reaper", fleetDir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Reaper(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the reaper process (/bin/sh)", e);
        }
    }

    /** Registers a command's process group (its PID, as it runs under {@code setsid}). */
    void watch(long pgid) {
        send("+ " + pgid + "\n");
    }

    /** Forgets a process group whose leader has exited. */
    void forget(long pgid) {
        send("- " + pgid + "\n");
    }

    private synchronized void send(String line) {
        try {
            pipe.write(line.getBytes(US_ASCII));
            pipe.flush();
        } catch (IOException e) {
            // the reaper is gone (closed): nothing left to tell it
        }
    }

    long pid() {
        return process.pid();
    }

    /** Closes the pipe: the reaper kills whatever is still registered and exits. Waits up to 5 s for it. */
    @Override
    public synchronized void close() {
        try {
            pipe.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
