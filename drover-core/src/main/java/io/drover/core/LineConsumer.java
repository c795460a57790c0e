package io.drover.core;

import io.drover.api.Stream;

/**
 * Receives a remote command's output line by line (see {@link Shell.Builder#lines}). For one command, calls are
 * never concurrent and the lines of each stream arrive in order, each whole (a line longer than 1 MiB arrives as
 * pieces of at most 1 MiB). Called on the engine's reader threads: keep it quick, or the remote command is slowed
 * by SSH flow control. An exception thrown here fails the command.
 */
@FunctionalInterface
public interface LineConsumer {
    void line(Stream stream, String line);
}
