package io.drover.ssh;

import io.drover.ssh.config.HostConfig;
import java.io.Closeable;
import java.nio.file.FileSystem;

/**
 * An authenticated SSH connection to one host. Thread-safe: many commands may run on it at once (each on its own
 * channel, bounded by the server's {@code MaxSessions}).
 */
public interface SshConnection extends Closeable {

    /** The destination as the caller named it. */
    String destination();

    /** The resolved options used for this connection. */
    HostConfig config();

    /** Starts a command on its own channel. */
    RemoteProcess start(CommandRequest request);

    /**
     * The host's file system over SFTP, as a JDK {@link FileSystem} whose paths are absolute unix paths. Opened on
     * first use and shared; closed with the connection.
     */
    FileSystem fileSystem();

    boolean isOpen();

    /** Closes the connection and every channel on it. Idempotent. */
    @Override
    void close();
}
