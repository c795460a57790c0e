package io.drover.cli;

import io.drover.api.EventListener;
import io.drover.cli.output.Durations;
import io.drover.cli.runs.RunRecord;
import io.drover.ssh.Prompter;
import io.drover.ssh.Ssh;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How to connect, as the {@code ssh} command takes it: shared by every command that reaches hosts. */
final class SshOptions {
    @Option(names = {"-F", "--ssh-config"}, paramLabel = "FILE",
            description = "Read this ssh_config instead of ~/.ssh/config ('none' for no file), like ssh -F.")
    String configFile;

    @Option(names = {"-l", "--user"}, paramLabel = "USER",
            description = "Log in as USER where the host spec names no user (like ssh -l).")
    String user;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "Connect to PORT where the host spec names no port (like ssh -p).")
    Integer port;

    @Option(names = {"-o", "--ssh-option"}, paramLabel = "KEY=VALUE",
            description = "An ssh_config option that wins over the config files, like ssh -o "
                    + "(e.g. -o StrictHostKeyChecking=accept-new). Repeatable.")
    List<String> options = new ArrayList<>();

    @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up connecting to a host after this long (e.g. 10s). Default: ConnectTimeout of "
                    + "the ssh_config, else 30s.")
    Duration connectTimeout;

    @Option(names = "--ask-pass",
            description = "Ask once for a password on the terminal and use it for every host that wants one "
                    + "(never taken from the command line).")
    boolean askPass;

    /**
     * Takes how a recorded run connected ({@code --retry-failed}): its ssh_config, user, port, {@code -o} options
     * and connect timeout, each unless the command line gives it anew.
     */
    void inherit(RunRecord.Options o, CommandLine.ParseResult parsed) {
        if (!parsed.hasMatchedOption("-F") && o.sshConfig() != null) {
            configFile = o.sshConfig();
        }
        if (!parsed.hasMatchedOption("-l") && o.user() != null) {
            user = o.user();
        }
        if (!parsed.hasMatchedOption("-p") && o.port() != null) {
            port = o.port();
        }
        if (!parsed.hasMatchedOption("-o")) {
            options = new ArrayList<>(o.sshOptions());
        }
        if (!parsed.hasMatchedOption("--connect-timeout") && o.connectTimeout() != null) {
            connectTimeout = Durations.parse(o.connectTimeout());
        }
    }

    /** The ssh_config file as a record keeps it: absolute, {@code none}, or null for the default. */
    String configForRecord() {
        return configFile == null ? null : noConfigFile() ? "none" : Path.of(configFile).toAbsolutePath().toString();
    }

    /** The {@code -o} options parsed, in order, plus {@code -l}, {@code -p} and {@code --connect-timeout}. */
    Map<String, String> sshOptions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String o : options) {
            int eq = o.indexOf('=');
            String key = eq < 0 ? "" : o.substring(0, eq).strip();
            if (eq <= 0 || key.isEmpty() || !key.matches("[A-Za-z][A-Za-z0-9]*")) {
                throw new UsageException("invalid -o '" + o + "': use KEY=VALUE with an ssh_config keyword, "
                        + "e.g. -o StrictHostKeyChecking=accept-new");
            }
            out.putIfAbsent(key, o.substring(eq + 1).strip());
        }
        if (user != null) {
            if (user.isBlank() || user.chars().anyMatch(c -> c <= ' ' || c == '@' || c == ':')) {
                throw new UsageException("invalid user (-l) '" + user + "': a login name without spaces, '@' or ':'");
            }
            out.putIfAbsent("User", user);
        }
        if (port != null) {
            if (port < 1 || port > 65535) {
                throw new UsageException("invalid port (-p) " + port + ": must be between 1 and 65535");
            }
            out.putIfAbsent("Port", String.valueOf(port));
        }
        if (connectTimeout != null) {
            long secs = Math.max(1, (connectTimeout.toMillis() + 999) / 1000);
            out.putIfAbsent("ConnectTimeout", String.valueOf(secs));
        }
        return out;
    }

    /** The config file to read, empty for the default; {@code none} means no file. */
    java.util.Optional<Path> configPath() {
        if (configFile == null || configFile.equals("none")) {
            return java.util.Optional.empty();
        }
        Path p = Path.of(configFile);
        if (!java.nio.file.Files.isReadable(p)) {
            throw new UsageException("cannot read ssh config (-F) " + p + ": "
                    + (java.nio.file.Files.exists(p) ? "permission denied" : "no such file"));
        }
        return java.util.Optional.of(p);
    }

    boolean noConfigFile() {
        return "none".equals(configFile);
    }

    /** What answers the SSH layer's questions; asks for the password now when {@code --ask-pass} was given. */
    Prompter prompter(CliEnv cli) {
        return askPass ? TtyPrompter.askingPasswordOnce(cli) : TtyPrompter.forEnv(cli);
    }

    /**
     * The one {@link Ssh} of a command, configured from these options.
     *
     * @param listener receives the SSH layer's events (retries, warnings)
     * @param dials at most this many connects at once
     */
    Ssh newSsh(Prompter prompter, EventListener listener, int dials) {
        Ssh.Builder sb = Ssh.builder().prompter(prompter).listener(listener).maxConcurrentDials(dials);
        if (noConfigFile()) {
            sb.noConfigFile();
        } else {
            configPath().ifPresent(sb::configFile);
        }
        sshOptions().forEach(sb::option);
        return sb.build();
    }
}
