package io.drover.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.api.DroverEvent;
import io.drover.api.Stream;
import io.drover.core.internal.LineSplitter;
import io.drover.core.internal.Tail;
import io.drover.ssh.CommandRequest;
import io.drover.ssh.ExitStatus;
import io.drover.ssh.RemoteProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one {@link Shell} on a host: starts it, feeds stdin, drains stdout (on the calling thread) and stderr (on a
 * virtual thread) chunk by chunk into line splitters, waits for the exit status, and maps it to a result or an
 * exception. Memory per command is bounded: two 64 KiB buffers, a line being assembled per stream, the stderr tail,
 * and captured stdout up to its limit.
 */
final class ShellRunner {
    private static final int CHUNK = 64 * 1024;

    private ShellRunner() {}

    static CommandResult run(HostSession s, Shell shell) {
        InputStream input = openStdin(s, shell);
        RemoteProcess p;
        try {
            p = s.start(request(s, shell));
        } catch (RuntimeException e) {
            closeInput(shell, input);
            throw e;
        }
        Output out = new Output(s, shell);
        Thread stdinPump = null;
        Thread stderrPump = null;
        try {
            if (input == null) {
                closeStdin(p);
            } else {
                stdinPump = Thread.ofVirtual().name("drover-stdin-" + s.name()).start(() -> feed(input, p));
            }
            stderrPump = Thread.ofVirtual().name("drover-stderr-" + s.name())
                    .start(() -> out.drainCatching(p, p.stderr(), Stream.STDERR));
            out.drain(p.stdout(), Stream.STDOUT);
            stderrPump.join();
            out.rethrow();
            ExitStatus status = await(s, p);
            s.checkUsable();
            return result(s, shell, status, out);
        } catch (InterruptedException e) {
            p.kill();
            throw s.interrupted();
        } catch (IOException e) {
            p.kill();
            s.checkUsable();
            throw new DroverException("reading the output of `" + abbreviate(shell.command()) + "` on " + s.name()
                    + " failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            p.kill();
            if (!(e instanceof CancellationException)) {
                s.checkUsable(); // a failure caused by a stop reads as the stop
            }
            throw e;
        } finally {
            p.close();
            s.release(p);
            if (stderrPump != null) {
                joinQuietly(stderrPump);
            }
            if (stdinPump != null) {
                stdinPump.interrupt();
            }
            closeInput(shell, input);
        }
    }

    /** The resident shell serves commands that need neither stdin nor a pty. */
    private static CommandRequest request(HostSession s, Shell shell) {
        if (s.residentShell() && !shell.pty() && shell.stdin() instanceof Shell.Stdin.None) {
            return CommandRequest.resident(shell.remoteCommand());
        }
        return new CommandRequest(shell.remoteCommand(), shell.pty(), Map.of());
    }

    private static CommandResult result(HostSession s, Shell shell, ExitStatus status, Output out) {
        String tail = out.tail.text();
        if (shell.sudo() && status.code().orElse(0) == 1 && sudoWantsPassword(tail)) {
            throw new CommandFailedException(s.name(), shell.command(), status, tail, "sudo requires a password on "
                    + s.name() + " (sudo -n does not prompt: allow NOPASSWD for this command, or run it without sudo)");
        }
        if (!status.success() && shell.check()) {
            throw new CommandFailedException(s.name(), shell.command(), status, tail,
                    "`" + abbreviate(shell.command()) + "` failed on " + s.name() + ": " + status);
        }
        String stdout = out.capture == null ? "" : out.capture.toString(UTF_8);
        return new CommandResult(status, stdout, tail);
    }

    /** Whether stderr shows that {@code sudo -n} refused because it would have to ask for a password. */
    static boolean sudoWantsPassword(String stderr) {
        return stderr.contains("sudo: a password is required") || stderr.contains("sudo: a terminal is required")
                || stderr.contains("sudo: no tty present");
    }

    private static ExitStatus await(HostSession s, RemoteProcess p) throws InterruptedException {
        while (true) {
            Optional<ExitStatus> status = p.waitFor(Duration.ofMinutes(1));
            if (status.isPresent()) {
                return status.get();
            }
            s.checkUsable();
        }
    }

    private static InputStream openStdin(HostSession s, Shell shell) {
        return switch (shell.stdin()) {
            case Shell.Stdin.None n -> null;
            case Shell.Stdin.Bytes b -> new ByteArrayInputStream(b.bytes());
            case Shell.Stdin.File f -> {
                try {
                    yield Files.newInputStream(f.file());
                } catch (IOException e) {
                    throw new DroverException("cannot read stdin file " + f.file() + " for `"
                            + abbreviate(shell.command()) + "` on " + s.name() + ": " + e, e);
                }
            }
            case Shell.Stdin.Stream st -> {
                if (st.used().getAndSet(true)) {
                    throw new IllegalStateException("the stdin stream of " + shell
                            + " was read by an earlier run; give each run its own stream, or use bytes or a file");
                }
                yield st.in();
            }
        };
    }

    private static void closeInput(Shell shell, InputStream input) {
        if (input != null && !(shell.stdin() instanceof Shell.Stdin.Stream)) {
            HostSession.closeQuietly(input);
        }
    }

    private static void feed(InputStream input, RemoteProcess p) {
        try (OutputStream o = p.stdin()) {
            input.transferTo(o);
        } catch (IOException | RuntimeException ignored) {
            // the command may end without reading all of its stdin; its exit status says how it went
        }
    }

    private static void closeStdin(RemoteProcess p) {
        try {
            p.stdin().close();
        } catch (IOException ignored) {
            // the channel is already closed: the command ended
        }
    }

    private static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static String abbreviate(String command) {
        String first = command.strip();
        int nl = first.indexOf('\n');
        if (nl >= 0) {
            first = first.substring(0, nl) + " ...";
        }
        return first.length() > 120 ? first.substring(0, 117) + "..." : first;
    }

    /** The output side of one command: line delivery, stderr tail, captured stdout. */
    private static final class Output {
        private final HostSession session;
        private final Shell shell;
        private final Events events;
        private final boolean emit;
        private final Tail tail = Tail.standard();
        private final ByteArrayOutputStream capture;
        private final AtomicReference<Throwable> stderrError = new AtomicReference<>();

        Output(HostSession session, Shell shell) {
            this.session = session;
            this.shell = shell;
            this.events = session.events();
            this.emit = shell.emitLines() && events.enabled();
            this.capture = shell.captureLimit() >= 0 ? new ByteArrayOutputStream(Math.min(shell.captureLimit(), 8192)) : null;
        }

        void drainCatching(RemoteProcess p, InputStream in, Stream stream) {
            try {
                drain(in, stream);
            } catch (IOException | RuntimeException | Error e) {
                stderrError.set(e);
                p.kill(); // unblocks the stdout reader
            }
        }

        void rethrow() throws IOException {
            Throwable e = stderrError.get();
            switch (e) {
                case null -> {}
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IllegalStateException(e);
            }
        }

        void drain(InputStream in, Stream stream) throws IOException {
            boolean lines = stream == Stream.STDERR || emit || shell.lines().isPresent();
            LineSplitter splitter = lines
                    ? new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES, line -> deliver(stream, line))
                    : null;
            boolean capturing = stream == Stream.STDOUT && capture != null;
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (capturing) {
                    if (capture.size() + (long) n > shell.captureLimit()) {
                        throw new DroverException("stdout of `" + abbreviate(shell.command()) + "` on " + session.name()
                                + " exceeded the limit of " + shell.captureLimit() + " bytes");
                    }
                    capture.write(buf, 0, n);
                }
                if (splitter != null) {
                    splitter.feed(buf, 0, n);
                }
            }
            if (splitter != null) {
                splitter.finish();
            }
        }

        private void deliver(Stream stream, String line) {
            if (stream == Stream.STDERR) {
                tail.add(line);
            }
            if (!emit && shell.lines().isEmpty()) {
                return;
            }
            synchronized (this) {
                if (shell.lines().isPresent()) {
                    shell.lines().get().line(stream, line);
                }
                if (emit) {
                    events.emit(new DroverEvent.OutputLine(events.now(), session.name(), stream, line));
                }
            }
        }
    }
}
