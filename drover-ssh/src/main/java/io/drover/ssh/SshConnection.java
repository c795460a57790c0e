package io.drover.ssh;

import io.drover.ssh.config.HostConfig;
import java.io.Closeable;
import java.nio.file.FileSystem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An authenticated SSH connection to one host. Thread-safe: many commands may run on it at once (each on its own
 * channel, bounded by the server's {@code MaxSessions}).
 */
public interface SshConnection extends Closeable {

    /** The destination as the caller named it. */
    String destination();

    /** The resolved options used for this connection. */
    HostConfig config();

    /**
     * Starts a command: on a channel of its own, or, for a {@link CommandRequest#resident() resident} request, in
     * this connection's resident shell when that shell is free.
     *
     * <p>The resident shell is one long-lived session channel per connection running the user's login shell
     * ({@code exec "$SHELL" -s}, opened by the first resident request), to which successive commands are written:
     * each runs as {@code ( eval 'command' ) </dev/null} in a fresh subshell, so a command costs the host one fork
     * instead of a channel, an sshd fork and a shell start. Output is framed by marker lines carrying a random
     * per-shell nonce that commands never see: stdout and stderr arrive separately, byte for byte (binary, without
     * trailing newline, of any size, streamed). What differs from a channel of its own:
     * <ul>
     *   <li>{@code cd}, {@code export}, {@code set}, {@code exit}, traps and {@code exec} redirections stay inside the
     *       command's subshell, but {@code $$} and {@code $PPID} are the resident shell's, not the command's;
     *   <li>the exit status is the subshell's: a status of 129 to 192 is reported as the signal 128+n (the shell
     *       cannot tell {@code exit 130} from death by SIGINT); when the command's last process dies of a signal the
     *       subshell may print the shell's report of it ({@code Terminated}) on stderr, as a shell does for any but
     *       its last command; a command killing the resident shell itself (e.g. {@code kill -9 $$}) ends with that
     *       shell's signal; {@code $0} is the shell's name under bash 5 and its path under other shells;
     *   <li>a process the command leaves in the background keeps the shell's output pipes: what it writes before
     *       the next command starts is dropped, what it writes while a later command runs is part of that command's
     *       output (on a channel of its own it would keep the command from ending instead); redirect it;
     *   <li>{@link RemoteProcess#kill()} kills the resident shell's whole session: the command's process tree and
     *       whatever earlier commands left running in the background; the next resident request opens a new shell;
     *   <li>the exit status is known once stdout has been read to its end.
     * </ul>
     * A resident request runs on a channel of its own (its stdin closed at once) when the resident shell is busy
     * with another command (commands are never queued), being opened, or cannot run here (the login shell exits or
     * stays silent instead of answering: a non-POSIX shell, a {@code ForceCommand}; reported once as a warning).
     */
    RemoteProcess start(CommandRequest request);

    /**
     * The host's file system over SFTP, as a JDK {@link FileSystem} whose paths are absolute unix paths. Opened on
     * first use and shared; closed with the connection.
     */
    FileSystem fileSystem();

    /**
     * Closes the SFTP file system at once, without waiting for the host: reads, writes and stream closes under way
     * on it fail at once instead of waiting for a host that may never answer (a frozen host, a cancelled transfer).
     * The next {@link #fileSystem()} opens a new one. Nothing happens when none is open.
     */
    void abortFileSystem();

    boolean isOpen();

    /** Closes the connection and every channel on it. Idempotent. */
    @Override
    void close();

    /**
     * Closes every connection, all at once: closing one whose host stopped answering waits a little (for its open
     * channels to close politely), and those waits run side by side rather than one after another.
     */
    static void closeAll(Collection<? extends SshConnection> connections) {
        List<Thread> closers = new ArrayList<>(connections.size());
        for (SshConnection c : connections) {
            closers.add(Thread.ofVirtual().name("drover-close-" + c.destination()).start(() -> {
                try {
                    c.close();
                } catch (RuntimeException ignored) {
                    // closing a broken connection: nothing more to do
                }
            }));
        }
        boolean interrupted = false;
        for (Thread t : closers) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // every close ends within its own bound
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
