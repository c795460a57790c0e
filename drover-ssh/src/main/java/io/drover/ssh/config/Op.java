package io.drover.ssh.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenSSH 9.2 (Debian) client configuration opcodes, with the keyword {@code ssh -G} prints for each
 * (lookup_opcode_name: the first keyword of the table that maps to it) and how its argument is parsed.
 */
enum Op {
    HOST("host", Kind.SPECIAL),
    MATCH("match", Kind.SPECIAL),
    INCLUDE("include", Kind.SPECIAL),
    FORWARD_AGENT("forwardagent", Kind.SPECIAL),
    FORWARD_X11("forwardx11", Kind.FLAG),
    FORWARD_X11_TRUSTED("forwardx11trusted", Kind.FLAG),
    FORWARD_X11_TIMEOUT("forwardx11timeout", Kind.TIME),
    GATEWAY_PORTS("gatewayports", Kind.FLAG),
    EXIT_ON_FORWARD_FAILURE("exitonforwardfailure", Kind.FLAG),
    PASSWORD_AUTHENTICATION("passwordauthentication", Kind.FLAG),
    XAUTH_LOCATION("xauthlocation", Kind.STRING),
    IDENTITY_FILE("identityfile", Kind.SPECIAL),
    HOSTNAME("hostname", Kind.STRING),
    PORT("port", Kind.SPECIAL),
    REMOTE_FORWARD("remoteforward", Kind.SPECIAL),
    LOCAL_FORWARD("localforward", Kind.SPECIAL),
    PERMIT_REMOTE_OPEN("permitremoteopen", Kind.SPECIAL),
    CERTIFICATE_FILE("certificatefile", Kind.SPECIAL),
    ADD_KEYS_TO_AGENT("addkeystoagent", Kind.SPECIAL),
    IDENTITY_AGENT("identityagent", Kind.SPECIAL),
    USER("user", Kind.STRING),
    ESCAPE_CHAR("escapechar", Kind.SPECIAL),
    PROXY_COMMAND("proxycommand", Kind.COMMAND),
    GLOBAL_KNOWN_HOSTS_FILE("globalknownhostsfile", Kind.SPECIAL),
    USER_KNOWN_HOSTS_FILE("userknownhostsfile", Kind.SPECIAL),
    CONNECTION_ATTEMPTS("connectionattempts", Kind.INT),
    BATCH_MODE("batchmode", Kind.FLAG),
    CHECK_HOST_IP("checkhostip", Kind.FLAG),
    STRICT_HOST_KEY_CHECKING("stricthostkeychecking", Kind.MULTI),
    COMPRESSION("compression", Kind.MULTI),
    TCP_KEEP_ALIVE("tcpkeepalive", Kind.FLAG),
    NUMBER_OF_PASSWORD_PROMPTS("numberofpasswordprompts", Kind.INT),
    LOG_FACILITY("syslogfacility", Kind.SPECIAL),
    LOG_LEVEL("loglevel", Kind.SPECIAL),
    LOG_VERBOSE("logverbose", Kind.SPECIAL),
    CIPHERS("ciphers", Kind.SPECIAL),
    MACS("macs", Kind.SPECIAL),
    PUBKEY_AUTHENTICATION("pubkeyauthentication", Kind.MULTI),
    KBD_INTERACTIVE_AUTHENTICATION("kbdinteractiveauthentication", Kind.FLAG),
    KBD_INTERACTIVE_DEVICES("kbdinteractivedevices", Kind.STRING),
    HOST_KEY_ALIAS("hostkeyalias", Kind.STRING),
    DYNAMIC_FORWARD("dynamicforward", Kind.SPECIAL),
    PREFERRED_AUTHENTICATIONS("preferredauthentications", Kind.STRING),
    HOSTBASED_AUTHENTICATION("hostbasedauthentication", Kind.FLAG),
    HOST_KEY_ALGORITHMS("hostkeyalgorithms", Kind.SPECIAL),
    BIND_ADDRESS("bindaddress", Kind.STRING),
    BIND_INTERFACE("bindinterface", Kind.STRING),
    PKCS11_PROVIDER("pkcs11provider", Kind.STRING),
    CLEAR_ALL_FORWARDINGS("clearallforwardings", Kind.FLAG),
    NO_HOST_AUTHENTICATION_FOR_LOCALHOST("nohostauthenticationforlocalhost", Kind.FLAG),
    ENABLE_SSH_KEYSIGN("enablesshkeysign", Kind.FLAG),
    REKEY_LIMIT("rekeylimit", Kind.SPECIAL),
    VERIFY_HOST_KEY_DNS("verifyhostkeydns", Kind.MULTI),
    CONNECT_TIMEOUT("connecttimeout", Kind.TIME),
    ADDRESS_FAMILY("addressfamily", Kind.MULTI),
    GSS_AUTHENTICATION("gssapiauthentication", Kind.FLAG),
    GSS_KEY_EX("gssapikeyexchange", Kind.FLAG),
    GSS_DELEGATE_CREDS("gssapidelegatecredentials", Kind.FLAG),
    GSS_TRUST_DNS("gssapitrustdns", Kind.FLAG),
    GSS_CLIENT_IDENTITY("gssapiclientidentity", Kind.STRING),
    GSS_SERVER_IDENTITY("gssapiserveridentity", Kind.STRING),
    GSS_RENEWAL_REKEY("gssapirenewalforcesrekey", Kind.FLAG),
    GSS_KEX_ALGORITHMS("gssapikexalgorithms", Kind.SPECIAL),
    SERVER_ALIVE_INTERVAL("serveraliveinterval", Kind.TIME),
    SERVER_ALIVE_COUNT_MAX("serveralivecountmax", Kind.INT),
    IDENTITIES_ONLY("identitiesonly", Kind.FLAG),
    SEND_ENV("sendenv", Kind.SPECIAL),
    SET_ENV("setenv", Kind.SPECIAL),
    CONTROL_PATH("controlpath", Kind.STRING),
    CONTROL_MASTER("controlmaster", Kind.MULTI),
    CONTROL_PERSIST("controlpersist", Kind.SPECIAL),
    HASH_KNOWN_HOSTS("hashknownhosts", Kind.FLAG),
    TUNNEL("tunnel", Kind.MULTI),
    TUNNEL_DEVICE("tunneldevice", Kind.SPECIAL),
    LOCAL_COMMAND("localcommand", Kind.COMMAND),
    PERMIT_LOCAL_COMMAND("permitlocalcommand", Kind.FLAG),
    REMOTE_COMMAND("remotecommand", Kind.COMMAND),
    VISUAL_HOST_KEY("visualhostkey", Kind.FLAG),
    KEX_ALGORITHMS("kexalgorithms", Kind.SPECIAL),
    IP_QOS("ipqos", Kind.SPECIAL),
    REQUEST_TTY("requesttty", Kind.MULTI),
    SESSION_TYPE("sessiontype", Kind.MULTI),
    STDIN_NULL("stdinnull", Kind.FLAG),
    FORK_AFTER_AUTHENTICATION("forkafterauthentication", Kind.FLAG),
    IGNORE_UNKNOWN("ignoreunknown", Kind.STRING),
    PROXY_USE_FDPASS("proxyusefdpass", Kind.FLAG),
    CANONICAL_DOMAINS("canonicaldomains", Kind.SPECIAL),
    CANONICALIZE_HOSTNAME("canonicalizehostname", Kind.MULTI),
    CANONICALIZE_MAX_DOTS("canonicalizemaxdots", Kind.INT),
    CANONICALIZE_FALLBACK_LOCAL("canonicalizefallbacklocal", Kind.FLAG),
    CANONICALIZE_PERMITTED_CNAMES("canonicalizepermittedcnames", Kind.SPECIAL),
    STREAM_LOCAL_BIND_MASK("streamlocalbindmask", Kind.SPECIAL),
    STREAM_LOCAL_BIND_UNLINK("streamlocalbindunlink", Kind.FLAG),
    REVOKED_HOST_KEYS("revokedhostkeys", Kind.STRING),
    FINGERPRINT_HASH("fingerprinthash", Kind.SPECIAL),
    UPDATE_HOSTKEYS("updatehostkeys", Kind.MULTI),
    HOSTBASED_ACCEPTED_ALGORITHMS("hostbasedacceptedalgorithms", Kind.SPECIAL),
    PUBKEY_ACCEPTED_ALGORITHMS("pubkeyacceptedalgorithms", Kind.SPECIAL),
    CA_SIGNATURE_ALGORITHMS("casignaturealgorithms", Kind.SPECIAL),
    PROXY_JUMP("proxyjump", Kind.SPECIAL),
    SECURITY_KEY_PROVIDER("securitykeyprovider", Kind.STRING),
    KNOWN_HOSTS_COMMAND("knownhostscommand", Kind.COMMAND),
    REQUIRED_RSA_SIZE("requiredrsasize", Kind.INT),
    ENABLE_ESCAPE_COMMANDLINE("enableescapecommandline", Kind.FLAG),
    /** Silently ignored ({@code Protocol}). */
    IGNORE("protocol", Kind.SPECIAL),
    /** Accepted and ignored; OpenSSH logs at debug level. */
    DEPRECATED("deprecated", Kind.SPECIAL),
    /** Accepted and ignored; OpenSSH prints an error but goes on. */
    UNSUPPORTED("unsupported", Kind.SPECIAL),
    /** Not a keyword: the interval half of RekeyLimit. */
    REKEY_INTERVAL("rekeyinterval", Kind.SPECIAL),
    /** Not a keyword: the socket path form of ForwardAgent. */
    FORWARD_AGENT_SOCK("forwardagentsock", Kind.SPECIAL);

