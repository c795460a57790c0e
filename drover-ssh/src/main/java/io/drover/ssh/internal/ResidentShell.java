package io.drover.ssh.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.ssh.ExitStatus;
import io.drover.ssh.RemoteProcess;
import io.drover.ssh.SshException;
import io.drover.ssh.SshException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.channel.ChannelPipedInputStream;

/**
 * One long-lived session channel running the remote user's login shell ({@code exec "$SHELL" -s}), which runs the
 * commands written to its stdin one after another: a command costs the host one fork of that shell instead of a
 * session channel, an sshd fork and a shell exec.
 *
 * <p>Protocol. Every line the shell writes for drover is a marker {@code \n<nonce>:<seq>:<type><payload>\n} (see
 * {@link FrameReader}), the nonce being 128 random bits chosen per shell and never visible to commands. On start the
 * shell prints {@code R<pid>} (its pid, which is also its session id: sshd made it a session leader). For command
 * {@code seq} drover writes a short script: the command text in single quotes (so any text but NUL is data, never
 * code), then: print {@code S} on stdout and stderr; run {@code ( eval "text" ) </dev/null} in a subshell whose
 * stderr is the channel's; print {@code E<status>[ <signal>]} on stderr, then stdout. The shell's own stderr is
 * /dev/null (so that its reports about the subshells it waits for stay out of commands' output) and the channel's
 * stderr is its fd 9, which commands do not inherit. Output between one command's end and the next one's start
 * (written late by a background process) is discarded.
 *
 * <p>A shell runs one command at a time ({@link #reserve()}); it is retired, never reused, once its channel closes,
 * its shell exits, or a command is killed (killing a command kills the shell's whole session).
 */
final class ResidentShell {
    /** The channel's command, run by the user's login shell as any exec request is. */
    static final String COMMAND = "exec \"${SHELL:-/bin/sh}\" -s";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Pattern SIGNAL = Pattern.compile("(SIG)?([A-Z][A-Z0-9+-]*)");

    /** The shell did not come up: the login shell is not a POSIX shell, or the server forces another command. */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    private final MinaConnection connection;
    private final ChannelExec channel;
    private final String nonce;
    private final long pid;
    private final FrameReader out;
    private final FrameReader err;
    private final OutputStream stdin;
    private final AtomicBoolean busy = new AtomicBoolean(true); // reserved for whoever opened it
    private final AtomicBoolean sessionKilled = new AtomicBoolean();
    /** How the shell itself ended (completed when its channel closes). */
    private final CompletableFuture<ExitStatus> death = new CompletableFuture<>();
    private long seq; // guarded by busy
    private volatile Command current;
    private volatile boolean retired;

    private ResidentShell(MinaConnection connection, ChannelExec channel, String nonce, long pid, FrameReader out) {
        this.connection = connection;
        this.channel = channel;
        this.nonce = nonce;
        this.pid = pid;
        this.out = out;
        this.err = new FrameReader(channel.getInvertedErr(), nonce);
        this.stdin = channel.getInvertedIn();
    }

