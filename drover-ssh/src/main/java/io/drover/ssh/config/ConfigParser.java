package io.drover.ssh.config;

import io.drover.ssh.config.Directive.Criterion;
import io.drover.ssh.config.Directive.Forward;
import io.drover.ssh.config.Directive.HostLine;
import io.drover.ssh.config.Directive.IncludeLine;
import io.drover.ssh.config.Directive.MatchLine;
import io.drover.ssh.config.Directive.Origin;
import io.drover.ssh.config.Directive.ParsedFile;
import io.drover.ssh.config.Directive.Setting;
import io.drover.ssh.config.Directive.Unknown;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses ssh_config files the way OpenSSH 9.2's readconf.c does (process_config_line_depth), validating every
 * line whether or not its block will ever apply, and resolving Include globs once. Each file is parsed once per
 * load. Not thread-safe; used during {@link SshConfig} loading only.
 */
final class ConfigParser {
    static final int MAX_DEPTH = 16;
    static final Path COMMAND_LINE = Path.of("command-line");

    private final ConfigContext context;
    private final Map<String, ParsedFile> cache = new HashMap<>();
    private final Set<String> inProgress = new HashSet<>();

    ConfigParser(ConfigContext context) {
        this.context = context;
    }

    /** Reads and parses one top-level file; an absent one yields null (OpenSSH skips it). */
    ParsedFile parseTopLevel(Path file, boolean userConfig, boolean checkPermissions, boolean mustExist) {
        byte[] bytes;
        try {
            if (checkPermissions && Files.exists(file)) {
                checkPermissions(file, new Origin(file, 0));
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            if (mustExist) {
                throw new SshConfigException(file, 0, "can't open config file: no such file");
            }
            return null;
        } catch (AccessDeniedException e) {
            throw new SshConfigException(file, 0, "can't open config file: permission denied", e);
        } catch (IOException e) {
            throw new SshConfigException(file, 0, "can't read config file: " + e.getMessage(), e);
        }
        return parse(file, bytes, userConfig, 0);
    }

    /** Parses {@code -o Keyword=value} options (OpenSSH's "command-line" source). */
    List<Directive> parseCommandLine(Map<String, String> options) {
        List<Directive> out = new ArrayList<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            String line = e.getKey() + "=" + e.getValue();
            Directive d = parseLine(line, new Origin(COMMAND_LINE, 0), true, true, 0);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    private ParsedFile parse(Path file, byte[] bytes, boolean userConfig, int depth) {
        String key = (userConfig ? "u:" : "s:") + file.toAbsolutePath().normalize();
        ParsedFile cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        if (depth > MAX_DEPTH || !inProgress.add(key)) {
            throw new SshConfigException(file, 0, "too many recursive configuration includes (more than "
                    + MAX_DEPTH + " levels, or a file includes itself)");
        }
        try {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            List<Directive> directives = new ArrayList<>();
            int lineNo = 0;
            int start = 0;
            while (start < text.length()) {
                int nl = text.indexOf('\n', start);
                String line = nl < 0 ? text.substring(start) : text.substring(start, nl);
                start = nl < 0 ? text.length() : nl + 1;
                lineNo++;
                int nul = line.indexOf('\0');
                if (nul >= 0) {
                    line = line.substring(0, nul);
                }
                Directive d = parseLine(line, new Origin(file, lineNo), false, userConfig, depth);
                if (d != null) {
                    directives.add(d);
                }
            }
            ParsedFile parsed = new ParsedFile(file, userConfig, directives);
            cache.put(key, parsed);
            return parsed;
        } finally {
            inProgress.remove(key);
        }
    }

    /** One line; null for blank and comment lines. */
    Directive parseLine(String rawLine, Origin at, boolean cmdline, boolean userConfig, int depth) {
        int len = rawLine.length();
        if (len == 0) {
            return null;
        }
        // Strip trailing whitespace (and form feeds), never the first character.
        while (len > 1 && (Lexer.WHITESPACE + "\f").indexOf(rawLine.charAt(len - 1)) >= 0) {
            len--;
        }
        String line = rawLine.substring(0, len);
        Lexer.Cursor cur = new Lexer.Cursor(line);
        String keyword = cur.next(true);
        if (keyword == null) {
            return null;
        }
        if (keyword.isEmpty()) {
            keyword = cur.next(true);
        }
        if (keyword == null || keyword.isEmpty() || keyword.charAt(0) == '\n' || keyword.charAt(0) == '#') {
            return null;
        }
        keyword = Patterns.lowercase(keyword);
        cur.skip(Lexer.WHITESPACE);
        String str = cur.rest();
        if (str == null || str.isEmpty()) {
            throw at.error("no argument after keyword \"" + keyword + "\"");
        }
        Op op = Op.byKeyword(keyword);
        List<String> argv = Lexer.argvSplit(str);
        if (argv == null) {
            throw at.error("invalid quotes: a quote is not closed");
        }
        if (op == null) {
            return new Unknown(at, keyword);
        }
        Args av = new Args(argv, at, keyword);
        Directive result = switch (op.kind) {
            case FLAG, MULTI -> {
                String arg = av.next();
                int v = arg == null || arg.isEmpty() ? -1 : op.multistate().parse(arg);
                if (v == -1) {
                    throw at.error(arg == null || arg.isEmpty() ? "missing argument for " + keyword
                            : "unsupported option \"" + arg + "\" for " + keyword + "; valid: "
                                    + String.join(", ", op.multistate().keys()));
                }
                yield new Setting(at, op, v);
            }
            case TIME -> new Setting(at, op, parseTime(av.next(), at, keyword));
            case INT -> new Setting(at, op, parseInt(av.next(), at, keyword));
            case STRING -> new Setting(at, op, av.required());
            case COMMAND -> {
                String value = stripLeading(str, Lexer.WHITESPACE + "=");
                av.consume();
                yield new Setting(at, op, value);
            }
            case SPECIAL -> special(op, keyword, str, av, at, cmdline, userConfig, depth);
        };
        if (av.remaining() > 0) {
            throw at.error("keyword " + keyword + " has extra arguments at end of line: \""
                    + String.join(" ", av.rest()) + "\"");
        }
        return result;
    }

    private Directive special(Op op, String keyword, String str, Args av, Origin at, boolean cmdline,
            boolean userConfig, int depth) {
        switch (op) {
            case IGNORE, DEPRECATED, UNSUPPORTED -> {
                av.consume();
                return new Setting(at, op, keyword);
            }
            case HOST -> {
                if (cmdline) {
                    throw at.error("Host directive not supported as a command-line option");
                }
                List<String> patterns = new ArrayList<>();
                String arg;
                while ((arg = av.next()) != null) {
                    if (arg.isEmpty()) {
                        throw at.error("keyword host has an empty argument; give a host pattern");
                    }
                    patterns.add(arg);
                }
                return HostLine.of(at, patterns);
            }
            case MATCH -> {
                if (cmdline) {
                    throw at.error("Match directive not supported as a command-line option");
                }
                MatchLine m = parseMatch(str, at);
                av.consume();
                return m;
            }
            case INCLUDE -> {
                if (cmdline) {
                    throw at.error("Include directive not supported as a command-line option");
                }
                return parseInclude(av, at, userConfig, depth);
            }
            case FORWARD_AGENT -> {
                String arg = av.required();
                int v = Op.FLAG_TABLE.parse(arg);
                if (v != -1) {
                    return new Setting(at, op, v);
                }
                validateAgentPath(arg, at);
                return new Setting(at, Op.FORWARD_AGENT_SOCK, arg);
            }
            case IDENTITY_AGENT -> {
                String arg = av.required();
                validateAgentPath(arg, at);
                return new Setting(at, op, arg);
            }
            case IDENTITY_FILE, CERTIFICATE_FILE -> {
                return new Setting(at, op, av.required());
            }
            case PORT -> {
                String arg = av.required();
                int port = a2port(arg);
                if (port <= 0) {
                    throw at.error("bad port '" + arg + "'; give a number from 1 to 65535");
                }
                return new Setting(at, op, port);
            }
            case GLOBAL_KNOWN_HOSTS_FILE, USER_KNOWN_HOSTS_FILE, CANONICAL_DOMAINS -> {
                List<String> values = new ArrayList<>();
                String arg;
                int i = 0;
                while ((arg = av.next()) != null) {
                    if (arg.isEmpty()) {
                        throw at.error("keyword " + keyword + " has an empty argument");
                    }
                    if (arg.equalsIgnoreCase("none") && (i > 0 || av.remaining() > 0)) {
                        throw at.error("keyword " + keyword + " \"none\" argument must appear alone");
                    }
                    if (op == Op.CANONICAL_DOMAINS) {
                        String err = validDomain(arg);
                        if (err != null) {
                            throw at.error(err);
                        }
                        arg = lowerDomain(arg);
                    }
                    i++;
                    values.add(arg);
                }
                if (values.size() > 32) {
                    throw at.error("too many " + keyword + " entries (at most 32)");
                }
                return new Setting(at, op, values);
            }
            case LOG_VERBOSE -> {
                List<String> values = new ArrayList<>();
                String arg;
                int i = 0;
                while ((arg = av.next()) != null) {
                    if (arg.isEmpty()) {
                        throw at.error("keyword " + keyword + " has an empty argument");
                    }
                    if (arg.equalsIgnoreCase("none") && (i > 0 || av.remaining() > 0)) {
                        throw at.error("keyword " + keyword + " \"none\" argument must appear alone");
                    }
                    i++;
                    values.add(arg);
                }
                return new Setting(at, op, values);
            }
            case CIPHERS, MACS, KEX_ALGORITHMS, HOST_KEY_ALGORITHMS, CA_SIGNATURE_ALGORITHMS,
                    HOSTBASED_ACCEPTED_ALGORITHMS, PUBKEY_ACCEPTED_ALGORITHMS -> {
                String arg = av.required();
                Algorithms.Family family = family(op);
                char c = arg.charAt(0);
                if (c != '-' && !Algorithms.valid(family, c == '+' || c == '^' ? arg.substring(1) : arg)) {
                    throw at.error("bad " + family.what + " '" + arg + "' for " + keyword
                            + "; valid names (optionally prefixed by + - ^): " + String.join(",", family.valid()));
                }
                return new Setting(at, op, arg);
            }
            case GSS_KEX_ALGORITHMS -> {
                String arg = av.required();
                if (!Algorithms.validGss(arg)) {
                    throw at.error("bad GSSAPI KexAlgorithms '" + arg + "'; valid: "
                            + String.join(",", Algorithms.GSS_KEX));
                }
                return new Setting(at, op, arg);
            }
            case LOG_LEVEL -> {
                String arg = av.next();
                Integer level = arg == null ? null : LogNames.level(arg);
                if (level == null) {
                    throw at.error("unsupported log level '" + arg + "'; valid: " + LogNames.LEVELS);
                }
                return new Setting(at, op, level);
            }
            case LOG_FACILITY -> {
                String arg = av.next();
                String facility = arg == null ? null : LogNames.facility(arg);
                if (facility == null) {
                    throw at.error("unsupported log facility '" + arg + "'; valid: " + LogNames.FACILITIES);
                }
                return new Setting(at, op, facility);
            }
            case LOCAL_FORWARD, REMOTE_FORWARD, DYNAMIC_FORWARD -> {
                String arg = av.required();
                boolean remote = op == Op.REMOTE_FORWARD;
                boolean dynamic = op == Op.DYNAMIC_FORWARD;
                String spec;
                if (!dynamic) {
                    String arg2 = av.next();
                    if (arg2 == null || arg2.isEmpty()) {
                        if (remote) {
                            dynamic = true;
                        } else {
                            throw at.error("missing target argument for " + keyword
                                    + "; write [bind_address:]port host:hostport");
                        }
                        spec = arg;
                    } else {
                        spec = arg + ":" + arg2;
                    }
                } else {
                    spec = arg;
                }
                Forward fwd = parseForward(spec, dynamic, remote);
                if (fwd == null) {
                    throw at.error("bad forwarding specification \"" + spec + "\" for " + keyword);
                }
                return new Setting(at, op, fwd);
            }
            case PERMIT_REMOTE_OPEN -> {
                List<String> values = new ArrayList<>();
                String arg;
                int i = 0;
                while ((arg = av.next()) != null) {
                    if (arg.equalsIgnoreCase("none") || arg.equalsIgnoreCase("any")) {
                        if (i > 0 || av.remaining() > 0) {
                            throw at.error("keyword " + keyword + " \"" + arg + "\" argument must appear alone");
                        }
                    } else {
                        String[] hp = hostPort(arg);
                        if (hp == null) {
                            throw at.error("missing host in " + keyword + " \"" + arg + "\"");
                        }
                        if (hp[1] == null || (!hp[1].equals("*") && a2port(hp[1]) <= 0)) {
                            throw at.error("bad port number in " + keyword + " \"" + arg
                                    + "\"; write host:port (port may be *)");
                        }
                    }
                    values.add(arg);
                    i++;
                }
                if (i == 0) {
                    throw at.error("missing " + keyword + " specification");
                }
                return new Setting(at, op, values);
            }
            case ESCAPE_CHAR -> {
                String arg = av.required();
                int value;
                if (arg.equals("none")) {
                    value = -2;
                } else if (arg.length() == 1) {
                    value = arg.charAt(0) & 0xff;
                } else if (arg.length() == 2 && arg.charAt(0) == '^' && arg.charAt(1) >= 64 && arg.charAt(1) < 128) {
                    value = arg.charAt(1) & 31;
                } else {
                    throw at.error("bad escape character '" + arg + "'; give one character, ^X or none");
                }
                return new Setting(at, op, value);
            }
            case SEND_ENV -> {
                List<String> values = new ArrayList<>();
                String arg;
                while ((arg = av.next()) != null) {
                    if (arg.isEmpty() || arg.indexOf('=') >= 0) {
                        throw at.error("invalid environment name \"" + arg + "\" for SendEnv (patterns, no '=')");
                    }
                    values.add(arg);
                }
                return new Setting(at, op, values);
            }
            case SET_ENV -> {
                List<String> values = new ArrayList<>();
                String arg;
                while ((arg = av.next()) != null) {
                    if (arg.indexOf('=') < 0) {
                        throw at.error("invalid SetEnv \"" + arg + "\"; write NAME=value");
                    }
                    values.add(arg);
                }
                return new Setting(at, op, values);
            }
            case CONTROL_PERSIST -> {
                String arg = av.next();
                if (arg == null || arg.isEmpty()) {
                    throw at.error("missing ControlPersist argument; give yes, no or a time");
                }
                int value;
                int timeout = 0;
                if (arg.equals("no") || arg.equals("false")) {
                    value = 0;
                } else if (arg.equals("yes") || arg.equals("true")) {
                    value = 1;
                } else if ((timeout = convtime(arg)) >= 0) {
                    value = 1;
                } else {
                    throw at.error("bad ControlPersist argument '" + arg + "'; give yes, no or a time like 10m");
                }
                return new Setting(at, op, new int[] {value, timeout});
            }
            case TUNNEL_DEVICE -> {
                String arg = av.required();
                int[] tun = a2tun(arg);
                if (tun == null) {
                    throw at.error("bad tun device '" + arg + "'; write local[:remote] with numbers or any");
                }
                return new Setting(at, op, tun);
            }
            case IP_QOS -> {
                String arg = av.next();
                int v1 = parseIpqos(arg);
                if (v1 == -1) {
                    throw at.error("bad IPQoS value: " + arg);
                }
                String arg2 = av.next();
                int v2 = v1;
                if (arg2 != null) {
                    v2 = parseIpqos(arg2);
                    if (v2 == -1) {
                        throw at.error("bad IPQoS value: " + arg2);
                    }
                }
                return new Setting(at, op, new int[] {v1, v2});
            }
            case CANONICALIZE_PERMITTED_CNAMES -> {
                List<String> values = new ArrayList<>();
                String arg;
                int i = 0;
                while ((arg = av.next()) != null) {
                    if (arg.equalsIgnoreCase("none")) {
                        if (i > 0 || av.remaining() > 0) {
                            throw at.error("keyword " + keyword + " \"none\" argument must appear alone");
                        }
                        values.add(arg + ":");
                    } else if (arg.equals("*")) {
                        values.add("*:*");
                    } else {
                        String lower = Patterns.lowercase(arg);
                        int colon = lower.indexOf(':');
                        if (colon < 0 || colon == lower.length() - 1) {
                            throw at.error("invalid permitted CNAME \"" + arg + "\"; write source_list:target_list");
                        }
                        values.add(lower);
                    }
                    i++;
                }
                return new Setting(at, op, values);
            }
            case STREAM_LOCAL_BIND_MASK -> {
                String arg = av.next();
                if (arg == null || arg.isEmpty()) {
                    throw at.error("missing StreamLocalBindMask argument; give an octal mask like 0177");
                }
                int v = strtolOctalPrefix(arg);
                if (v < 0 || v > 0777) {
                    throw at.error("bad mask '" + arg + "'; give an octal mask from 0 to 0777");
                }
                return new Setting(at, op, v);
            }
            case FINGERPRINT_HASH -> {
                String arg = av.required();
                for (String name : List.of("MD5", "SHA1", "SHA256", "SHA384", "SHA512")) {
                    if (name.equalsIgnoreCase(arg)) {
                        return new Setting(at, op, name);
                    }
                }
                throw at.error("invalid hash algorithm \"" + arg + "\"; valid: md5, sha256");
            }
            case ADD_KEYS_TO_AGENT -> {
                String arg = av.next();
                String arg2 = av.next();
                int value = arg == null || arg.isEmpty() ? -1 : Op.YES_NO_ASK_CONFIRM.parse(arg);
                if (arg == null || arg.isEmpty()) {
                    throw at.error("missing argument for " + keyword);
                }
                int lifespan = 0;
                if (value == 3 && arg2 != null) {
                    lifespan = convtime(arg2);
                    if (lifespan == -1) {
                        throw at.error("invalid time value '" + arg2 + "'");
                    }
                } else if (value == -1 && arg2 == null) {
                    lifespan = convtime(arg);
                    if (lifespan == -1) {
                        throw at.error("unsupported option '" + arg + "' for " + keyword
                                + "; valid: yes, no, ask, confirm [time], or a time");
                    }
                    value = 1;
                } else if (value == -1 || arg2 != null) {
                    throw at.error("unsupported option for " + keyword
                            + "; valid: yes, no, ask, confirm [time], or a time");
                }
                return new Setting(at, op, new int[] {value, lifespan});
            }
            case REKEY_LIMIT -> {
                String arg = av.required();
                long limit;
                if (arg.equals("default")) {
                    limit = 0;
                } else {
                    limit = scanScaled(arg);
                    if (limit < 0) {
                        throw at.error("bad number '" + arg + "' for RekeyLimit; write e.g. 1G or default");
                    }
                    if (limit != 0 && limit < 16) {
                        throw at.error("RekeyLimit too small (" + arg + "); give at least 16 bytes");
                    }
                }
                Integer interval = null;
                if (av.remaining() > 0) {
                    String t = av.next();
                    if (!t.equals("none")) {
                        interval = parseTime(t, at, keyword);
                    }
                }
                return new Setting(at, op, new Rekey(limit, interval));
            }
            case PROXY_JUMP -> {
                String value = stripLeading(str, Lexer.WHITESPACE + "=");
                Jump jump = parseJump(value, cmdline);
                if (jump == null) {
                    throw at.error("invalid ProxyJump \"" + value + "\"; write [user@]host[:port][,...] or none");
                }
                av.consume();
                return new Setting(at, op, jump);
            }
            default -> throw new IllegalStateException("unhandled opcode " + op);
        }
    }

    /** RekeyLimit's two halves; {@code interval} null when absent or none. */
    record Rekey(long limit, Integer interval) {}

    /** A parsed ProxyJump: {@code none}, or the last hop split out and the earlier hops kept as written. */
    record Jump(boolean none, String user, String host, int port, String extra) {}

    private static Algorithms.Family family(Op op) {
        return switch (op) {
            case CIPHERS -> Algorithms.Family.CIPHER;
            case MACS -> Algorithms.Family.MAC;
            case KEX_ALGORITHMS -> Algorithms.Family.KEX;
            case CA_SIGNATURE_ALGORITHMS -> Algorithms.Family.KEY;
            default -> Algorithms.Family.KEY;
        };
    }

    private MatchLine parseMatch(String str, Origin at) {
        Lexer.Cursor cp = new Lexer.Cursor(str);
        List<Criterion> criteria = new ArrayList<>();
        int attributes = 0;
        String attrib;
        while ((attrib = cp.next(true)) != null && !attrib.isEmpty()) {
            if (attrib.charAt(0) == '#') {
                cp.setNull();
                break;
            }
            String original = attrib;
            boolean negate = attrib.charAt(0) == '!';
            if (negate) {
                attrib = attrib.substring(1);
            }
            String lower = Patterns.lowercase(attrib);
            if (lower.equals("all")) {
                String arg = null;
                if (attributes > 1 || ((arg = cp.next(true)) != null && !arg.isEmpty() && arg.charAt(0) != '#')) {
                    throw at.error("'" + original + "' cannot be combined with other Match attributes");
                }
                if (arg != null && arg.charAt(0) == '#') {
                    cp.setNull();
                }
                criteria.add(new Criterion("all", negate, null, original));
                return finishMatch(cp, criteria, at);
            }
            attributes++;
            if (lower.equals("canonical") || lower.equals("final")) {
                criteria.add(new Criterion(lower, negate, null, original));
                continue;
            }
            String arg = cp.next(true);
            if (arg == null || arg.isEmpty() || arg.charAt(0) == '#') {
                throw at.error("missing Match criteria for " + attrib);
            }
            switch (lower) {
                case "host", "originalhost", "user", "localuser", "exec" ->
                    criteria.add(new Criterion(lower, negate, arg, original));
                default -> throw at.error("unsupported Match attribute " + attrib
                        + "; valid: all, canonical, final, exec, host, originalhost, user, localuser");
            }
        }
        if (attributes == 0) {
            throw at.error("one or more attributes required for Match");
        }
        return finishMatch(cp, criteria, at);
    }

    private static MatchLine finishMatch(Lexer.Cursor cp, List<Criterion> criteria, Origin at) {
        String rest = cp.rest();
        if (rest != null && !rest.isEmpty()) {
            throw at.error("keyword match has extra arguments at end of line: \"" + rest + "\"");
        }
        return new MatchLine(at, criteria);
    }

    private IncludeLine parseInclude(Args av, Origin at, boolean userConfig, int depth) {
        List<ParsedFile> files = new ArrayList<>();
        String arg;
        while ((arg = av.next()) != null) {
            if (arg.isEmpty()) {
                throw at.error("keyword include has an empty argument");
            }
            if (arg.charAt(0) == '~' && !userConfig) {
                throw at.error("bad include path " + arg + ": the system configuration may not use ~");
            }
            String pattern;
            if (arg.charAt(0) != '/' && arg.charAt(0) != '~') {
                pattern = (userConfig ? "~/.ssh" : context.systemConfig().toAbsolutePath().getParent().toString())
                        + "/" + arg;
            } else {
                pattern = arg;
            }
            pattern = globTilde(pattern, at);
            for (Path p : Glob.expand(pattern)) {
                ParsedFile f = readIncluded(p, at, userConfig, depth + 1);
                if (f != null) {
                    files.add(f);
                }
            }
        }
        return new IncludeLine(at, files);
    }

    /** GLOB_TILDE: {@code ~} and {@code ~/} use $HOME, {@code ~user} that user's home. */
    private String globTilde(String pattern, Origin at) {
        if (!pattern.startsWith("~")) {
            return pattern;
        }
        int slash = pattern.indexOf('/');
        String user = slash < 0 ? pattern.substring(1) : pattern.substring(1, slash);
        String rest = slash < 0 ? "" : pattern.substring(slash);
        if (user.isEmpty()) {
            return context.includeHome().toString() + rest;
        }
        try {
            String expanded = Tokens.tilde("~" + user + "/", context);
            return expanded.substring(0, expanded.length() - 1) + rest;
        } catch (Tokens.ExpandException e) {
            return pattern; // glob(3) leaves an unknown ~user alone; it then matches nothing
        }
    }

    private ParsedFile readIncluded(Path p, Origin at, boolean userConfig, int depth) {
        if (Files.isDirectory(p)) {
            return new ParsedFile(p, userConfig, List.of());
        }
        byte[] bytes;
        try {
            checkPermissions(p, at);
            bytes = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw at.error("can't open included config file " + p + ": " + describe(e));
        }
        if (depth > MAX_DEPTH) {
            throw at.error("too many recursive configuration includes (more than " + MAX_DEPTH + " levels)");
        }
        return parse(p, bytes, userConfig, depth);
    }

    private static String describe(IOException e) {
        return e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
    }

    /** secure_permissions(): owned by root or the user, not writable by group or others. */
    private void checkPermissions(Path p, Origin at) throws IOException {
        try {
            Object uid = Files.getAttribute(p, "unix:uid");
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            long owner = ((Number) uid).longValue();
            boolean writable = perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE);
            if ((owner != 0 && owner != context.uid()) || writable) {
                throw at.error("bad owner or permissions on " + p
                        + ": it must be owned by you or root and not writable by group or others");
            }
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // not a POSIX file system: nothing to check
        }
    }

    private void validateAgentPath(String arg, Origin at) {
        if (Tokens.dollarOnly(arg, context.environment()) == null) {
            throw at.error("invalid environment expansion " + arg + "; write ${NAME}");
        }
        if (arg.charAt(0) == '$' && (arg.length() < 2 || arg.charAt(1) != '{') && !validEnvName(arg.substring(1))) {
            throw at.error("invalid environment name " + arg);
        }
    }

    static boolean validEnvName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static String stripLeading(String s, String chars) {
        int i = 0;
        while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return s.substring(i);
    }

    // ---- value parsers (misc.c) ----

    static int parseTime(String arg, Origin at, String keyword) {
        if (arg == null || arg.isEmpty()) {
            throw at.error("missing time value for " + keyword);
        }
        if (arg.equals("none")) {
            return -1;
        }
        int v = convtime(arg);
        if (v == -1) {
            throw at.error("invalid time value '" + arg + "' for " + keyword
                    + "; write seconds or a time like 1h30m, or none");
        }
        return v;
    }

    static int parseInt(String arg, Origin at, String keyword) {
        if (arg == null || arg.isEmpty()) {
            throw at.error("integer value missing for " + keyword);
        }
        Long v = strtonum(arg, 0, Integer.MAX_VALUE);
        if (v == null) {
            throw at.error("integer value '" + arg + "' invalid for " + keyword + "; give 0 to " + Integer.MAX_VALUE);
        }
        return v.intValue();
    }

    /** strtonum(3): a base-10 integer within bounds, else null. */
    static Long strtonum(String s, long min, long max) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        String t = s.substring(i);
        if (t.startsWith("+")) {
            t = t.substring(1);
            if (t.startsWith("-") || t.startsWith("+")) {
                return null;
            }
        }
        if (t.isEmpty()) {
            return null;
        }
        try {
            long v = Long.parseLong(t);
            return v < min || v > max ? null : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** convtime(): seconds, or a sequence of number+unit (s m h d w); -1 when invalid. */
    static int convtime(String s) {
        if (s == null || s.isEmpty()) {
            return -1;
        }
        long total = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isWhitespace(s.charAt(i)) && i == start) {
                i++;
                start = i;
            }
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                if (s.charAt(i) == '-') {
                    return -1;
                }
                i++;
            }
            int digits = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == digits) {
                return -1;
            }
            long secs;
            try {
                secs = Long.parseLong(s.substring(digits, i));
            } catch (NumberFormatException e) {
                return -1;
            }
            if (secs >= Integer.MAX_VALUE) {
                return -1;
            }
            long mult = 1;
            if (i < s.length()) {
                switch (s.charAt(i)) {
                    case 's', 'S' -> mult = 1;
                    case 'm', 'M' -> mult = 60;
                    case 'h', 'H' -> mult = 3600;
                    case 'd', 'D' -> mult = 86400;
                    case 'w', 'W' -> mult = 604800;
                    default -> {
                        return -1;
                    }
                }
                i++;
            }
            if (secs > Integer.MAX_VALUE / mult) {
                return -1;
            }
            secs *= mult;
            if (total > Integer.MAX_VALUE - secs) {
                return -1;
            }
            total += secs;
        }
        return (int) total;
    }

    /** a2port(): 0..65535 or a /etc/services name; -1 when invalid. */
    static int a2port(String s) {
        Long v = strtonum(s, 0, 65535);
        if (v != null) {
            return v.intValue();
        }
        return Services.tcpPort(s);
    }

    private static int[] a2tun(String s) {
        int colon = s.indexOf(':');
        if (colon < 0) {
            int t = a2tunOne(s);
            return t == -2 ? null : new int[] {t, Integer.MAX_VALUE};
        }
        int local = a2tunOne(s.substring(0, colon));
        int remote = a2tunOne(s.substring(colon + 1));
        if (remote == -2 || local == -2) {
            return null;
        }
        return new int[] {local, remote};
    }

    /** One tun id: "any" is SSH_TUNID_ANY (0x7fffffff); -2 marks an error. */
    private static int a2tunOne(String s) {
        if (s.equalsIgnoreCase("any")) {
            return Integer.MAX_VALUE;
        }
        Long v = strtonum(s, 0, Integer.MAX_VALUE - 2);
        return v == null ? -2 : v.intValue();
    }

    static final List<String> IPQOS_NAMES = List.of("none", "af11", "af12", "af13", "af21", "af22", "af23",
            "af31", "af32", "af33", "af41", "af42", "af43", "cs0", "cs1", "cs2", "cs3", "cs4", "cs5", "cs6", "cs7",
            "ef", "le", "lowdelay", "throughput", "reliability");
    static final List<Integer> IPQOS_VALUES = List.of(Integer.MAX_VALUE, 0x28, 0x30, 0x38, 0x48, 0x50, 0x58,
            0x68, 0x70, 0x78, 0x88, 0x90, 0x98, 0x00, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xc0, 0xe0, 0xb8, 0x04, 0x10,
            0x08, 0x04);

    private static int parseIpqos(String s) {
        if (s == null) {
            return -1;
        }
        for (int i = 0; i < IPQOS_NAMES.size(); i++) {
            if (IPQOS_NAMES.get(i).equalsIgnoreCase(s)) {
                return IPQOS_VALUES.get(i);
            }
        }
        if (s.isEmpty()) {
            return -1;
        }
        try {
            long v = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16)
                    : s.length() > 1 && s.startsWith("0") ? Long.parseLong(s.substring(1), 8) : Long.parseLong(s);
            return v < 0 || v > 255 ? -1 : (int) v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String iptos2str(int v) {
        for (int i = 0; i < IPQOS_VALUES.size(); i++) {
            if (IPQOS_VALUES.get(i) == v) {
                return IPQOS_NAMES.get(i);
            }
        }
        return String.format("0x%02x", v);
    }

    private static int strtolOctalPrefix(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
            v = v * 8 + (s.charAt(i) - '0');
            if (v > 1 << 20) {
                return -1;
            }
            i++;
        }
        if (i == start) {
            return -1;
        }
        return (int) (neg ? -v : v);
    }

    /** scan_scaled(): a number with an optional B/K/M/G/T/P/E suffix (powers of 1024); -1 when invalid. */
    private static long scanScaled(String s) {
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            return -1;
        }
        double number;
        try {
            number = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            return -1;
        }
        String unit = s.substring(i);
        long mult;
        switch (unit.toUpperCase(java.util.Locale.ROOT)) {
            case "", "B" -> mult = 1;
            case "K" -> mult = 1L << 10;
            case "M" -> mult = 1L << 20;
            case "G" -> mult = 1L << 30;
            case "T" -> mult = 1L << 40;
            case "P" -> mult = 1L << 50;
            case "E" -> mult = 1L << 60;
            default -> {
                return -1;
            }
        }
        if (unit.isEmpty() && s.indexOf('.') >= 0) {
            return -1;
        }
        return (long) (number * mult);
    }

    /** hpdelim + cleanhostname: {host, port-or-null}, or null when there is no host. */
    static String[] hostPort(String s) {
        String host;
        String rest;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = s.substring(1, close);
            rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                return new String[] {host, null};
            }
            if (rest.charAt(0) != ':') {
                return null;
            }
            return new String[] {host, rest.substring(1)};
        }
        int d = -1;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ':' || s.charAt(i) == '/') {
                d = i;
                break;
            }
        }
        if (d < 0) {
            return new String[] {s, null};
        }
        if (s.charAt(d) == '/') {
            return null;
        }
        host = s.substring(0, d);
        rest = s.substring(d + 1);
        return new String[] {host, rest};
    }

    /** valid_domain(): null when valid, else the reason. */
    static String validDomain(String name) {
        if (name.isEmpty()) {
            return "empty domain name";
        }
        char c0 = name.charAt(0);
        if (!(Character.isLetterOrDigit(c0) && c0 < 128)) {
            return "domain name \"" + name + "\" starts with invalid character";
        }
        char last = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = Character.toLowerCase(name.charAt(i));
            if (last == '.' && c == '.') {
                return "domain name \"" + name + "\" contains consecutive separators";
            }
            if (c != '.' && c != '-' && !(Character.isLetterOrDigit(c) && c < 128) && c != '_') {
                return "domain name \"" + name + "\" contains invalid characters";
            }
            last = c;
        }
        return null;
    }

    private static String lowerDomain(String name) {
        String lower = Patterns.lowercase(name);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** parse_jump(): null when the syntax is invalid. */
    static Jump parseJump(String s, boolean strict) {
        if (s.equalsIgnoreCase("none")) {
            return new Jump(true, null, "none", 0, null);
        }
        String orig = s;
        int hash = orig.indexOf('#');
        if (hash >= 0) {
            orig = orig.substring(0, hash);
        }
        orig = orig.stripTrailing();
        String[] hops = orig.split(",", -1);
        String user = null;
        String host = null;
        int port = -1;
        for (int i = hops.length - 1; i >= 0; i--) {
            String[] uhp = parseUserHostPort(hops[i]);
            if (uhp == null) {
                return null;
            }
            if (strict && (!validHostname(uhp[1]) || (uhp[0] != null && !validRemoteUser(uhp[0])))) {
                return null;
            }
            if (i == hops.length - 1) {
                user = uhp[0];
                host = uhp[1];
                port = uhp[2] == null ? -1 : Integer.parseInt(uhp[2]);
            }
        }
        int lastComma = orig.lastIndexOf(',');
        String extra = lastComma >= 0 ? orig.substring(0, lastComma) : null;
        return new Jump(false, user, host, port, extra);
    }

    /** parse_ssh_uri or parse_user_host_port: {user|null, host, port|null}, or null when invalid. */
    static String[] parseUserHostPort(String s) {
        if (s.startsWith("ssh://")) {
            String t = s.substring(6);
            String user = null;
            int at = t.indexOf('@');
            if (at >= 0) {
                user = t.substring(0, at);
                int semi = user.indexOf(';');
                if (semi >= 0) {
                    user = user.substring(0, semi);
                }
                if (user.isEmpty()) {
                    return null;
                }
                user = urldecode(user);
                if (user == null) {
                    return null;
                }
                t = t.substring(at + 1);
            }
            String host;
            String rest;
            if (t.startsWith("[")) {
                int close = t.indexOf(']');
                if (close < 0) {
                    return null;
                }
                host = t.substring(1, close);
                rest = t.substring(close + 1);
            } else {
                int d = -1;
                for (int i = 0; i < t.length(); i++) {
                    if (t.charAt(i) == ':' || t.charAt(i) == '/') {
                        d = i;
                        break;
                    }
                }
                host = d < 0 ? t : t.substring(0, d);
                rest = d < 0 ? "" : t.substring(d);
            }
            if (host.isEmpty() || validDomain(host) != null) {
                return null;
            }
            String port = null;
            if (rest.startsWith(":")) {
                String p = rest.substring(1);
                int slash = p.indexOf('/');
                String path = slash >= 0 ? p.substring(slash + 1) : "";
                p = slash >= 0 ? p.substring(0, slash) : p;
                if (!p.isEmpty()) {
                    if (a2port(p) <= 0) {
                        return null;
                    }
                    port = String.valueOf(a2port(p));
                }
                if (!path.isEmpty()) {
                    return null; // a path is not allowed
                }
            } else if (rest.startsWith("/") && rest.length() > 1) {
                return null;
            } else if (!rest.isEmpty() && !rest.equals("/")) {
                return null;
            }
            return new String[] {user, host.endsWith(".") ? host.substring(0, host.length() - 1) : host, port};
        }
        String user = null;
        String t = s;
        int at = t.lastIndexOf('@');
        if (at >= 0) {
            user = t.substring(0, at);
            if (user.isEmpty()) {
                return null;
            }
            t = t.substring(at + 1);
        }
        String[] hp = hostPort(t);
        if (hp == null || hp[0].isEmpty()) {
            return null;
        }
        String port = null;
        if (hp[1] != null && !hp[1].isEmpty()) {
            int p = a2port(hp[1]);
            if (p <= 0) {
                return null;
            }
            port = String.valueOf(p);
        }
        return new String[] {user, hp[0], port};
    }

    private static String urldecode(String src) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '+') {
                b.append(' ');
            } else if (c == '%') {
                if (i + 2 >= src.length()) {
                    return null;
                }
                int v;
                try {
                    v = Integer.parseInt(src.substring(i + 1, i + 3), 16);
                } catch (NumberFormatException e) {
                    return null;
                }
                if (v == 0) {
                    return null;
                }
                b.append((char) v);
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** ssh_valid_hostname(). */
    static boolean validHostname(String s) {
        if (s.startsWith("-")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("'`\"$\\;&<>|(){},".indexOf(c) >= 0 || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

    /** ssh_valid_ruser(). */
    static boolean validRemoteUser(String s) {
        if (s.startsWith("-")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || "'`\";&<>|(){}".indexOf(c) >= 0) {
                return false;
            }
            if (Character.isWhitespace(c) && i + 1 < s.length() && s.charAt(i + 1) == '-') {
                return false;
            }
            if (c == '\\' && i + 1 == s.length()) {
                return false;
            }
        }
        return true;
    }

    /** parse_forward(); null when invalid. */
    Forward parseForward(String spec, boolean dynamic, boolean remote) {
        String p = Tokens.dollarOnly(spec, context.environment());
        if (p == null) {
            return null;
        }
        int i0 = 0;
        while (i0 < p.length() && Character.isWhitespace(p.charAt(i0))) {
            i0++;
        }
        StringBuilder cp = new StringBuilder(p.substring(i0));
        List<String> args = new ArrayList<>();
        List<Boolean> paths = new ArrayList<>();
        int pos = 0;
        boolean trailing = false;
        for (int n = 0; n < 4; n++) {
            if (pos >= cp.length()) {
                pos = -1;
                break;
            }
            if (cp.charAt(pos) == '[') {
                int ep = pos + 1;
                boolean isPath = false;
                while (ep < cp.length() && cp.charAt(ep) != ']') {
                    if (cp.charAt(ep) == '/') {
                        isPath = true;
                    }
                    ep++;
                }
                if (ep >= cp.length() || (ep + 1 < cp.length() && cp.charAt(ep + 1) != ':')) {
                    break;
                }
                args.add(cp.substring(pos + 1, ep));
                paths.add(isPath);
                pos = ep + 1 < cp.length() ? ep + 2 : ep + 1;
                continue;
            }
            int i = pos;
            boolean isPath = false;
            boolean bad = false;
            StringBuilder field = new StringBuilder();
            boolean ended = false;
            for (; i < cp.length(); i++) {
                char c = cp.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= cp.length()) {
                        bad = true;
                        break;
                    }
                    field.append(cp.charAt(++i));
                    continue;
                }
                if (c == '/') {
                    isPath = true;
                } else if (c == ':') {
                    ended = true;
                    break;
                }
                field.append(c);
            }
            if (bad) {
                break;
            }
            args.add(field.toString());
            paths.add(isPath);
            pos = ended ? i + 1 : cp.length();
        }
        if (pos >= 0 && pos < cp.length()) {
            trailing = true;
        }
        int n = trailing ? 0 : args.size();
        String listenHost = null;
        String listenPath = null;
        String connectHost = null;
        String connectPath = null;
        int listenPort = 0;
        int connectPort = 0;
        switch (n) {
            case 1 -> {
                if (paths.get(0)) {
                    listenPath = args.get(0);
                    listenPort = Forward.PORT_STREAMLOCAL;
                } else {
                    listenPort = a2port(args.get(0));
                }
                connectHost = "socks";
            }
            case 2 -> {
                if (paths.get(0) && paths.get(1)) {
                    listenPath = args.get(0);
                    listenPort = Forward.PORT_STREAMLOCAL;
                    connectPath = args.get(1);
                    connectPort = Forward.PORT_STREAMLOCAL;
                } else if (paths.get(1)) {
                    listenPort = a2port(args.get(0));
                    connectPath = args.get(1);
                    connectPort = Forward.PORT_STREAMLOCAL;
                } else {
                    listenHost = args.get(0);
                    listenPort = a2port(args.get(1));
                    connectHost = "socks";
                }
            }
            case 3 -> {
                if (paths.get(0)) {
                    listenPath = args.get(0);
                    listenPort = Forward.PORT_STREAMLOCAL;
                    connectHost = args.get(1);
                    connectPort = a2port(args.get(2));
                } else if (paths.get(2)) {
                    listenHost = args.get(0);
                    listenPort = a2port(args.get(1));
                    connectPath = args.get(2);
                    connectPort = Forward.PORT_STREAMLOCAL;
                } else {
                    listenPort = a2port(args.get(0));
                    connectHost = args.get(1);
                    connectPort = a2port(args.get(2));
                }
            }
            case 4 -> {
                listenHost = args.get(0);
                listenPort = a2port(args.get(1));
                connectHost = args.get(2);
                connectPort = a2port(args.get(3));
            }
            default -> {
                return null;
            }
        }
        if (dynamic) {
            if (!(n == 1 || n == 2)) {
                return null;
            }
        } else {
            if (!(n == 3 || n == 4)) {
                if (connectPath == null && listenPath == null) {
                    return null;
                }
            }
            if (connectPort <= 0 && connectPath == null) {
                return null;
            }
        }
        if ((listenPort < 0 && listenPath == null) || (!remote && listenPort == 0)) {
            return null;
        }
        if ((connectHost != null && connectHost.length() >= 1025) || (listenHost != null && listenHost.length() >= 1025)
                || (connectPath != null && connectPath.length() >= 108)
                || (listenPath != null && listenPath.length() >= 108)) {
            return null;
        }
        return new Forward(listenHost, listenPort, listenPath, connectHost, connectPort, connectPath);
    }

    /** The argument vector of one line, consumed like argv_next(). */
    static final class Args {
        private final List<String> argv;
        private final Origin at;
        private final String keyword;
        private int i;

        Args(List<String> argv, Origin at, String keyword) {
            this.argv = argv;
            this.at = at;
            this.keyword = keyword;
        }

        String next() {
            return i < argv.size() ? argv.get(i++) : null;
        }

        String required() {
            String a = next();
            if (a == null || a.isEmpty()) {
                throw at.error("missing argument for " + keyword);
            }
            return a;
        }

        int remaining() {
            return argv.size() - i;
        }

        List<String> rest() {
            return argv.subList(i, argv.size());
        }

        void consume() {
            i = argv.size();
        }
    }
}
