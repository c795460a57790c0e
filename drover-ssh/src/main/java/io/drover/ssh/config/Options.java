package io.drover.ssh.config;

import io.drover.ssh.config.ConfigParser.Jump;
import io.drover.ssh.config.ConfigParser.Rekey;
import io.drover.ssh.config.Directive.Forward;
import io.drover.ssh.config.Directive.Origin;
import io.drover.ssh.config.Directive.Setting;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The mutable option set of one resolution, mirroring OpenSSH's {@code Options} struct: most options keep the
 * first value obtained, some accumulate, a few have OpenSSH's own quirks (noted where applied). One per resolve
 * call; not shared between threads.
 */
final class Options {
    /** First-wins scalar options: Integer, String or int[] depending on the opcode. */
    final Map<Op, Object> values = new EnumMap<>(Op.class);
    /** Where each first-wins value came from, for error messages at resolve time. */
    final Map<Op, Origin> origins = new EnumMap<>(Op.class);

    /** An accumulated file path and whether it came from a user (not system) file. */
    record UserPath(String path, boolean userProvided, Origin origin) {}

    final List<UserPath> identityFiles = new ArrayList<>();
    final List<UserPath> certificateFiles = new ArrayList<>();
    List<String> systemHostFiles = new ArrayList<>();
    List<String> userHostFiles = new ArrayList<>();
    final List<String> logVerbose = new ArrayList<>();
    List<Forward> localForwards = new ArrayList<>();
    List<Forward> remoteForwards = new ArrayList<>();
    final List<String> permittedRemoteOpens = new ArrayList<>();
    final List<String> sendEnv = new ArrayList<>();
    final List<String> setEnv = new ArrayList<>();
    final List<String> canonicalDomains = new ArrayList<>();
    final List<String> permittedCnames = new ArrayList<>();
    String jumpUser;
    String jumpHost;
    int jumpPort = -1;
    String jumpExtra;
    Origin jumpOrigin;
    /** StreamLocalBindMask: OpenSSH sets it from every line it parses, active or not; the last one wins. */
    Integer streamLocalBindMask;

    boolean has(Op op) {
        return values.containsKey(op);
    }

    int intValue(Op op, int unset) {
        Object v = values.get(op);
        return v == null ? unset : (Integer) v;
    }

    String string(Op op) {
        return (String) values.get(op);
    }

    void setIfUnset(Op op, Object value, Origin origin) {
        if (!values.containsKey(op)) {
            values.put(op, value);
            origins.put(op, origin);
        }
    }

    /** process_config_line's effect of one parsed line; {@code active} is OpenSSH's *activep. */
    void apply(Setting s, boolean active, boolean userConfig) {
        Op op = s.op();
        Object v = s.value();
        Origin at = s.origin();
        switch (op) {
            case LOG_FACILITY -> setIfUnset(op, v, at); // OpenSSH ignores *activep here
            case STREAM_LOCAL_BIND_MASK -> streamLocalBindMask = (Integer) v; // and here, last one wins
            case IGNORE, DEPRECATED, UNSUPPORTED -> {
                // accepted, no effect
            }
            default -> {
                if (active) {
                    applyActive(op, v, at, userConfig);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void applyActive(Op op, Object v, Origin at, boolean userConfig) {
        origins.putIfAbsent(op, at);
        switch (op) {
            case IDENTITY_FILE -> addUnique(identityFiles, new UserPath((String) v, userConfig, at), at, "identity");
            case CERTIFICATE_FILE ->
                addUnique(certificateFiles, new UserPath((String) v, userConfig, at), at, "certificate");
            case GLOBAL_KNOWN_HOSTS_FILE -> {
                if (systemHostFiles.isEmpty()) {
                    systemHostFiles = new ArrayList<>((List<String>) v);
                }
            }
            case USER_KNOWN_HOSTS_FILE -> {
                if (userHostFiles.isEmpty()) {
                    userHostFiles = new ArrayList<>((List<String>) v);
                }
            }
            case LOG_VERBOSE -> {
                // OpenSSH 9.2 only keeps the first argument of the first active line
                if (logVerbose.isEmpty() && !((List<String>) v).isEmpty()) {
                    logVerbose.add(((List<String>) v).get(0));
                }
            }
            case LOCAL_FORWARD, DYNAMIC_FORWARD -> {
                if (!localForwards.contains(v)) {
                    localForwards.add((Forward) v);
                }
            }
            case REMOTE_FORWARD -> {
                if (!remoteForwards.contains(v)) {
                    remoteForwards.add((Forward) v);
                }
            }
            case PERMIT_REMOTE_OPEN -> {
                if (permittedRemoteOpens.isEmpty()) {
                    permittedRemoteOpens.addAll((List<String>) v);
                }
            }
            case SEND_ENV -> {
                for (String name : (List<String>) v) {
                    if (name.startsWith("-")) {
                        String pattern = name.substring(1);
                        sendEnv.removeIf(existing -> Patterns.match(existing, pattern));
                    } else {
                        sendEnv.add(name);
                    }
                }
            }
            case SET_ENV -> {
                if (setEnv.isEmpty()) {
                    for (String assignment : (List<String>) v) {
                        String name = assignment.substring(0, assignment.indexOf('='));
                        if (setEnv.stream().noneMatch(e -> e.substring(0, e.indexOf('=')).equals(name))) {
                            setEnv.add(assignment);
                        }
                    }
                }
            }
            case CANONICAL_DOMAINS -> {
                if (canonicalDomains.isEmpty()) {
                    canonicalDomains.addAll((List<String>) v);
                }
            }
            case CANONICALIZE_PERMITTED_CNAMES -> {
                if (permittedCnames.isEmpty()) {
                    permittedCnames.addAll((List<String>) v);
                }
            }
            case REKEY_LIMIT -> {
                Rekey r = (Rekey) v;
                setIfUnset(Op.REKEY_LIMIT, r.limit(), at);
                if (r.interval() != null) {
                    setIfUnset(Op.REKEY_INTERVAL, r.interval(), at);
                }
            }
            case PROXY_JUMP -> {
                Jump j = (Jump) v;
                if (j.none()) {
                    if (jumpHost == null) {
                        jumpHost = "none";
                        jumpPort = 0;
                        jumpOrigin = at;
                    }
                } else if (!has(Op.PROXY_COMMAND) && jumpHost == null) {
                    jumpUser = j.user();
                    jumpHost = j.host();
                    jumpPort = j.port();
                    jumpExtra = j.extra();
                    jumpOrigin = at;
                    setIfUnset(Op.PROXY_COMMAND, "none", at);
                }
            }
            case FORWARD_AGENT_SOCK -> {
                setIfUnset(Op.FORWARD_AGENT, 1, at);
                setIfUnset(Op.FORWARD_AGENT_SOCK, v, at);
            }
            default -> setIfUnset(op, v, at);
        }
    }

    private static void addUnique(List<UserPath> list, UserPath p, Origin at, String what) {
        for (UserPath existing : list) {
            if (existing.path().equals(p.path()) && existing.userProvided() == p.userProvided()) {
                return;
            }
        }
        if (list.size() >= 100) {
            throw at.error("too many " + what + " files specified (at most 100)");
        }
        list.add(p);
    }
}
