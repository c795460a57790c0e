package io.drover.cli;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a command may know of the process it runs in: environment variables, standard input, and whether standard
 * output and error are terminals. {@link Main#main} builds the real one; in-process tests build their own so that
 * run records go to a temporary directory and nothing depends on the test runner's terminal.
 *
 * @param env environment variables ({@code NO_COLOR}, {@code XDG_STATE_HOME}, {@code HOME}, {@code COLUMNS}...)
 * @param stdin standard input (host lists with {@code --stdin-hosts}, data with {@code --stdin -})
 * @param stdoutTty whether standard output is a terminal (colours in {@code auto} mode)
 * @param stderrTty whether standard error is a terminal (progress line, colours of the summary)
 * @param interactive whether a user can be asked for passwords on {@code /dev/tty}
 * @param ownsProcess whether drover is the process (not a test calling it in-process): then it handles Ctrl-C
 */
public record CliEnv(Map<String, String> env, InputStream stdin, boolean stdoutTty, boolean stderrTty,
        boolean interactive, boolean ownsProcess) {
    public CliEnv {
        env = Map.copyOf(env);
        requireNonNull(stdin, "stdin is null");
    }

    /** The real process: its environment, {@code System.in}, and terminals as the OS reports them. */
    public static CliEnv system() {
        return new CliEnv(System.getenv(), System.in, isTerminal(1), isTerminal(2), isTerminal(0) || hasTty(), true);
    }

    /** The process environment and stdin, no terminals: what {@link Main#execute} uses. */
    public static CliEnv noTerminal() {
        return new CliEnv(System.getenv(), System.in, false, false, false, false);
    }

    /** A copy with {@code key} set to {@code value} (tests). */
    public CliEnv with(String key, String value) {
        var copy = new java.util.HashMap<>(env);
        copy.put(key, value);
        return new CliEnv(copy, stdin, stdoutTty, stderrTty, interactive, ownsProcess);
    }

    /** A copy reading {@code in} as standard input (tests). */
    public CliEnv withStdin(InputStream in) {
        return new CliEnv(env, in, stdoutTty, stderrTty, interactive, ownsProcess);
    }

    public Optional<String> get(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /** {@code $XDG_STATE_HOME/drover}, by default {@code ~/.local/state/drover}. */
    public Path stateDir() {
        Optional<String> xdg = get("XDG_STATE_HOME").filter(p -> Path.of(p).isAbsolute());
        if (xdg.isPresent()) {
            return Path.of(xdg.get(), "drover");
        }
        String home = get("HOME").orElse(System.getProperty("user.home"));
        return Path.of(home, ".local", "state", "drover");
    }

    /**
     * Whether file descriptor {@code fd} of this process is a terminal. Exact on Linux (where {@code /proc} names
     * the device); elsewhere false, so colours and the progress line need {@code --color=always} there.
     */
    static boolean isTerminal(int fd) {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
            String t = target.toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static boolean hasTty() {
        return Files.isReadable(Path.of("/dev/tty")) && isTerminal(2);
    }
}
