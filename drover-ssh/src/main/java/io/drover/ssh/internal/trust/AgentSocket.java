package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where the ssh-agent socket is, decided as ssh decides it from IdentityAgent and the environment. */
public final class AgentSocket {
    private AgentSocket() {}

    /**
     * @param identityAgent the IdentityAgent option when set: {@code none} disables the agent, {@code SSH_AUTH_SOCK}
     *     or {@code $NAME} / {@code ${NAME}} reads the socket path from that environment variable, anything else is
     *     the path ({@code ~/} is expanded)
     * @param env the process environment ({@code System.getenv()})
     * @return the socket path, or empty when no agent is to be used
     */
    public static Optional<Path> resolve(Optional<String> identityAgent, Map<String, String> env) {
        requireNonNull(identityAgent, "identityAgent is null");
        requireNonNull(env, "env is null");
        if (identityAgent.isEmpty()) {
            return fromEnv(env, "SSH_AUTH_SOCK");
        }
        String value = identityAgent.get().strip();
        if (value.equals("none") || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.equals("SSH_AUTH_SOCK")) {
            return fromEnv(env, "SSH_AUTH_SOCK");
        }
        if (value.startsWith("${") && value.endsWith("}")) {
            return fromEnv(env, value.substring(2, value.length() - 1));
        }
        if (value.startsWith("$")) {
            return fromEnv(env, value.substring(1));
        }
        return Optional.of(expandHome(value));
    }

    private static Optional<Path> fromEnv(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(expandHome(v));
    }

    static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1));
        }
        return Path.of(path);
    }
}