    enum Kind { FLAG, MULTI, TIME, INT, STRING, COMMAND, SPECIAL }

    final String sshG;
    final Kind kind;

    Op(String sshG, Kind kind) {
        this.sshG = sshG;
        this.kind = kind;
    }

    private static final Map<String, Op> KEYWORDS = new HashMap<>();

    static {
        for (String k : List.of("cipher", "fallbacktorsh", "globalknownhostsfile2", "rhostsauthentication",
                "useblacklistedkeys", "userknownhostsfile2", "useroaming", "usersh", "useprivilegedport")) {
            KEYWORDS.put(k, DEPRECATED);
        }
        for (String k : List.of("afstokenpassing", "kerberosauthentication", "kerberostgtpassing",
                "rsaauthentication", "rhostsrsaauthentication", "compressionlevel")) {
            KEYWORDS.put(k, UNSUPPORTED);
        }
        KEYWORDS.put("protocol", IGNORE);
        for (Op op : values()) {
            if (op.ordinal() < IGNORE.ordinal()) {
                KEYWORDS.put(op.sshG, op);
            }
        }
        KEYWORDS.put("smartcarddevice", PKCS11_PROVIDER);
        KEYWORDS.put("challengeresponseauthentication", KBD_INTERACTIVE_AUTHENTICATION);
        KEYWORDS.put("skeyauthentication", KBD_INTERACTIVE_AUTHENTICATION);
        KEYWORDS.put("tisauthentication", KBD_INTERACTIVE_AUTHENTICATION);
        KEYWORDS.put("dsaauthentication", PUBKEY_AUTHENTICATION);
        KEYWORDS.put("identityfile2", IDENTITY_FILE);
        KEYWORDS.put("keepalive", TCP_KEEP_ALIVE);
        KEYWORDS.put("hostbasedkeytypes", HOSTBASED_ACCEPTED_ALGORITHMS);
        KEYWORDS.put("pubkeyacceptedkeytypes", PUBKEY_ACCEPTED_ALGORITHMS);
        // Debian-specific compatibility aliases of ServerAliveInterval
        KEYWORDS.put("protocolkeepalives", SERVER_ALIVE_INTERVAL);
        KEYWORDS.put("setuptimeout", SERVER_ALIVE_INTERVAL);
    }

