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

    /** {@code Host pattern...}. */
    record HostLine(Origin origin, List<String> patterns) implements Directive {
        public HostLine {
            patterns = List.copyOf(patterns);
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

    /** A parsed file: its directives in order. {@code userConfig} is OpenSSH's SSHCONF_USERCONF flag. */
    record ParsedFile(Path path, boolean userConfig, List<Directive> directives) {
        public ParsedFile {
            directives = List.copyOf(directives);
        }
    }

    /** A LocalForward/RemoteForward/DynamicForward specification (parse_forward). */
    record Forward(String listenHost, int listenPort, String listenPath, String connectHost, int connectPort,
            String connectPath) {
        static final int PORT_STREAMLOCAL = -2;
    }
}
