package io.drover.ssh;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * A command running on a remote host over one SSH channel. Streams must be drained by the caller (or the remote
 * side blocks once the SSH window fills). Thread-safe: one thread may write stdin while others read the outputs.
 */
public interface RemoteProcess extends Closeable {

    /** The command's standard input; closing it sends EOF. */
    OutputStream stdin();

    /** The command's standard output (with a pty, stderr too). */
    InputStream stdout();

    /** The command's standard error (empty with a pty). */
    InputStream stderr();

    /**
     * Waits for the command to end.
     *
     * @return the exit status, or empty when {@code timeout} passed first (the command keeps running)
     * @throws SshException when the connection was lost before the command ended
     */
    Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException;

    /**
     * Stops the command and every process it started on the host (its whole process group), then closes the
     * channel. Waits for the host to confirm, 10 s at most in all (a host that stopped answering never does).
     * Idempotent; safe to call from any thread, also while another thread waits.
     */
    void kill();

    /** Closes the channel; a command still running is killed as by {@link #kill()}. */
    @Override
    void close();
}
