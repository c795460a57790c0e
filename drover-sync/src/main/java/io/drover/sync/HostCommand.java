package io.drover.sync;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.CommandRequest;
import io.drover.ssh.ExitStatus;
import io.drover.ssh.RemoteProcess;
import io.drover.ssh.SshConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A command running on one host with its stdout and stderr split into lines on two virtual threads (so the remote
 * side never blocks on a full window), and the last lines of stderr kept for a failure message.
 */
final class HostCommand {
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final String host;
    private final RemoteProcess process;
    private final Lines.Tail stderrTail = new Lines.Tail(20);
    private final Thread outPump;
    private final Thread errPump;

    private HostCommand(String host, RemoteProcess process, Consumer<String> out, Consumer<String> err) {
        this.host = host;
        this.process = process;
        this.outPump = Thread.ofVirtual().name("drover-out-" + host).start(() -> Lines.pump(process.stdout(), out));
        this.errPump = Thread.ofVirtual().name("drover-err-" + host).start(() -> Lines.pump(process.stderr(), line -> {
            stderrTail.accept(line);
            err.accept(line);
        }));
    }

    /**
     * Starts {@code command} on {@code connection}.
     *
     * @throws io.drover.ssh.SshException when the channel cannot be opened
     */
    static HostCommand start(SshConnection connection, String host, String command, Consumer<String> out,
            Consumer<String> err) {
        requireNonNull(command, "command is null");
        RemoteProcess p = connection.start(CommandRequest.of(command));
        return new HostCommand(host, p, out, err);
    }

    String host() {
        return host;
    }

    RemoteProcess process() {
        return process;
    }

    /**
     * Waits for the command to end and its output to be read.
     *
     * @throws io.drover.ssh.SshException when the connection was lost first
     */
    ExitStatus await() throws InterruptedException {
        Optional<ExitStatus> status;
        do {
            status = process.waitFor(Duration.ofSeconds(60));
        } while (status.isEmpty());
        drain();
        return status.get();
    }

    /** Waits (bounded) until both output streams have been read to their end. */
    void drain() throws InterruptedException {
        outPump.join(DRAIN);
        errPump.join(DRAIN);
    }

    String stderrTail() {
        return stderrTail.text();
    }

    String lastStderrLine() {
        return stderrTail.last();
    }

    /** Kills the remote command and everything it started; returns at once (the work runs on a virtual thread). */
    void killAsync() {
        Thread.ofVirtual().name("drover-kill-" + host).start(process::kill);
    }
}
