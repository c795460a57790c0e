package io.drover.ssh.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/** One parsed, validated line of an ssh_config file. */
sealed interface Directive {
    Origin origin();

    /** Where a line came from. */
    record Origin(Path file, int line) {
        public Origin {
            requireNonNull(file, "file is null");
        }

        SshConfigException error(String message) {
            return new SshConfigException(file, line, message);
        }

        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    /** {@code Host pattern...}; {@code literal[i]} is true when pattern i (without its '!') has no wildcard. */
    record HostLine(Origin origin, List<String> patterns, boolean[] negated, String[] bare, boolean[] literal)
            implements Directive {
        public HostLine {
            patterns = List.copyOf(patterns);
        }

        static HostLine of(Origin origin, List<String> patterns) {
            int n = patterns.size();
            boolean[] negated = new boolean[n];
            String[] bare = new String[n];
            boolean[] literal = new boolean[n];
            for (int i = 0; i < n; i++) {
                String p = patterns.get(i);
                negated[i] = p.startsWith("!");
                bare[i] = negated[i] ? p.substring(1) : p;
                literal[i] = bare[i].indexOf('*') < 0 && bare[i].indexOf('?') < 0;
            }
            return new HostLine(origin, patterns, negated, bare, literal);
        }
    }

    /** One Match criterion; {@code attribute} is lower-case, {@code argument} null for all/canonical/final. */
    record Criterion(String attribute, boolean negate, String argument, String original) {}

    /** {@code Match criteria...}. */
    record MatchLine(Origin origin, List<Criterion> criteria) implements Directive {
        public MatchLine {
            criteria = List.copyOf(criteria);
        }
    }

    /** {@code Include}: the files its globs matched, each parsed once, in glob order. */
    record IncludeLine(Origin origin, List<ParsedFile> files) implements Directive {
        public IncludeLine {
            files = List.copyOf(files);
        }
    }

    /** An option; {@code value}'s type depends on {@code op} (see {@link ConfigParser}). */
    record Setting(Origin origin, Op op, Object value) implements Directive {}

    /** A keyword OpenSSH does not know; ignored, with a warning unless IgnoreUnknown covers it. */
    record Unknown(Origin origin, String keyword) implements Directive {}

    /**
     * A parsed file: its directives in order. {@code userConfig} is OpenSSH's SSHCONF_USERCONF flag.
     * {@code nextEffective[i]} is the first index at or after i whose directive has an effect even in an inactive
     * block (Host, Match, Include, and the two options OpenSSH applies regardless), so inactive blocks are skipped.
     */
    record ParsedFile(Path path, boolean userConfig, List<Directive> directives, int[] nextEffective) {
        public ParsedFile {
            directives = List.copyOf(directives);
        }

        ParsedFile(Path path, boolean userConfig, List<Directive> directives) {
            this(path, userConfig, directives, skipTable(directives));
        }

        private static int[] skipTable(List<Directive> directives) {
            int n = directives.size();
            int[] next = new int[n + 1];
            next[n] = n;
            for (int i = n - 1; i >= 0; i--) {
                Directive d = directives.get(i);
                boolean inert = d instanceof Unknown || (d instanceof Setting s && s.op() != Op.LOG_FACILITY
                        && s.op() != Op.STREAM_LOCAL_BIND_MASK);
                next[i] = inert ? next[i + 1] : i;
            }
            return next;
        }
    }

    /** A LocalForward/RemoteForward/DynamicForward specification (parse_forward). */
    record Forward(String listenHost, int listenPort, String listenPath, String connectHost, int connectPort,
            String connectPath) {
        static final int PORT_STREAMLOCAL = -2;
    }
}
