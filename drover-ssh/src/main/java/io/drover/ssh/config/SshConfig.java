package io.drover.ssh.config;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.config.Directive.HostLine;
import io.drover.ssh.config.Directive.IncludeLine;
import io.drover.ssh.config.Directive.Origin;
import io.drover.ssh.config.Directive.ParsedFile;
import io.drover.ssh.config.Directive.Setting;
import io.drover.ssh.config.Directive.Unknown;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * drover's own ssh_config front-end: reads the files OpenSSH 9.2 would read and resolves a destination to the
 * {@link HostConfig} {@code ssh} would use, with the exact semantics of OpenSSH's readconf.c (first value obtained
 * wins; IdentityFile, CertificateFile and forwards accumulate; Host and Match blocks; Include with globs; tokens;
 * {@code ~}). {@link #formatSshG} prints what {@code ssh -G} prints.
 *
 * <p>Differences from OpenSSH, all deliberate: an unknown keyword not covered by {@code IgnoreUnknown} is a
 * {@link #warnings() warning} (OpenSSH refuses the file); a keyword counts as covered when an {@code IgnoreUnknown}
 * line anywhere before it matches it (OpenSSH only honours the value active at that point). Host name
 * canonicalisation never queries DNS: {@code CanonicalizeHostname} triggers the final pass but the name is kept.
 * {@code ForkAfterAuthentication} without a command is not refused. {@code KexAlgorithms} also accepts
 * {@code mlkem768x25519-sha256} (OpenSSH 9.9+; 9.2 refuses it), which drover implements. Without
 * {@code ConnectTimeout}, a connection (TCP, key exchange and authentication) gives up after 30 s, where OpenSSH
 * waits for the system's TCP timeout and then, for a host that accepts but never answers, forever; and a
 * {@code ConnectTimeout} counts from the dial's start, not from its wait for a turn among many hosts.
 *
 * <p>Files are read and parsed once, at load; {@link #resolve} reads nothing and is safe to call from many threads.
 * {@code Match exec} commands run through {@code $SHELL -c} (default {@code /bin/sh}); each distinct expanded
 * command runs once per {@code SshConfig}, its result cached.
 */
public final class SshConfig {
    private final ConfigContext context;
    private final List<Directive> commandLine;
    private final List<ParsedFile> sources;
    private final List<String> hostNames;
    private final List<ConfigWarning> warnings;
    private final Map<String, FutureTask<Boolean>> execCache = new ConcurrentHashMap<>();

    private SshConfig(ConfigContext context, List<Directive> commandLine, List<ParsedFile> sources) {
        this.context = context;
        this.commandLine = List.copyOf(commandLine);
        this.sources = List.copyOf(sources);
        this.hostNames = collectHostNames(this.sources);
        this.warnings = collectWarnings(this.commandLine, this.sources);
    }

    /**
     * Like {@code ssh -F FILE -o ...}: reads only {@code userConfig} (its Includes too), not the system file. An
     * empty {@code userConfig} is {@code -F none}: no file at all.
     *
     * @param commandLineOptions {@code -o Keyword=value} options in order; they win over every file
     * @throws SshConfigException when a file cannot be read or a line is invalid (message names file:line)
     */
    public static SshConfig load(Optional<Path> userConfig, Map<String, String> commandLineOptions) {
        return load(userConfig, commandLineOptions, ConfigContext.current());
    }

    /** {@link #load(Optional, Map)} with an explicit local context (tests, or a different user). */
    public static SshConfig load(Optional<Path> userConfig, Map<String, String> commandLineOptions,
            ConfigContext context) {
        requireNonNull(userConfig, "userConfig is null");
        requireNonNull(commandLineOptions, "commandLineOptions is null");
        requireNonNull(context, "context is null");
        ConfigParser parser = new ConfigParser(context);
        List<Directive> cli = parser.parseCommandLine(commandLineOptions);
        List<ParsedFile> sources = new ArrayList<>();
        userConfig.ifPresent(p -> sources.add(parser.parseTopLevel(p, true, false, true)));
        return new SshConfig(context, cli, sources);
    }

    /**
     * Like {@code ssh} without {@code -F}: {@code ~/.ssh/config} when it exists (refused when writable by others,
     * as OpenSSH does), then the system file ({@code /etc/ssh/ssh_config}).
     */
    public static SshConfig loadDefaults(Map<String, String> commandLineOptions) {
        return loadDefaults(commandLineOptions, ConfigContext.current());
    }

    /** {@link #loadDefaults(Map)} with an explicit local context. */
    public static SshConfig loadDefaults(Map<String, String> commandLineOptions, ConfigContext context) {
        requireNonNull(commandLineOptions, "commandLineOptions is null");
        requireNonNull(context, "context is null");
        ConfigParser parser = new ConfigParser(context);
        List<Directive> cli = parser.parseCommandLine(commandLineOptions);
        List<ParsedFile> sources = new ArrayList<>();
        ParsedFile user = parser.parseTopLevel(context.homeDir().resolve(".ssh/config"), true, true, false);
        if (user != null) {
            sources.add(user);
        }
        ParsedFile system = parser.parseTopLevel(context.systemConfig(), false, false, false);
        if (system != null) {
            sources.add(system);
        }
        return new SshConfig(context, cli, sources);
    }

    /**
     * The options {@code ssh} would use for {@code destination}, written {@code [user@]alias[:port]}
     * ({@code [alias]:port} for IPv6 literals). A user or port given there wins over the configuration, like
     * {@code ssh -l}/{@code -p}.
     *
     * @throws SshConfigException when the destination is malformed, a token cannot be expanded, a {@code Match
     *     exec} command cannot run, or the resolved options are inconsistent the way {@code ssh} refuses them
     */
    public HostConfig resolve(String destination) {
        requireNonNull(destination, "destination is null");
        return new Resolver(this).resolve(destination);
    }

    /**
     * The literal host names of {@code Host} lines (no wildcard, no negation), in file order, Included files in
     * place, each once.
     */
    public List<String> configHostNames() {
        return hostNames;
    }

    /** What was accepted but deserves attention (unknown and unsupported keywords), in file order. */
    public List<ConfigWarning> warnings() {
        return warnings;
    }

    /** Exactly the lines {@code ssh -G} prints for this configuration, each ending in a newline. */
    public static String formatSshG(HostConfig config) {
        StringBuilder b = new StringBuilder(4096);
        for (Map.Entry<String, List<String>> e : config.sshG().entrySet()) {
            for (String v : e.getValue()) {
                b.append(e.getKey()).append(' ').append(v).append('\n');
            }
        }
        return b.toString();
    }

    ConfigContext context() {
        return context;
    }

    List<Directive> commandLine() {
        return commandLine;
    }

    List<ParsedFile> sources() {
        return sources;
    }

    /** Runs a Match exec command once per distinct expanded command; true when it exits 0. */
    boolean exec(String command, Origin at) {
        FutureTask<Boolean> task = new FutureTask<>(() -> runShell(command, at));
        FutureTask<Boolean> existing = execCache.putIfAbsent(command, task);
        if (existing == null) {
            task.run();
            existing = task;
        }
        try {
            return existing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw at.error("interrupted while running Match exec '" + command + "'");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SshConfigException s) {
                throw s;
            }
            throw new SshConfigException(at.file(), at.line(), "Match exec '" + command + "' failed: "
                    + e.getCause(), e.getCause());
        }
    }

    private boolean runShell(String command, Origin at) {
        String shell = context.environment().getOrDefault("SHELL", "/bin/sh");
        ProcessBuilder pb = new ProcessBuilder(shell, "-c", command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(context.environment());
        try {
            Process p = pb.start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            throw new SshConfigException(at.file(), at.line(), "Match exec '" + command + "': cannot run "
                    + shell + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw at.error("interrupted while running Match exec '" + command + "'");
        }
    }

    private static List<String> collectHostNames(List<ParsedFile> sources) {
        Set<String> names = new LinkedHashSet<>();
        Set<ParsedFile> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParsedFile f : sources) {
            collectHostNames(f, names, seen);
        }
        return List.copyOf(names);
    }

    private static void collectHostNames(ParsedFile f, Set<String> names, Set<ParsedFile> seen) {
        if (!seen.add(f)) {
            return;
        }
        for (Directive d : f.directives()) {
            if (d instanceof HostLine h) {
                for (String p : h.patterns()) {
                    if (!p.startsWith("!") && p.indexOf('*') < 0 && p.indexOf('?') < 0) {
                        names.add(p);
                    }
                }
            } else if (d instanceof IncludeLine inc) {
                for (ParsedFile included : inc.files()) {
                    collectHostNames(included, names, seen);
                }
            }
        }
    }

    private static List<ConfigWarning> collectWarnings(List<Directive> commandLine, List<ParsedFile> sources) {
        List<ConfigWarning> out = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        Set<ParsedFile> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Directive d : commandLine) {
            warn(d, ignored, out);
        }
        for (ParsedFile f : sources) {
            collectWarnings(f, ignored, out, seen);
        }
        return List.copyOf(out);
    }

    private static void collectWarnings(ParsedFile f, List<String> ignored, List<ConfigWarning> out,
            Set<ParsedFile> seen) {
        if (!seen.add(f)) {
            return;
        }
        for (Directive d : f.directives()) {
            if (d instanceof IncludeLine inc) {
                for (ParsedFile included : inc.files()) {
                    collectWarnings(included, ignored, out, seen);
                }
            } else {
                warn(d, ignored, out);
            }
        }
    }

    private static void warn(Directive d, List<String> ignored, List<ConfigWarning> out) {
        if (d instanceof Setting s && s.op() == Op.IGNORE_UNKNOWN) {
            ignored.add((String) s.value());
        } else if (d instanceof Setting s && s.op() == Op.UNSUPPORTED) {
            out.add(new ConfigWarning(s.origin().file(), s.origin().line(),
                    "unsupported option \"" + s.value() + "\" is ignored"));
        } else if (d instanceof Unknown u) {
            boolean covered = ignored.stream().anyMatch(list -> Patterns.matchList(u.keyword(), list, true) == 1);
            if (!covered) {
                out.add(new ConfigWarning(u.origin().file(), u.origin().line(), "bad configuration option \""
                        + u.keyword() + "\" is ignored (OpenSSH would refuse it; list it in IgnoreUnknown to"
                        + " silence this)"));
            }
        }
    }
}