    /**
     * Opens the channel (not yet opened) and waits until the shell reports ready. The shell returned is reserved for
     * the caller: start a command with {@link #startReserved} or {@link #release()} it.
     *
     * @throws Unsupported when the shell ends or stays silent instead of reporting ready
     * @throws IOException when the channel cannot be opened
     */
    static ResidentShell open(MinaConnection connection, ChannelExec channel, Duration timeout)
            throws IOException, Unsupported {
        AtomicReference<ResidentShell> self = new AtomicReference<>();
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelStateChanged(Channel c, String hint) {
                ResidentShell s = self.get();
                if (s != null) {
                    s.onChannelEvent();
                }
            }

            @Override
            public void channelClosed(Channel c, Throwable reason) {
                ResidentShell s = self.get();
                if (s != null) {
                    s.onChannelEvent();
                }
            }
        });
        channel.open().verify(timeout);
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String nonce = HexFormat.of().formatHex(random);
        FrameReader out = new FrameReader(channel.getInvertedOut(), nonce);
        long pid;
        try {
            OutputStream in = channel.getInvertedIn();
            // fd 9: the channel's stderr, for markers and commands; the shell's own stderr (its reports about the
            // subshells it waits for) goes to /dev/null. bash 5 can name itself as sshd names a command's shell
            // ($0 = "bash", not "/bin/bash").
            in.write(("exec 9>&2 2>/dev/null; case ${BASH_VERSION-} in [5-9]*) BASH_ARGV0=${0##*/};; esac; "
                    + "printf '\\n" + nonce + ":0:R%s\\n' \"$$\"\n").getBytes(US_ASCII));
            in.flush();
            pid = awaitReady(out, channel, timeout);
        } catch (IOException | Unsupported | RuntimeException e) {
            channel.close(true);
            throw e;
        }
        ResidentShell shell = new ResidentShell(connection, channel, nonce, pid, out);
        self.set(shell);
        shell.onChannelEvent(); // in case it ended meanwhile
        return shell;
    }

    private static long awaitReady(FrameReader out, ChannelExec channel, Duration timeout)
            throws IOException, Unsupported {
        InputStream raw = channel.getInvertedOut();
        ChannelPipedInputStream piped = raw instanceof ChannelPipedInputStream p ? p : null;
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] junk = new byte[8192];
        out.lock().lock();
        try {
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new Unsupported("the shell did not answer within " + timeout.toSeconds() + " s");
                }
                if (piped != null) {
                    piped.setTimeout(left);
                }
                int n;
                try {
                    n = out.read(junk, 0, junk.length);
                } catch (java.net.SocketException e) {
                    throw new Unsupported("the shell did not answer within " + timeout.toSeconds() + " s");
                }
                if (n == FrameReader.EOF) {
                    throw new Unsupported("the shell ended at once (" + describe(channel) + ")");
                }
                if (n == FrameReader.MARKER) {
                    FrameReader.Marker m = out.takeMarker();
                    if (m.seq() == 0 && m.type() == 'R' && m.payload().matches("[0-9]{1,10}")) {
                        return Long.parseLong(m.payload());
                    }
                }
                // anything else (rc files' output) is not a command's: dropped
            }
        } finally {
            if (piped != null) {
                piped.setTimeout(0);
            }
            out.lock().unlock();
        }
    }

    private static String describe(ChannelExec channel) {
        channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.EXIT_SIGNAL,
                ClientChannelEvent.CLOSED), 2000);
        Integer code = channel.getExitStatus();
        String signal = channel.getExitSignal();
        return code != null ? "exit " + code : signal != null ? "signal " + signal : "no exit status";
    }

    long pid() {
        return pid;
    }

    /** Whether a command may still start here. */
    boolean usable() {
        return !retired && channel.isOpen() && !channel.isClosing() && channel.getExitStatus() == null
                && channel.getExitSignal() == null;
    }

    /** Takes the shell for one command; false when another command has it. */
    boolean reserve() {
        return busy.compareAndSet(false, true);
    }

    /** Gives the shell back unused. */
    void release() {
        busy.set(false);
    }

    /**
     * Starts {@code command} on this reserved shell; null (and the shell released and retired) when it can no longer
     * take commands, in which case the command has not run.
     */
    RemoteProcess startReserved(String command) {
        if (!usable()) {
            retire();
            busy.set(false);
            return null;
        }
        long k = ++seq;
        Command c = new Command(k, command);
        current = c;
        try {
            stdin.write(script(k, command).getBytes(UTF_8));
            stdin.flush();
        } catch (IOException | RuntimeException e) {
            current = null;
            retire();
            busy.set(false);
            return null;
        }
        return c;
    }

    /** The script that runs command {@code k}. Only the text of {@code command} is quoted data. */
    String script(long k, String command) {
        String m = "\\n" + nonce + ":" + k + ":";
        return "__drover_c=" + quote(command) + "\n"
                + "printf '" + m + "S\\n'; printf '" + m + "S\\n' >&9; "
                + "( unset __drover_s __drover_g; eval \"unset __drover_c; $__drover_c\" ) 2>&9 9>&- </dev/null; "
                + "__drover_s=$?; unset __drover_c; __drover_g=; "
                + "case $__drover_s in 129|1[3-8][0-9]|19[0-2]) __drover_g=\" $(kill -l \"$__drover_s\")\";; esac; "
                + "printf '" + m + "E%s%s\\n' \"$__drover_s\" \"$__drover_g\" >&9; "
                + "printf '" + m + "E%s%s\\n' \"$__drover_s\" \"$__drover_g\"\n";
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** No command may start here any more. */
    void retire() {
        retired = true;
    }

    /**
     * Closes the channel (at once when {@code immediately}: the connection goes next); a command still running is
     * killed with the shell's session.
     */
    void close(boolean immediately) {
        retired = true;
        Command c = current;
        if (c != null && !c.exit.isDone()) {
            c.kill();
        }
        channel.close(immediately);
    }

    /** The channel reported an exit status or closed: retire; end what still depends on it. */
    private void onChannelEvent() {
        boolean ended = channel.getExitStatus() != null || channel.getExitSignal() != null;
        boolean closed = channel.isClosed() || channel.isClosing();
        if (!ended && !closed) {
            return;
        }
        retired = true;
        if (closed) {
            completeDeath();
            return;
        }
        // the shell ended while its channel stays open: processes it left hold the output pipes
        Command c = current;
        if (c != null && !c.exit.isDone()) {
            Thread.ofVirtual().name("drover-resident-kill").start(this::killSession);
        } else {
            Thread.ofVirtual().name("drover-resident-close").start(() -> channel.close(false));
        }
    }

    private void completeDeath() {
        if (death.isDone()) {
            return;
        }
        String signal = channel.getExitSignal();
        Integer code = channel.getExitStatus();
        if (signal != null) {
            death.complete(ExitStatus.signal(signal));
        } else if (!connection.isOpen()) {
            death.completeExceptionally(new SshException(Kind.DISCONNECTED, "connection to "
                    + connection.destination() + " was lost before the command ended"));
        } else if (code != null) {
            death.completeExceptionally(new SshException(Kind.CHANNEL, "the resident shell on "
                    + connection.destination() + " exited (exit " + code + ") before the command ended"));
        } else {
            death.completeExceptionally(new SshException(Kind.CHANNEL, "the resident shell's channel to "
                    + connection.destination() + " closed without an exit status before the command ended"));
        }
    }

    /**
     * Kills every process of the shell's session, the shell included ({@code pkill -KILL -s PID; kill -KILL -- -PID}
     * on a second channel, as an exec command is killed), then closes the channel. The session is only signalled while
     * the channel is open, i.e. while a process of it still holds the channel's pipes, so its id cannot have been
     * reused.
     */
    private void killSession() {
        retired = true;
        if (!sessionKilled.compareAndSet(false, true)) {
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), KILL_WAIT.toMillis());
            return;
        }
        if (!channel.isClosed() && connection.isOpen()) {
            connection.runQuietly("pkill -KILL -s " + pid + " 2>/dev/null; kill -KILL -- -" + pid
                    + " 2>/dev/null; true", KILL_WAIT);
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), KILL_WAIT.toMillis());
        }
        channel.close(false);
        completeDeath();
    }

    /** One command in the shell. */
    private final class Command implements RemoteProcess {
        private final long seq;
        private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        private final AtomicBoolean killed = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final View stdout;
        private final View stderr;
        private volatile boolean ended; // status read from the end marker

        Command(long seq, String command) {
            this.seq = seq;
            this.stdout = new View(out, true);
            this.stderr = new View(err, false);
        }

        @Override
        public OutputStream stdin() {
            return NoStdin.INSTANCE;
        }

        @Override
        public InputStream stdout() {
            return stdout;
        }

        @Override
        public InputStream stderr() {
            return stderr;
        }

        @Override
        public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
            return MinaRemoteProcess.awaitExit(exit, timeout, connection.destination());
        }

        /** Kills the command's whole process tree: the resident shell's session, which is then replaced. */
        @Override
        public void kill() {
            if (!killed.compareAndSet(false, true) || exit.isDone()) {
                return;
            }
            retire();
            killSession();
            exit.complete(ExitStatus.signal("KILL"));
        }

        /** Gives the shell back for the next command, or kills this command when it has not ended. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (!ended) {
                kill();
            }
            if (current == this) {
                current = null;
            }
            busy.set(false);
        }

        private void ended(String payload) {
            String[] parts = payload.split(" ", 2);
            ExitStatus status;
            try {
                int code = Integer.parseInt(parts[0]);
                var sig = parts.length == 2 ? SIGNAL.matcher(parts[1].strip()) : null;
                status = sig != null && sig.matches() ? ExitStatus.signal(sig.group(2)) : ExitStatus.code(code);
            } catch (NumberFormatException e) {
                exit.completeExceptionally(new SshException(Kind.CHANNEL, "the resident shell on "
                        + connection.destination() + " reported a malformed status: " + payload));
                return;
            }
            ended = true;
            exit.complete(status);
        }

        private void endOfStream() {
            death.whenComplete((status, failure) -> {
                if (failure != null) {
                    exit.completeExceptionally(failure);
                } else {
                    exit.complete(status);
                }
            });
        }

        /**
         * One of the command's streams: the shell's stream from this command's start marker to its end marker.
         * Stops without consuming at a later command's marker, so a stale reader never takes the next command's
         * output.
         */
        private final class View extends InputStream {
            private final FrameReader reader;
            private final boolean isStdout;
            private boolean started;
            private boolean done;

            View(FrameReader reader, boolean isStdout) {
                this.reader = reader;
                this.isStdout = isStdout;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                reader.lock().lock();
                try {
                    while (!done) {
                        int n = reader.read(b, off, len);
                        if (n == FrameReader.EOF) {
                            done = true;
                            if (isStdout) {
                                endOfStream();
                            }
                            break;
                        }
                        if (n == FrameReader.MARKER) {
                            FrameReader.Marker m = reader.peekMarker();
                            if (m.seq() > seq) {
                                done = true; // a later command's: leave it to that command
                                break;
                            }
                            reader.takeMarker();
                            if (m.seq() == seq && m.type() == 'S') {
                                started = true;
                            } else if (m.seq() == seq && m.type() == 'E') {
                                done = true;
                                if (isStdout) {
                                    ended(m.payload());
                                }
                            }
                            continue;
                        }
                        if (started) {
                            return n;
                        }
                        // before the start marker: late output of an earlier command, dropped
                    }
                    return -1;
                } finally {
                    reader.lock().unlock();
                }
            }
        }
    }

    /** A resident command's stdin: already at end of file. */
    private static final class NoStdin extends OutputStream {
        static final NoStdin INSTANCE = new NoStdin();

        @Override
        public void write(int b) throws IOException {
            throw new IOException("a command in the resident shell has no stdin (it reads /dev/null)");
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("a command in the resident shell has no stdin (it reads /dev/null)");
        }

        @Override
        public void close() {
            // nothing to close: the command reads /dev/null
        }
    }
}
