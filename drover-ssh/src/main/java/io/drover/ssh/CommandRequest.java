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
 */
public record CommandRequest(String command, boolean pty, Map<String, String> env) {
    public CommandRequest {
        requireNonNull(command, "command is null");
        env = Map.copyOf(env);
    }

    public static CommandRequest of(String command) {
        return new CommandRequest(command, false, Map.of());
    }
}
