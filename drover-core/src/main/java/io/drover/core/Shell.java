package io.drover.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.drover.core.internal.RemoteEnv;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A command to run on a host with {@link HostSession#run(Shell)}: its standard input, working directory,
 * environment, pty, sudo, and what to do with its output. Immutable (except that an {@link InputStream} given as
 * stdin can be read once); one shell may run on every host of a group.
 *
 * <p>The command is run by the remote user's login shell, as {@code ssh host 'command'} would. The working directory
 * and environment are set by a prefix ({@code export NAME='value'; cd -- '/dir' || exit 1; command}), because sshd
 * only accepts environment variables its {@code AcceptEnv} lists: so they need a POSIX login shell, and their values
 * are visible to {@code ps} on the host while the command runs — pass secrets on stdin. With {@link Builder#sudo()}
 * the whole script runs as {@code sudo -n -- sh -c 'script'}: never prompting; when sudo wants a password the
 * command fails with "sudo requires a password on HOST".
 *
 * <p>Output: stdout and stderr are read concurrently, split into lines as they arrive, and delivered line by line to
 * the group's listener as {@link io.drover.api.DroverEvent.OutputLine} (unless {@code emitLines(false)}) and to the
 * {@link LineConsumer} if one is set. Nothing is held in memory except the line being assembled (at most 1 MiB),
 * the stderr tail (20 lines, 4 KiB) and stdout when captured, up to its limit.
 */
public final class Shell {
    /** The default limit of captured stdout for {@link HostSession#output(String)}: 1 MiB. */
    public static final int DEFAULT_OUTPUT_LIMIT = 1 << 20;

    private final String command;
    private final Stdin stdin;
    private final Optional<RemotePath> cwd;
    private final Map<String, String> env;
    private final boolean pty;
    private final boolean sudo;
    private final Optional<String> sudoUser;
    private final Optional<LineConsumer> lines;
    private final boolean emitLines;
    private final boolean check;
    private final int captureLimit;

    private Shell(Builder b) {
        this.command = b.command;
        this.stdin = b.stdin;
        this.cwd = b.cwd;
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.pty = b.pty;
        this.sudo = b.sudo;
        this.sudoUser = b.sudoUser;
        this.lines = b.lines;
        this.emitLines = b.emitLines;
        this.check = b.check;
        this.captureLimit = b.captureLimit;
    }

    /** A shell running {@code command} with the defaults: no stdin, checked exit status, lines to the listener. */
    public static Shell of(String command) {
        return builder(command).build();
    }

    public static Builder builder(String command) {
        return new Builder(command);
    }

    /** A builder starting from this shell's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(command);
        b.stdin = stdin;
        b.cwd = cwd;
        b.env.putAll(env);
        b.pty = pty;
        b.sudo = sudo;
        b.sudoUser = sudoUser;
        b.lines = lines;
        b.emitLines = emitLines;
        b.check = check;
        b.captureLimit = captureLimit;
        return b;
    }

    /** The command as given (without environment, directory or sudo). */
    public String command() {
        return command;
    }

    /**
     * Quotes {@code s} for a POSIX shell: returned as is when it is made only of letters, digits and
     * {@code @%+=:,./-_}, else in single quotes with each {@code '} written as {@code '\''}.
     *
     * @throws IllegalArgumentException when {@code s} contains NUL, which no shell word can hold
     */
    public static String quote(String s) {
        requireNonNull(s, "s is null");
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell word cannot contain NUL: \"" + s.replace("\0", "\\0") + "\"");
        }
        if (!s.isEmpty() && s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "@%+=:,./-_".indexOf(c) >= 0))) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The command line sent to the host: environment, directory and sudo wrapping around the command. */
    String remoteCommand() {
        StringBuilder script = new StringBuilder();
        env.forEach((k, v) -> script.append("export ").append(k).append('=').append(quote(v)).append("; "));
        cwd.ifPresent(d -> script.append("cd -- ").append(quote(d.path())).append(" || exit 1; "));
        script.append(command);
        if (!sudo) {
            return script.toString();
        }
        return "sudo -n " + sudoUser.map(u -> "-u " + quote(u) + " ").orElse("") + "-- sh -c " + quote(script.toString());
    }

    Stdin stdin() {
        return stdin;
    }

    boolean pty() {
        return pty;
    }

    boolean sudo() {
        return sudo;
    }

    Optional<LineConsumer> lines() {
        return lines;
    }

    boolean emitLines() {
        return emitLines;
    }

    boolean check() {
        return check;
    }

    /** Bytes of stdout to capture, -1 for none. */
    int captureLimit() {
        return captureLimit;
    }

    @Override
    public String toString() {
        return "Shell[" + command + (sudo ? ", sudo" : "") + cwd.map(d -> ", cwd " + d).orElse("")
                + (env.isEmpty() ? "" : ", env " + env.keySet()) + "]";
    }

    /** Where a command's stdin comes from. */
    sealed interface Stdin {
        record None() implements Stdin {}

        record Bytes(byte[] bytes) implements Stdin {}

        record File(Path file) implements Stdin {}

        /** Read once: a second use is refused. */
        record Stream(InputStream in, AtomicBoolean used) implements Stdin {}
    }

    /** Settings of a {@link Shell}. */
    public static final class Builder {
        private final String command;
        private Stdin stdin = new Stdin.None();
        private Optional<RemotePath> cwd = Optional.empty();
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean pty;
        private boolean sudo;
        private Optional<String> sudoUser = Optional.empty();
        private Optional<LineConsumer> lines = Optional.empty();
        private boolean emitLines = true;
        private boolean check = true;
        private int captureLimit = -1;

        private Builder(String command) {
            requireNonNull(command, "command is null");
            if (command.isBlank()) {
                throw new IllegalArgumentException("command must not be blank");
            }
            if (command.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("command must not contain NUL: \"" + command.replace("\0", "\\0") + "\"");
            }
            this.command = command;
        }

        /** Sends these bytes on stdin, then EOF. Without any stdin the command gets EOF at once. */
        public Builder stdin(byte[] bytes) {
            this.stdin = new Stdin.Bytes(requireNonNull(bytes, "bytes is null").clone());
            return this;
        }

        /** Sends {@code text} in UTF-8 on stdin, then EOF. */
        public Builder stdin(String text) {
            return stdin(requireNonNull(text, "text is null").getBytes(UTF_8));
        }

        /** Streams this local file on stdin, then EOF (read on each run, so the shell can run on many hosts). */
        public Builder stdin(Path file) {
            this.stdin = new Stdin.File(requireNonNull(file, "file is null"));
            return this;
        }

        /**
         * Streams {@code in} on stdin until its end, then EOF. A stream can be read once: a shell with it runs on one
         * host only (a second run is refused). The stream is not closed.
         */
        public Builder stdin(InputStream in) {
            this.stdin = new Stdin.Stream(requireNonNull(in, "in is null"), new AtomicBoolean());
            return this;
        }

        /** Runs the command in this remote directory; the command fails (exit 1) when it does not exist. */
        public Builder cwd(RemotePath dir) {
            this.cwd = Optional.of(requireNonNull(dir, "dir is null"));
            return this;
        }

        /** @throws IllegalArgumentException when {@code dir} is not absolute */
        public Builder cwd(String dir) {
            return cwd(RemotePath.of(dir));
        }

        /**
         * Sets an environment variable for the command (exported by a prefix, see {@link Shell}); visible to
         * {@code ps} on the host, so never a secret.
         */
        public Builder env(String name, String value) {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
            if (!RemoteEnv.isName(name)) {
                throw new IllegalArgumentException("environment variable name (" + name
                        + ") must be letters, digits and _, not starting with a digit");
            }
            quote(value); // refuses NUL
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> vars) {
            requireNonNull(vars, "vars is null").forEach(this::env);
            return this;
        }

        /** Allocates a pseudo-terminal: stderr then arrives merged into stdout, lines end in {@code \r\n} (dropped). */
        public Builder pty(boolean pty) {
            this.pty = pty;
            return this;
        }

        /** Runs as root through {@code sudo -n}, which never prompts. */
        public Builder sudo() {
            this.sudo = true;
            this.sudoUser = Optional.empty();
            return this;
        }

        /** Runs as {@code user} through {@code sudo -n -u user}. */
        public Builder sudo(String user) {
            requireNonNull(user, "user is null");
            if (user.isBlank()) {
                throw new IllegalArgumentException("sudo user must not be blank");
            }
            this.sudo = true;
            this.sudoUser = Optional.of(user);
            return this;
        }

        /** Also delivers every output line to {@code consumer}. */
        public Builder lines(LineConsumer consumer) {
            this.lines = Optional.of(requireNonNull(consumer, "consumer is null"));
            return this;
        }

        /** Whether lines go to the group's listener as {@code OutputLine} events (default true). */
        public Builder emitLines(boolean emit) {
            this.emitLines = emit;
            return this;
        }

        /**
         * Whether a non-zero exit or a signal throws {@link CommandFailedException} (default true). With
         * {@code false} the status is returned in the {@link CommandResult}.
         */
        public Builder check(boolean check) {
            this.check = check;
            return this;
        }

        /**
         * Keeps stdout, up to {@code maxBytes}, in {@link CommandResult#stdout()}; more than that kills the command
         * and fails it ("stdout ... exceeded the limit"), because a silently cut output would mislead.
         */
        public Builder captureStdout(int maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes (" + maxBytes + ") must not be negative");
            }
            this.captureLimit = maxBytes;
            return this;
        }

        public Shell build() {
            return new Shell(this);
        }
    }
}