    /** The opcode of a lower-case keyword, or null when OpenSSH does not know it. */
    static Op byKeyword(String lowerKeyword) {
        return KEYWORDS.get(lowerKeyword);
    }

    /** One (keyword, value) table of OpenSSH's multistate options; printing uses the first key of a value. */
    record Multistate(List<String> keys, List<Integer> values) {
        Multistate {
            keys = List.copyOf(keys);
            values = List.copyOf(values);
        }

        static Multistate of(Object... pairs) {
            java.util.ArrayList<String> k = new java.util.ArrayList<>();
            java.util.ArrayList<Integer> v = new java.util.ArrayList<>();
            for (int i = 0; i < pairs.length; i += 2) {
                k.add((String) pairs[i]);
                v.add((Integer) pairs[i + 1]);
            }
            return new Multistate(k, v);
        }

        /** The value of a (case-insensitive) key, or -1. */
        int parse(String arg) {
            for (int i = 0; i < keys.size(); i++) {
                if (keys.get(i).equalsIgnoreCase(arg)) {
                    return values.get(i);
                }
            }
            return -1;
        }

        String format(int value) {
            for (int i = 0; i < keys.size(); i++) {
                if (values.get(i) == value) {
                    return keys.get(i);
                }
            }
            return "UNKNOWN";
        }
    }

