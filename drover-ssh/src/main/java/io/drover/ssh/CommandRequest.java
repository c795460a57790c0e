package io.drover.ssh;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A command to start on a remote host.
 *
 * @param command the command line, run by the remote user's shell exactly as {@code ssh host command} would
 * @param pty whether to allocate a pseudo-terminal (stdout and stderr then arrive merged on stdout)
 * @param env environment variables to pass; sent as {@code env} requests, which sshd only honours when its
 *     {@code AcceptEnv} allows them, so callers that must set them unconditionally prefix the command instead
 * @param resident whether the command may run in the connection's resident shell instead of a channel of its own
 *     (see {@link SshConnection#start}); such a command gets no stdin (it reads end of file at once), no pty and no
 *     env requests
 */
public record CommandRequest(String command, boolean pty, Map<String, String> env, boolean resident) {
    public CommandRequest {
        requireNonNull(command, "command is null");
        env = Map.copyOf(env);
        if (resident && (pty || !env.isEmpty())) {
            throw new IllegalArgumentException("a command for the resident shell can have neither a pty (" + pty
                    + ") nor env requests (" + env.keySet() + "): start it on a channel of its own");
        }
    }

    public CommandRequest(String command, boolean pty, Map<String, String> env) {
        this(command, pty, env, false);
    }

    public static CommandRequest of(String command) {
        return new CommandRequest(command, false, Map.of(), false);
    }

    /** A command that may run in the connection's resident shell, with no stdin (see {@link SshConnection#start}). */
    public static CommandRequest resident(String command) {
        return new CommandRequest(command, false, Map.of(), true);
    }
}
