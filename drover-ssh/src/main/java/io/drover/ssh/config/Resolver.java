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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One resolution of a destination against parsed configuration, following ssh.c's main(): first pass, HostName
 * %h expansion and lower-casing, optional final pass ({@code Match final}/{@code canonical} or
 * CanonicalizeHostname), fill_default_options(), token expansion, then what {@code ssh -G} prints.
 */
final class Resolver {
    private final SshConfig config;
    private final ConfigContext ctx;
    private final Options o = new Options();
    private String host;
    private String hostArg;
    private boolean finalPass;
    private boolean wantFinalPass;

    Resolver(SshConfig config) {
        this.config = config;
        this.ctx = config.context();
    }

    /** {@code [user@]alias[:port]} (or {@code [user@][alias]:port}) split into its parts. */
    record Destination(String user, String host, int port) {}

    static Destination parseDestination(String destination) {
        String user = null;
        String rest = destination;
        int at = destination.lastIndexOf('@');
        if (at >= 0) {
            user = destination.substring(0, at);
            rest = destination.substring(at + 1);
            if (user.isEmpty()) {
                throw new SshConfigException("destination \"" + destination + "\" has an empty user before '@'");
            }
            if (!ConfigParser.validRemoteUser(user)) {
                throw new SshConfigException("remote user name \"" + user + "\" contains invalid characters");
            }
        }
        String h = rest;
        int port = -1;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new SshConfigException("destination \"" + destination + "\" lacks the closing ']'");
            }
            h = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new SshConfigException("destination \"" + destination + "\": expected ':port' after ']'");
            }
        } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
            h = rest.substring(0, rest.indexOf(':'));
            portText = rest.substring(rest.indexOf(':') + 1);
        }
        if (portText != null) {
            Long p = ConfigParser.strtonum(portText, 1, 65535);
            if (p == null) {
                throw new SshConfigException("destination \"" + destination + "\" has a bad port \"" + portText
                        + "\"; give 1 to 65535");
            }
            port = p.intValue();
        }
        if (h.isEmpty()) {
            throw new SshConfigException("destination \"" + destination + "\" has no host; write [user@]host[:port]");
        }
        if (!ConfigParser.validHostname(h)) {
            throw new SshConfigException("host name \"" + h + "\" contains invalid characters");
        }
        return new Destination(user, h, port);
    }

    HostConfig resolve(String destination) {
        Destination d = parseDestination(destination);
        Origin cli = new Origin(ConfigParser.COMMAND_LINE, 0);
        if (d.user() != null) {
            o.setIfUnset(Op.USER, d.user(), cli);
        }
        if (d.port() > 0) {
            o.setIfUnset(Op.PORT, d.port(), cli);
        }
        for (Directive dir : config.commandLine()) {
            if (dir instanceof Setting s) {
                o.apply(s, true, true);
            }
        }
        hostArg = d.host();
        host = d.host();
        readFiles();

        if (o.has(Op.HOSTNAME)) {
            host = expand(o.string(Op.HOSTNAME), Map.of('h', hostArg), false, Op.HOSTNAME);
            o.values.put(Op.HOSTNAME, host);
        }
        if (!isAddrFast(host)) {
            host = Patterns.lowercase(host);
        }
        int canonicalize = o.intValue(Op.CANONICALIZE_HOSTNAME, 0);
        if (canonicalize != 0 && !wantFinalPass) {
            wantFinalPass = true;
        }
        if (wantFinalPass) {
            o.values.put(Op.HOSTNAME, host);
            finalPass = true;
            readFiles();
        }
        Finisher f = new Finisher(o, ctx, host, hostArg);
        return f.finish();
    }

    private void readFiles() {
        for (ParsedFile f : config.sources()) {
            boolean[] active = {true};
            process(f, active, false);
        }
    }

    private void process(ParsedFile f, boolean[] active, boolean neverMatch) {
        List<Directive> dirs = f.directives();
        int[] next = f.nextEffective();
        int n = dirs.size();
        for (int i = 0; i < n; i++) {
            if (!active[0]) {
                i = next[i];
                if (i >= n) {
                    break;
                }
            }
            switch (dirs.get(i)) {
                case HostLine h -> active[0] = !neverMatch && hostMatches(h);
                case MatchLine m -> {
                    boolean r = matches(m, neverMatch);
                    active[0] = !neverMatch && r;
                }
                case IncludeLine inc -> {
                    boolean oactive = active[0];
                    for (ParsedFile included : inc.files()) {
                        process(included, active, neverMatch || !oactive);
                        active[0] = oactive;
                    }
                }
                case Setting s -> o.apply(s, active[0], f.userConfig());
                case Unknown u -> {
                    // warned about at load time; no effect
                }
            }
        }
    }

    private boolean hostMatches(HostLine h) {
        boolean active = false;
        String[] bare = h.bare();
        for (int i = 0; i < bare.length; i++) {
            if (h.literal()[i] ? host.equals(bare[i]) : Patterns.match(host, bare[i])) {
                if (h.negated()[i]) {
                    return false;
                }
                active = true;
            }
        }
        return active;
    }

    /** match_cfg_line(). */
    private boolean matches(MatchLine m, boolean neverMatch) {
        int port = o.intValue(Op.PORT, -1) <= 0 ? 22 : o.intValue(Op.PORT, -1);
        String ruser = o.has(Op.USER) ? o.string(Op.USER) : ctx.localUser();
        String criteriaHost;
        if (finalPass) {
            criteriaHost = o.string(Op.HOSTNAME);
        } else if (o.has(Op.HOSTNAME)) {
            criteriaHost = expand(o.string(Op.HOSTNAME), Map.of('h', host), false, Op.HOSTNAME);
        } else {
            criteriaHost = host;
        }
        boolean result = true;
        for (Criterion c : m.criteria()) {
            boolean r;
            switch (c.attribute()) {
                case "all" -> {
                    return result && !c.negate();
                }
                case "canonical", "final" -> {
                    if (c.attribute().equals("final")) {
                        wantFinalPass = true;
                    }
                    r = finalPass;
                }
                case "host" -> r = Patterns.matchHostname(criteriaHost, c.argument()) == 1;
                case "originalhost" -> r = Patterns.matchHostname(hostArg, c.argument()) == 1;
                case "user" -> r = Patterns.matchList(ruser, c.argument(), false) == 1;
                case "localuser" -> r = Patterns.matchList(ctx.localUser(), c.argument(), false) == 1;
                case "exec" -> {
                    if (!result || neverMatch) {
                        continue;
                    }
                    String thisHost = ctx.localHostName();
                    String portStr = String.valueOf(port);
                    String keyAlias = o.has(Op.HOST_KEY_ALIAS) ? o.string(Op.HOST_KEY_ALIAS) : criteriaHost;
                    Map<Character, String> keys = new HashMap<>();
                    keys.put('C', connectionHash(thisHost, criteriaHost, portStr, ruser));
                    keys.put('L', shortHost(thisHost));
                    keys.put('d', ctx.homeDir().toString());
                    keys.put('h', criteriaHost);
                    keys.put('k', keyAlias);
                    keys.put('l', thisHost);
                    keys.put('n', hostArg);
                    keys.put('p', portStr);
                    keys.put('r', ruser);
                    keys.put('u', ctx.localUser());
                    keys.put('i', String.valueOf(ctx.uid()));
                    String cmd;
                    try {
                        cmd = Tokens.expand(c.argument(), keys, false, ctx.environment());
                    } catch (Tokens.ExpandException e) {
                        throw m.origin().error("Match exec: " + e.getMessage());
                    }
                    r = config.exec(cmd, m.origin());
                }
                default -> throw new IllegalStateException("unknown Match attribute " + c.attribute());
            }
            if (r == c.negate()) {
                result = false;
            }
        }
        return result;
    }

    private String expand(String value, Map<Character, String> keys, boolean dollar, Op op) {
        try {
            return Tokens.expand(value, keys, dollar, ctx.environment());
        } catch (Tokens.ExpandException e) {
            Origin at = o.origins.getOrDefault(op, new Origin(ConfigParser.COMMAND_LINE, 0));
            throw at.error(op.sshG + ": " + e.getMessage());
        }
    }

    static boolean isAddrFast(String name) {
        if (name.indexOf('%') >= 0 || name.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    static String shortHost(String thisHost) {
        int dot = thisHost.indexOf('.');
        return dot < 0 ? thisHost : thisHost.substring(0, dot);
    }

    /** ssh_connection_hash(): SHA-1 hex of %l %h %p %r concatenated. */
    static String connectionHash(String thisHost, String host, String port, String user) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(thisHost.getBytes(StandardCharsets.ISO_8859_1));
            md.update(host.getBytes(StandardCharsets.ISO_8859_1));
            md.update(port.getBytes(StandardCharsets.ISO_8859_1));
            md.update(user.getBytes(StandardCharsets.ISO_8859_1));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    /** fill_default_options(), ssh.c's checks and expansions, and dump_client_config(). */
    static final class Finisher {
        private final Options o;
        private final ConfigContext ctx;
        private final String host;
        private final String hostArg;
        private final Map<String, List<String>> g = new LinkedHashMap<>();

        Finisher(Options o, ConfigContext ctx, String host, String hostArg) {
            this.o = o;
            this.ctx = ctx;
            this.host = host;
            this.hostArg = hostArg;
        }

        private int get(Op op, int dflt) {
            Object v = o.values.get(op);
            if (v == null) {
                o.values.put(op, dflt);
                return dflt;
            }
            return (Integer) v;
        }

        private Origin origin(Op op) {
            return o.origins.getOrDefault(op, new Origin(ConfigParser.COMMAND_LINE, 0));
        }

        HostConfig finish() {
            // fill_default_options()
            int clearForwardings = get(Op.CLEAR_ALL_FORWARDINGS, 0);
            get(Op.EXIT_ON_FORWARD_FAILURE, 0);
            if (clearForwardings == 1) {
                o.localForwards = new ArrayList<>();
                o.remoteForwards = new ArrayList<>();
                o.values.put(Op.TUNNEL, 0);
            }
            int batchMode = get(Op.BATCH_MODE, 0);
            if (o.identityFiles.isEmpty()) {
                for (String id : List.of("id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk",
                        "id_xmss", "id_dsa")) {
                    o.identityFiles.add(new Options.UserPath("~/.ssh/" + id, false, null));
                }
            }
            if (o.systemHostFiles.isEmpty()) {
                o.systemHostFiles = new ArrayList<>(List.of("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"));
            }
            if (!o.has(Op.UPDATE_HOSTKEYS)) {
                int verifyDns = o.intValue(Op.VERIFY_HOST_KEY_DNS, -1);
                boolean defaultFiles = o.userHostFiles.isEmpty()
                        || (o.userHostFiles.size() == 1 && o.userHostFiles.get(0).equals("~/.ssh/known_hosts"));
                o.values.put(Op.UPDATE_HOSTKEYS, verifyDns <= 0 && defaultFiles ? 1 : 0);
            }
            if (o.userHostFiles.isEmpty()) {
                o.userHostFiles = new ArrayList<>(List.of("~/.ssh/known_hosts", "~/.ssh/known_hosts2"));
            }
            if (!o.has(Op.SERVER_ALIVE_INTERVAL)) {
                o.values.put(Op.SERVER_ALIVE_INTERVAL, batchMode == 1 ? 300 : 0);
            }
            String ciphers = assemble(Op.CIPHERS, Algorithms.Family.CIPHER);
            String macs = assemble(Op.MACS, Algorithms.Family.MAC);
            String kex = assemble(Op.KEX_ALGORITHMS, Algorithms.Family.KEX);
            String hostbased = assemble(Op.HOSTBASED_ACCEPTED_ALGORITHMS, Algorithms.Family.KEY);
            String pubkey = assemble(Op.PUBKEY_ACCEPTED_ALGORITHMS, Algorithms.Family.KEY);
            String caSigs = assemble(Op.CA_SIGNATURE_ALGORITHMS, Algorithms.Family.CA_SIG);
            for (Op op : List.of(Op.LOCAL_COMMAND, Op.REMOTE_COMMAND, Op.PROXY_COMMAND, Op.CONTROL_PATH,
                    Op.REVOKED_HOST_KEYS, Op.PKCS11_PROVIDER, Op.SECURITY_KEY_PROVIDER, Op.KNOWN_HOSTS_COMMAND)) {
                String v = o.string(op);
                if (v != null && v.equalsIgnoreCase("none")) {
                    o.values.remove(op);
                }
            }
            if ("none".equals(o.jumpHost) && o.jumpPort == 0 && o.jumpUser == null) {
                o.jumpHost = null;
            }
            if (o.permittedCnames.size() == 1 && o.permittedCnames.get(0).equalsIgnoreCase("none:")) {
                o.permittedCnames.clear();
            }

            // ssh.c main() after fill_default_options()
            String user = o.has(Op.USER) ? o.string(Op.USER) : ctx.localUser();
            int port = o.intValue(Op.PORT, 0);
            if (o.jumpHost != null) {
                int p = port <= 0 ? 22 : port;
                int jp = o.jumpPort <= 0 ? 22 : o.jumpPort;
                String ju = o.jumpUser == null ? user : o.jumpUser;
                if (o.jumpHost.equals(host) && p == jp && user.equals(ju)) {
                    throw o.jumpOrigin.error("jumphost loop via " + o.jumpHost);
                }
            }
            if (port == 0) {
                port = 22;
            }
            String hostKeyAlias = o.has(Op.HOST_KEY_ALIAS) ? Patterns.lowercase(o.string(Op.HOST_KEY_ALIAS)) : null;
            int requestTty = get(Op.REQUEST_TTY, Op.REQUEST_TTY_AUTO);
            int logLevel = get(Op.LOG_LEVEL, LogNames.INFO);
            int controlPersist = o.has(Op.CONTROL_PERSIST) ? ((int[]) o.values.get(Op.CONTROL_PERSIST))[0] : 0;
            if (o.intValue(Op.UPDATE_HOSTKEYS, 0) == 2) {
                if (controlPersist != 0 && o.has(Op.CONTROL_PATH)) {
                    o.values.put(Op.UPDATE_HOSTKEYS, 0);
                } else if (o.has(Op.REMOTE_COMMAND) || requestTty == Op.REQUEST_TTY_NO) {
                    o.values.put(Op.UPDATE_HOSTKEYS, 0);
                } else if (logLevel < LogNames.INFO) {
                    o.values.put(Op.UPDATE_HOSTKEYS, 0);
                }
            }
            int connectionAttempts = get(Op.CONNECTION_ATTEMPTS, 1);
            if (connectionAttempts <= 0) {
                throw origin(Op.CONNECTION_ATTEMPTS).error("invalid number of ConnectionAttempts ("
                        + connectionAttempts + "); give 1 or more");
            }

            String thisHost = ctx.localHostName();
            Map<Character, String> keys = new HashMap<>();
            keys.put('C', connectionHash(thisHost, host, String.valueOf(port), user));
            keys.put('L', shortHost(thisHost));
            keys.put('i', String.valueOf(ctx.uid()));
            keys.put('k', hostKeyAlias != null ? hostKeyAlias : hostArg);
            keys.put('l', thisHost);
            keys.put('n', hostArg);
            keys.put('p', String.valueOf(port));
            keys.put('d', ctx.homeDir().toString());
            keys.put('h', host);
            keys.put('r', user);
            keys.put('u', ctx.localUser());

            String remoteCommand = o.has(Op.REMOTE_COMMAND) ? expand(o.string(Op.REMOTE_COMMAND), keys, false,
                    Op.REMOTE_COMMAND) : null;
            String controlPath = o.has(Op.CONTROL_PATH)
                    ? expand(tilde(o.string(Op.CONTROL_PATH), Op.CONTROL_PATH), keys, true, Op.CONTROL_PATH) : null;
            String identityAgent = o.has(Op.IDENTITY_AGENT)
                    ? expand(tilde(o.string(Op.IDENTITY_AGENT), Op.IDENTITY_AGENT), keys, true, Op.IDENTITY_AGENT)
                    : null;
            String forwardAgentSock = o.has(Op.FORWARD_AGENT_SOCK)
                    ? expand(tilde(o.string(Op.FORWARD_AGENT_SOCK), Op.FORWARD_AGENT_SOCK), keys, true,
                            Op.FORWARD_AGENT_SOCK)
                    : null;
            List<String> systemHostFiles = o.systemHostFiles;
            if (systemHostFiles.get(0).equalsIgnoreCase("none")) {
                systemHostFiles = List.of();
            }
            List<String> userHostFiles = new ArrayList<>();
            if (!o.userHostFiles.get(0).equalsIgnoreCase("none")) {
                for (String f : o.userHostFiles) {
                    userHostFiles.add(expand(tilde(f, Op.USER_KNOWN_HOSTS_FILE), keys, true,
                            Op.USER_KNOWN_HOSTS_FILE));
                }
            }
            List<Forward> localForwards = expandForwards(o.localForwards, keys);
            List<Forward> remoteForwards = expandForwards(o.remoteForwards, keys);

            // dump_client_config()
            String hostKeyAlgorithms = assemble(Op.HOST_KEY_ALGORITHMS, Algorithms.Family.KEY);
            put("host", hostArg);
            put("user", user);
            put("hostname", host);
            put("port", String.valueOf(port));
            fmt(Op.ADDRESS_FAMILY, 0);
            fmt(Op.BATCH_MODE, 0);
            fmt(Op.CANONICALIZE_FALLBACK_LOCAL, 1);
            fmt(Op.CANONICALIZE_HOSTNAME, 0);
            fmt(Op.CHECK_HOST_IP, 0);
            fmt(Op.COMPRESSION, 0);
            fmt(Op.CONTROL_MASTER, 0);
            fmt(Op.ENABLE_SSH_KEYSIGN, 0);
            fmt(Op.CLEAR_ALL_FORWARDINGS, 0);
            fmt(Op.EXIT_ON_FORWARD_FAILURE, 0);
            put("fingerprinthash", o.has(Op.FINGERPRINT_HASH) ? o.string(Op.FINGERPRINT_HASH) : "SHA256");
            fmt(Op.FORWARD_X11, 0);
            fmt(Op.FORWARD_X11_TRUSTED, 1);
            fmt(Op.GATEWAY_PORTS, 0);
            fmt(Op.GSS_AUTHENTICATION, 0);
            fmt(Op.GSS_KEY_EX, 0);
            fmt(Op.GSS_DELEGATE_CREDS, 0);
            fmt(Op.GSS_TRUST_DNS, 0);
            fmt(Op.GSS_RENEWAL_REKEY, 0);
            str(Op.GSS_CLIENT_IDENTITY);
            str(Op.GSS_SERVER_IDENTITY);
            put("gssapikexalgorithms",
                    o.has(Op.GSS_KEX_ALGORITHMS) ? o.string(Op.GSS_KEX_ALGORITHMS) : Algorithms.DEFAULT_GSS_KEX);
            fmt(Op.HASH_KNOWN_HOSTS, 0);
            fmt(Op.HOSTBASED_AUTHENTICATION, 0);
            fmt(Op.IDENTITIES_ONLY, 0);
            fmt(Op.KBD_INTERACTIVE_AUTHENTICATION, 1);
            fmt(Op.NO_HOST_AUTHENTICATION_FOR_LOCALHOST, 0);
            fmt(Op.PASSWORD_AUTHENTICATION, 1);
            fmt(Op.PERMIT_LOCAL_COMMAND, 0);
            if (o.jumpHost != null) {
                o.values.put(Op.PROXY_USE_FDPASS, 0);
            }
            fmt(Op.PROXY_USE_FDPASS, 0);
            fmt(Op.PUBKEY_AUTHENTICATION, 3);
            fmt(Op.REQUEST_TTY, Op.REQUEST_TTY_AUTO);
            fmt(Op.SESSION_TYPE, 2);
            fmt(Op.STDIN_NULL, 0);
            fmt(Op.FORK_AFTER_AUTHENTICATION, 0);
            fmt(Op.STREAM_LOCAL_BIND_UNLINK, 0);
            fmt(Op.STRICT_HOST_KEY_CHECKING, Op.STRICT_ASK);
            fmt(Op.TCP_KEEP_ALIVE, 1);
            fmt(Op.TUNNEL, 0);
            fmt(Op.VERIFY_HOST_KEY_DNS, 0);
            fmt(Op.VISUAL_HOST_KEY, 0);
            fmt(Op.UPDATE_HOSTKEYS, 0);
            fmt(Op.ENABLE_ESCAPE_COMMANDLINE, 0);
            num(Op.CANONICALIZE_MAX_DOTS, 1);
            num(Op.CONNECTION_ATTEMPTS, 1);
            num(Op.FORWARD_X11_TIMEOUT, 1200);
            num(Op.NUMBER_OF_PASSWORD_PROMPTS, 3);
            num(Op.SERVER_ALIVE_COUNT_MAX, 3);
            num(Op.SERVER_ALIVE_INTERVAL, 0);
            num(Op.REQUIRED_RSA_SIZE, 1024);
            str(Op.BIND_ADDRESS);
            str(Op.BIND_INTERFACE);
            put("ciphers", ciphers);
            putIfNotNull("controlpath", controlPath);
            put("hostkeyalgorithms", hostKeyAlgorithms);
            putIfNotNull("hostkeyalias", hostKeyAlias);
            put("hostbasedacceptedalgorithms", hostbased);
            putIfNotNull("identityagent", identityAgent);
            str(Op.IGNORE_UNKNOWN);
            str(Op.KBD_INTERACTIVE_DEVICES);
            put("kexalgorithms", kex);
            put("casignaturealgorithms", caSigs);
            str(Op.LOCAL_COMMAND);
            putIfNotNull("remotecommand", remoteCommand);
            put("loglevel", LogNames.levelName(logLevel));
            put("macs", macs);
            str(Op.PKCS11_PROVIDER);
            if (o.has(Op.SECURITY_KEY_PROVIDER) || !o.origins.containsKey(Op.SECURITY_KEY_PROVIDER)) {
                put("securitykeyprovider",
                        o.has(Op.SECURITY_KEY_PROVIDER) ? o.string(Op.SECURITY_KEY_PROVIDER) : "internal");
            }
            str(Op.PREFERRED_AUTHENTICATIONS);
            put("pubkeyacceptedalgorithms", pubkey);
            str(Op.REVOKED_HOST_KEYS);
            put("xauthlocation", o.has(Op.XAUTH_LOCATION) ? o.string(Op.XAUTH_LOCATION) : "/usr/bin/xauth");
            str(Op.KNOWN_HOSTS_COMMAND);
            forwards("dynamicforward", localForwards, true);
            forwards("localforward", localForwards, false);
            forwards("remoteforward", remoteForwards, false);
            for (Options.UserPath p : o.identityFiles) {
                put("identityfile", p.path());
            }
            oneLine("canonicaldomains", o.canonicalDomains);
            for (Options.UserPath p : o.certificateFiles) {
                put("certificatefile", p.path());
            }
            oneLine("globalknownhostsfile", o.systemHostFiles);
            oneLine("userknownhostsfile", userHostFiles);
            for (String e : o.sendEnv) {
                put("sendenv", e);
            }
            for (String e : o.setEnv) {
                put("setenv", e);
            }
            oneLine("logverbose", o.logVerbose);
            if (o.permittedRemoteOpens.isEmpty()) {
                put("permitremoteopen", "any");
            } else {
                oneLine("permitremoteopen", o.permittedRemoteOpens);
            }
            int[] addKeys = o.has(Op.ADD_KEYS_TO_AGENT) ? (int[]) o.values.get(Op.ADD_KEYS_TO_AGENT) : new int[2];
            if (addKeys[1] <= 0) {
                put("addkeystoagent", Op.ADD_KEYS_TO_AGENT.formatInt(addKeys[0]));
            } else {
                put("addkeystoagent", (addKeys[0] == 3 ? "confirm " : "") + addKeys[1]);
            }
            int forwardAgent = get(Op.FORWARD_AGENT, 0);
            put("forwardagent", forwardAgentSock == null ? Op.FORWARD_AGENT.formatInt(forwardAgent) : forwardAgentSock);
            int connectTimeout = o.intValue(Op.CONNECT_TIMEOUT, -1);
            put("connecttimeout", connectTimeout == -1 ? "none" : String.valueOf(connectTimeout));
            int[] tun = o.has(Op.TUNNEL_DEVICE) ? (int[]) o.values.get(Op.TUNNEL_DEVICE)
                    : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE};
            put("tunneldevice", (tun[0] == Integer.MAX_VALUE ? "any" : String.valueOf(tun[0])) + ":"
                    + (tun[1] == Integer.MAX_VALUE ? "any" : String.valueOf(tun[1])));
            put("canonicalizePermittedcnames", o.permittedCnames.isEmpty() ? "none"
                    : String.join(" ", o.permittedCnames));
            int[] persist = o.has(Op.CONTROL_PERSIST) ? (int[]) o.values.get(Op.CONTROL_PERSIST) : new int[2];
            put("controlpersist", persist[0] == 0 || persist[1] == 0 ? Op.CONTROL_PERSIST.formatInt(persist[0])
                    : String.valueOf(persist[1]));
            int escape = o.intValue(Op.ESCAPE_CHAR, '~');
            put("escapechar", escape == -2 ? "none" : vis(escape));
            int[] qos = o.has(Op.IP_QOS) ? (int[]) o.values.get(Op.IP_QOS) : new int[] {0x10, 0x08};
            put("ipqos", ConfigParser.iptos2str(qos[0]) + " " + ConfigParser.iptos2str(qos[1]));
            long rekeyLimit = o.has(Op.REKEY_LIMIT) ? (Long) o.values.get(Op.REKEY_LIMIT) : 0;
            put("rekeylimit", Long.toUnsignedString(rekeyLimit) + " " + o.intValue(Op.REKEY_INTERVAL, 0));
            put("streamlocalbindmask", "0" + Integer.toOctalString(
                    o.streamLocalBindMask == null ? 0177 : o.streamLocalBindMask));
            put("syslogfacility", o.has(Op.LOG_FACILITY) ? o.string(Op.LOG_FACILITY) : "USER");
            String proxyCommand = o.string(Op.PROXY_COMMAND);
            if (o.jumpHost == null) {
                putIfNotNull("proxycommand", proxyCommand);
            } else {
                boolean numeric = o.jumpHost.indexOf(':') >= 0 || isDigitsAndDots(o.jumpHost);
                put("proxyjump", (o.jumpExtra == null ? "" : o.jumpExtra + ",")
                        + (o.jumpUser == null ? "" : o.jumpUser + "@")
                        + (numeric ? "[" : "") + o.jumpHost + (numeric ? "]" : "")
                        + (o.jumpPort <= 0 ? "" : ":" + o.jumpPort));
            }
            return build(user, port, keys, identityAgent, userHostFiles, systemHostFiles, hostKeyAlgorithms, kex,
                    ciphers, macs, proxyCommand, batchMode);
        }

        private HostConfig build(String user, int port, Map<Character, String> keys, String identityAgent,
                List<String> userHostFiles, List<String> systemHostFiles, String hostKeyAlgorithms, String kex,
                String ciphers, String macs, String proxyCommand, int batchMode) {
            List<Path> identities = new ArrayList<>();
            for (Options.UserPath p : o.identityFiles) {
                if (!p.path().equalsIgnoreCase("none")) {
                    identities.add(Path.of(expandAt(p.path(), keys, p.origin(), Op.IDENTITY_FILE)));
                }
            }
            List<Path> certificates = new ArrayList<>();
            for (Options.UserPath p : o.certificateFiles) {
                certificates.add(Path.of(expandAt(p.path(), keys, p.origin(), Op.CERTIFICATE_FILE)));
            }
            List<Path> globalFiles = new ArrayList<>();
            for (String f : systemHostFiles) {
                globalFiles.add(Path.of(tilde(f, Op.GLOBAL_KNOWN_HOSTS_FILE)));
            }
            List<String> jumps = new ArrayList<>();
            if (g.containsKey("proxyjump")) {
                jumps.addAll(List.of(g.get("proxyjump").get(0).split(",")));
            }
            Optional<String> proxy = Optional.empty();
            if (o.jumpHost == null && proxyCommand != null) {
                proxy = Optional.of(expand(proxyCommand, keys, false, Op.PROXY_COMMAND));
            }
            int connectTimeout = o.intValue(Op.CONNECT_TIMEOUT, -1);
            int strict = o.intValue(Op.STRICT_HOST_KEY_CHECKING, Op.STRICT_ASK);
            StrictHostKeyChecking shkc = switch (strict) {
                case Op.STRICT_YES -> StrictHostKeyChecking.YES;
                case Op.STRICT_NEW -> StrictHostKeyChecking.ACCEPT_NEW;
                case Op.STRICT_OFF -> StrictHostKeyChecking.NO;
                default -> StrictHostKeyChecking.ASK;
            };
            Map<String, String> setEnv = new LinkedHashMap<>();
            for (String e : o.setEnv) {
                int eq = e.indexOf('=');
                setEnv.putIfAbsent(e.substring(0, eq), e.substring(eq + 1));
            }
            String preferred = o.string(Op.PREFERRED_AUTHENTICATIONS);
            return new HostConfig(
                    hostArg,
                    host,
                    port,
                    user,
                    identities,
                    o.intValue(Op.IDENTITIES_ONLY, 0) == 1,
                    Optional.ofNullable(identityAgent),
                    certificates,
                    jumps,
                    proxy,
                    connectTimeout < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(connectTimeout)),
                    o.intValue(Op.CONNECTION_ATTEMPTS, 1),
                    shkc,
                    userHostFiles.stream().map(Path::of).toList(),
                    globalFiles,
                    List.of(hostKeyAlgorithms.split(",")),
                    List.of(kex.split(",")),
                    List.of(ciphers.split(",")),
                    List.of(macs.split(",")),
                    Duration.ofSeconds(o.intValue(Op.SERVER_ALIVE_INTERVAL, 0)),
                    o.intValue(Op.SERVER_ALIVE_COUNT_MAX, 3),
                    o.intValue(Op.FORWARD_AGENT, 0) == 1,
                    batchMode == 1,
                    setEnv,
                    List.copyOf(o.sendEnv),
                    o.intValue(Op.COMPRESSION, 0) == 1,
                    preferred == null ? List.of() : List.of(preferred.split(",")),
                    o.intValue(Op.PASSWORD_AUTHENTICATION, 1) == 1,
                    o.intValue(Op.NUMBER_OF_PASSWORD_PROMPTS, 3),
                    g);
        }

        private static boolean isDigitsAndDots(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(c >= '0' && c <= '9') && c != '.') {
                    return false;
                }
            }
            return true;
        }

        private String assemble(Op op, Algorithms.Family family) {
            String configured = o.string(op);
            String r = Algorithms.assemble(configured, family);
            if (r == null) {
                throw origin(op).error(op.sshG + " \"" + configured + "\" leaves no usable algorithm; valid: "
                        + String.join(",", family.all));
            }
            return r;
        }

        private String tilde(String value, Op op) {
            try {
                return Tokens.tilde(value, ctx);
            } catch (Tokens.ExpandException e) {
                throw origin(op).error(op.sshG + ": " + e.getMessage());
            }
        }

        private String expand(String value, Map<Character, String> keys, boolean dollar, Op op) {
            try {
                return Tokens.expand(value, keys, dollar, ctx.environment());
            } catch (Tokens.ExpandException e) {
                throw origin(op).error(op.sshG + ": " + e.getMessage());
            }
        }

        /** tilde then %/$ expansion of one accumulated path, errors naming the line that added it. */
        private String expandAt(String value, Map<Character, String> keys, Origin at, Op op) {
            try {
                return Tokens.expand(Tokens.tilde(value, ctx), keys, true, ctx.environment());
            } catch (Tokens.ExpandException e) {
                Origin where = at != null ? at : origin(op);
                throw where.error(op.sshG + ": " + e.getMessage());
            }
        }

        private List<Forward> expandForwards(List<Forward> forwards, Map<Character, String> keys) {
            List<Forward> out = new ArrayList<>();
            for (Forward f : forwards) {
                String lp = f.listenPath() == null ? null : expand(f.listenPath(), keys, false, Op.LOCAL_FORWARD);
                String cp = f.connectPath() == null ? null : expand(f.connectPath(), keys, false, Op.LOCAL_FORWARD);
                out.add(new Forward(f.listenHost(), f.listenPort(), lp, f.connectHost(), f.connectPort(), cp));
            }
            return out;
        }

        private void forwards(String keyword, List<Forward> list, boolean dynamic) {
            for (Forward f : list) {
                boolean socks = f.connectHost() != null && f.connectHost().equals("socks");
                if (keyword.equals("dynamicforward") && f.connectHost() != null && !socks) {
                    continue;
                }
                if (keyword.equals("localforward") && socks) {
                    continue;
                }
                StringBuilder b = new StringBuilder();
                if (f.listenPort() == Forward.PORT_STREAMLOCAL) {
                    b.append(f.listenPath());
                } else if (f.listenHost() == null) {
                    b.append(f.listenPort());
                } else {
                    b.append('[').append(f.listenHost()).append("]:").append(f.listenPort());
                }
                if (!dynamic) {
                    if (f.connectPort() == Forward.PORT_STREAMLOCAL) {
                        b.append(' ').append(f.connectPath());
                    } else if (f.connectHost() == null) {
                        b.append(' ').append(f.connectPort());
                    } else {
                        b.append(" [").append(f.connectHost()).append("]:").append(f.connectPort());
                    }
                }
                put(keyword, b.toString());
            }
        }

        private void put(String keyword, String value) {
            g.computeIfAbsent(keyword, k -> new ArrayList<>()).add(value);
        }

        private void putIfNotNull(String keyword, String value) {
            if (value != null) {
                put(keyword, value);
            }
        }

        private void fmt(Op op, int dflt) {
            put(op.sshG, op.formatInt(get(op, dflt)));
        }

        private void num(Op op, int dflt) {
            put(op.sshG, String.valueOf(get(op, dflt)));
        }

        private void str(Op op) {
            putIfNotNull(op.sshG, o.string(op));
        }

        private void oneLine(String keyword, List<String> values) {
            put(keyword, values.isEmpty() ? "none" : String.join(" ", values));
        }

        /** vis(3) with VIS_WHITE for the escape character. */
        private static String vis(int c) {
            if (c == ' ') {
                return "\\040";
            }
            if (c == '\t') {
                return "\\t";
            }
            if (c == '\n') {
                return "\\n";
            }
            if (c < 32) {
                return "\\^" + (char) (c + 64);
            }
            if (c == 127) {
                return "\\^?";
            }
            if (c > 127) {
                int low = c & 0x7f;
                return "\\M" + (low < 32 ? "^" + (char) (low + 64) : low == 127 ? "^?" : "-" + (char) low);
            }
            return String.valueOf((char) c);
        }
    }
}