    static final Multistate FLAG_TABLE = Multistate.of("true", 1, "false", 0, "yes", 1, "no", 0);
    static final Multistate YES_NO_ASK = Multistate.of("true", 1, "false", 0, "yes", 1, "no", 0, "ask", 2);
    static final int STRICT_OFF = 0;
    static final int STRICT_NEW = 1;
    static final int STRICT_YES = 2;
    static final int STRICT_ASK = 3;
    static final Multistate STRICT = Multistate.of("true", STRICT_YES, "false", STRICT_OFF, "yes", STRICT_YES,
            "no", STRICT_OFF, "ask", STRICT_ASK, "off", STRICT_OFF, "accept-new", STRICT_NEW);
    static final Multistate YES_NO_ASK_CONFIRM =
            Multistate.of("true", 1, "false", 0, "yes", 1, "no", 0, "ask", 2, "confirm", 3);
    static final Multistate ADDRESS_FAMILY_TABLE = Multistate.of("inet", 2, "inet6", 10, "any", 0);
    static final Multistate CONTROL_MASTER_TABLE = Multistate.of("true", 1, "yes", 1, "false", 0, "no", 0,
            "auto", 2, "ask", 3, "autoask", 4);
    static final Multistate TUNNEL_TABLE = Multistate.of("ethernet", 2, "point-to-point", 1, "true", 1, "yes", 1,
            "false", 0, "no", 0);
    static final int REQUEST_TTY_AUTO = 0;
    static final int REQUEST_TTY_NO = 1;
    static final Multistate REQUEST_TTY_TABLE = Multistate.of("true", 2, "yes", 2, "false", REQUEST_TTY_NO,
            "no", REQUEST_TTY_NO, "force", 3, "auto", REQUEST_TTY_AUTO);
    static final Multistate SESSION_TYPE_TABLE = Multistate.of("none", 0, "subsystem", 1, "default", 2);
    static final Multistate CANONICALIZE_TABLE =
            Multistate.of("true", 1, "false", 0, "yes", 1, "no", 0, "always", 2);
    static final Multistate PUBKEY_AUTH_TABLE = Multistate.of("true", 3, "false", 0, "yes", 3, "no", 0,
            "unbound", 1, "host-bound", 2);
    static final Multistate COMPRESSION_TABLE = Multistate.of("yes", 1, "no", 0);

    /** The parse table of a MULTI option. */
    Multistate multistate() {
        return switch (this) {
            case STRICT_HOST_KEY_CHECKING -> STRICT;
            case COMPRESSION -> COMPRESSION_TABLE;
            case PUBKEY_AUTHENTICATION -> PUBKEY_AUTH_TABLE;
            case VERIFY_HOST_KEY_DNS, UPDATE_HOSTKEYS -> YES_NO_ASK;
            case ADDRESS_FAMILY -> ADDRESS_FAMILY_TABLE;
            case CONTROL_MASTER -> CONTROL_MASTER_TABLE;
            case TUNNEL -> TUNNEL_TABLE;
            case REQUEST_TTY -> REQUEST_TTY_TABLE;
            case SESSION_TYPE -> SESSION_TYPE_TABLE;
            case CANONICALIZE_HOSTNAME -> CANONICALIZE_TABLE;
            default -> FLAG_TABLE;
        };
    }

    /** fmt_intarg(): how {@code ssh -G} prints an integer-valued option. */
    String formatInt(int value) {
        if (value == -1) {
            return "unset";
        }
        return switch (this) {
            case ADDRESS_FAMILY, VERIFY_HOST_KEY_DNS, UPDATE_HOSTKEYS, STRICT_HOST_KEY_CHECKING, CONTROL_MASTER,
                    TUNNEL, REQUEST_TTY, SESSION_TYPE, CANONICALIZE_HOSTNAME, PUBKEY_AUTHENTICATION ->
                multistate().format(value);
            case ADD_KEYS_TO_AGENT -> YES_NO_ASK_CONFIRM.format(value);
            default -> value == 0 ? "no" : value == 1 ? "yes" : "UNKNOWN";
        };
    }
}
