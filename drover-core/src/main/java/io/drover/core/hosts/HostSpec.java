package io.drover.core.hosts;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Expands host specs into an ordered list of {@link Target}s without duplicates.
 *
 * <h2>Syntax</h2>
 * A spec is a list of terms separated by commas or whitespace (commas inside brackets belong to a range):
 * <ul>
 *   <li>{@code [user@]host[:port]}, and {@code [user@][ipv6]:port} or a bare IPv6 address;</li>
 *   <li>numeric ranges in the host name, several per name, with lists and zero padding:
 *       {@code web[1-3,7,10-12]}, {@code rack[1-4]-node[01-16]}; the leftmost range varies slowest;
 *       a span's padding is the width of its first number when that starts with {@code 0}
 *       ({@code [08-11]} gives 08 09 10 11; {@code [1-010]} is refused as inconsistent);</li>
 *   <li>globs {@code *}, {@code ?} and character classes {@code [abc]}, {@code [a-f]}, {@code [!0-9]}, which
 *       match the ssh_config {@code Host} names given to {@link Builder#sshConfigHosts} (a glob that matches
 *       none of them is an error). A bracket holding only digits, {@code -} and {@code ,} is always a numeric
 *       range, anything else in brackets a character class, so {@code [1-3]} generates and {@code [a-c]}
 *       matches;</li>
 *   <li>{@code @file}: a host file, one or more terms per line, {@code #} comments, blank lines ignored;
 *       relative paths are resolved against the {@linkplain Builder#baseDirectory base directory}, or inside
 *       a host file against that file's directory; host files may name other host files (not cyclically);
 *       {@code @-} reads the same format from {@linkplain Builder#stdin stdin};</li>
 *   <li>exclusions {@code !TERM} or {@code -x TERM}. Exclusions apply to the whole result whatever their
 *       position. An excluded term removes every target whose name it matches (its ranges and globs match
 *       the included names, they are not expanded); when the exclusion names a user or a port, those must
 *       match too ({@code !alice@web1} keeps {@code bob@web1}).</li>
 * </ul>
 * Duplicates (equal {@link Target}s) are removed, first occurrence kept.
 *
 * <h2>Limit</h2>
 * The included hosts may number at most {@link Builder#maxHosts} (default {@value #DEFAULT_MAX_HOSTS}). The
 * size of each range term is computed as the product of its ranges before any name is generated, and a term
 * that would pass the limit is refused with {@link HostSpecException}.
 *
 * <p>Instances are immutable and thread-safe, except that stdin is read once, on the first {@code @-}, and its
 * lines remembered.
 */
public final class HostSpec {

    /** The default limit on the number of hosts one expansion may produce. */
    public static final int DEFAULT_MAX_HOSTS = 100_000;

    private static final HostSpec DEFAULTS = builder().build();

    private final List<String> sshConfigHosts;
    private final Reader stdin;
    private final Path baseDirectory;
    private final int maxHosts;
    private final Object stdinLock = new Object();
    private List<String> stdinLines;

    private HostSpec(Builder b) {
        List<String> names = new ArrayList<>(b.sshConfigHosts.size());
        for (String name : b.sshConfigHosts) {
            requireNonNull(name, "sshConfigHosts holds null");
            // ssh_config Host lines hold patterns too (*.example.com, !bastion): only concrete names can be targets
            if (Names.hostNameProblem(name) == null) {
                names.add(name);
            }
        }
        this.sshConfigHosts = List.copyOf(names);
        this.stdin = b.stdin;
        this.baseDirectory = b.baseDirectory;
        this.maxHosts = b.maxHosts;
    }

    /** No ssh_config names (globs fail), no stdin, files relative to the working directory, the default limit. */
    public static HostSpec defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Expands one spec, e.g. {@code "web[1-4],db1 -x web3"}.
     *
     * @throws HostSpecException for a bad spec, an unreadable host file, a glob that matches nothing, an empty
     *     spec, or too many hosts
     */
    public List<Target> expand(String spec) {
        return select().include(spec).expand();
    }

    /** Starts a selection to combine several specs, host files, stdin and exclusions (as the CLI's options do). */
    public Selection select() {
        return new Selection();
    }

    /**
     * Several inputs combined into one ordered, de-duplicated list: includes in the order added, then every
     * exclusion applied. Not thread-safe; use one per expansion.
     */
    public final class Selection {

        private final List<Input> inputs = new ArrayList<>();

        private Selection() {}

        /** Adds the hosts of a spec (which may itself hold exclusions, files and {@code @-}). */
        public Selection include(String spec) {
            inputs.add(new Input(requireNonNull(spec, "spec is null"), null, false, false));
            return this;
        }

        /** Adds the hosts listed in a host file (any path; no need to quote it as {@code @file}). */
        public Selection includeFile(Path file) {
            inputs.add(new Input(null, requireNonNull(file, "file is null"), false, false));
            return this;
        }

        /** Adds the hosts read from stdin, in host file format. */
        public Selection includeStdin() {
            inputs.add(new Input(null, null, true, false));
            return this;
        }

        /** Removes every host a spec denotes (ranges and globs match, they are not expanded). */
        public Selection exclude(String spec) {
            inputs.add(new Input(requireNonNull(spec, "spec is null"), null, false, true));
            return this;
        }

        /** Removes every host listed in a host file. */
        public Selection excludeFile(Path file) {
            inputs.add(new Input(null, requireNonNull(file, "file is null"), false, true));
            return this;
        }

        /**
         * The targets, ordered by first appearance, without duplicates; empty when exclusions removed all.
         *
         * @throws HostSpecException as {@link HostSpec#expand(String)} does
         */
        public List<Target> expand() {
            Expansion e = new Expansion(HostSpec.this);
            for (Input in : inputs) {
                if (in.spec() != null) {
                    e.directSpec(in.spec(), in.exclude());
                } else if (in.file() != null) {
                    e.file(in.file(), in.exclude(), null, 0);
                } else {
                    e.stdin(in.exclude(), null, 0);
                }
            }
            return e.result();
        }
    }

    private record Input(String spec, Path file, boolean stdin, boolean exclude) {}

    List<String> sshConfigHosts() {
        return sshConfigHosts;
    }

    Path baseDirectory() {
        return baseDirectory;
    }

    int maxHosts() {
        return maxHosts;
    }

    /** The lines of stdin, read on first call; null when no stdin was configured. */
    List<String> stdinLines() {
        if (stdin == null) {
            return null;
        }
        synchronized (stdinLock) {
            if (stdinLines == null) {
                try {
                    BufferedReader r = stdin instanceof BufferedReader br ? br : new BufferedReader(stdin);
                    List<String> lines = new ArrayList<>();
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        lines.add(line);
                    }
                    stdinLines = List.copyOf(lines);
                } catch (IOException | UncheckedIOException e) {
                    throw new HostSpecException("cannot read hosts from stdin: " + e.getMessage(), e);
                }
            }
            return stdinLines;
        }
    }

    /** Options of a {@link HostSpec}. */
    public static final class Builder {

        private List<String> sshConfigHosts = List.of();
        private Reader stdin;
        private Path baseDirectory = Path.of("");
        private int maxHosts = DEFAULT_MAX_HOSTS;

        private Builder() {}

        /**
         * The {@code Host} names of the ssh_config, which globs match. Entries that are themselves patterns
         * ({@code *.example.com}, {@code !bastion}) are ignored. Default: none.
         */
        public Builder sshConfigHosts(Collection<String> names) {
            this.sshConfigHosts = List.copyOf(requireNonNull(names, "names is null"));
            return this;
        }

        /** Where {@code @-} reads host lines from; read fully on first use, never closed. Default: none. */
        public Builder stdin(Reader stdin) {
            this.stdin = requireNonNull(stdin, "stdin is null");
            return this;
        }

        /** What relative {@code @file} paths in specs are resolved against. Default: the working directory. */
        public Builder baseDirectory(Path directory) {
            this.baseDirectory = requireNonNull(directory, "directory is null");
            return this;
        }

        /** The most hosts one expansion may include. Default {@value HostSpec#DEFAULT_MAX_HOSTS}. */
        public Builder maxHosts(int maxHosts) {
            if (maxHosts < 1) {
                throw new IllegalArgumentException("maxHosts (" + maxHosts + ") must be at least 1");
            }
            this.maxHosts = maxHosts;
            return this;
        }

        public HostSpec build() {
            return new HostSpec(this);
        }
    }
}
