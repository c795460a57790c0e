package io.drover.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.ssh.config.HostConfig;
import io.drover.ssh.config.StrictHostKeyChecking;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * STOPGAP until {@code io.drover.ssh.config.SshConfig} lands: a tiny ssh_config reader for the configs tests write
 * ({@code Host} blocks with {@code *}/{@code ?} patterns, first value wins, {@code -o} options first). No Match, no
 * Include, no negation, no {@code +/-/^} algorithm forms.
 */
final class StopgapConfig {
    private record Block(List<String> patterns, List<String[]> lines) {}

    private final List<Block> blocks = new ArrayList<>();
    private final Map<String, String> options;

    private StopgapConfig(Map<String, String> options) {
        this.options = options;
    }

    static StopgapConfig load(Optional<Path> file, Map<String, String> options) {
        StopgapConfig c = new StopgapConfig(options);
        Block current = new Block(List.of("*"), new ArrayList<>());
        c.blocks.add(current);
        if (file.isPresent() && Files.isRegularFile(file.get())) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file.get(), UTF_8);
            } catch (IOException e) {
                throw new SshException(SshException.Kind.CONFIG, "cannot read " + file.get() + ": " + e, e);
            }
            for (String raw : lines) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split("[\\s=]+", 2);
                String key = kv[0].toLowerCase(Locale.ROOT);
                String value = kv.length > 1 ? unquote(kv[1].strip()) : "";
                if (key.equals("host")) {
                    current = new Block(Arrays.asList(value.split("\\s+")), new ArrayList<>());
                    c.blocks.add(current);
                } else {
                    current.lines().add(new String[] {key, value});
                }
            }
        }
        return c;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    List<String> hostNames() {
        List<String> out = new ArrayList<>();
        for (Block b : blocks.subList(1, blocks.size())) {
            for (String p : b.patterns()) {
                if (!p.contains("*") && !p.contains("?") && !p.startsWith("!") && !out.contains(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    HostConfig resolve(String destination) {
        String user = null;
        String alias = destination;
        Integer port = null;
        int at = alias.lastIndexOf('@');
        if (at >= 0) {
            user = alias.substring(0, at);
            alias = alias.substring(at + 1);
        }
        int colon = alias.lastIndexOf(':');
        if (colon > 0 && alias.indexOf(':') == colon) {
            port = Integer.parseInt(alias.substring(colon + 1));
            alias = alias.substring(0, colon);
        }
        Map<String, List<String>> v = new LinkedHashMap<>();
        options.forEach((k, val) -> v.putIfAbsent(k.toLowerCase(Locale.ROOT), new ArrayList<>(List.of(val))));
        for (Block b : blocks) {
            if (!matches(b.patterns(), alias)) {
                continue;
            }
            for (String[] kv : b.lines()) {
                if (kv[0].equals("identityfile") || kv[0].equals("certificatefile")) {
                    v.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
                } else {
                    v.putIfAbsent(kv[0], new ArrayList<>(List.of(kv[1])));
                }
            }
        }
        String home = System.getProperty("user.home");
        String hostName = one(v, "hostname").orElse(alias);
        int p = port != null ? port : one(v, "port").map(Integer::parseInt).orElse(22);
        String u = user != null ? user : one(v, "user").orElse(System.getProperty("user.name"));
        List<Path> ids = v.getOrDefault("identityfile", List.of("~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ed25519"))
                .stream().map(s -> Path.of(tilde(s, home))).toList();
        List<String> jump = one(v, "proxyjump").filter(s -> !s.equals("none")).map(s -> List.of(s.split(",")))
                .orElse(List.of());
        Optional<String> proxyCommand = one(v, "proxycommand").filter(s -> !s.equals("none"))
                .map(s -> s.replace("%h", hostName).replace("%p", Integer.toString(p)).replace("%r", u)
                        .replace("%%", "%"));
        StrictHostKeyChecking strict = switch (one(v, "stricthostkeychecking").orElse("ask").toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> StrictHostKeyChecking.YES;
            case "no", "off", "false" -> StrictHostKeyChecking.NO;
            case "accept-new" -> StrictHostKeyChecking.ACCEPT_NEW;
            default -> StrictHostKeyChecking.ASK;
        };
        List<Path> known = words(v, "userknownhostsfile", home + "/.ssh/known_hosts " + home + "/.ssh/known_hosts2")
                .stream().map(s -> Path.of(tilde(s, home))).toList();
        List<Path> global = words(v, "globalknownhostsfile", "/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2")
                .stream().map(Path::of).toList();
        return new HostConfig(alias, hostName, p, u, ids, yes(v, "identitiesonly", false),
                one(v, "identityagent"), List.of(), jump, proxyCommand,
                one(v, "connecttimeout").filter(s -> !s.equals("none")).map(s -> Duration.ofSeconds(Long.parseLong(s))),
                one(v, "connectionattempts").map(Integer::parseInt).orElse(1), strict, known, global,
                list(v, "hostkeyalgorithms"), list(v, "kexalgorithms"), list(v, "ciphers"), list(v, "macs"),
                Duration.ofSeconds(one(v, "serveraliveinterval").map(Long::parseLong).orElse(0L)),
                one(v, "serveralivecountmax").map(Integer::parseInt).orElse(3), yes(v, "forwardagent", false),
                yes(v, "batchmode", false), Map.of(), List.of(), yes(v, "compression", false),
                list(v, "preferredauthentications"), yes(v, "passwordauthentication", true),
                one(v, "numberofpasswordprompts").map(Integer::parseInt).orElse(3), v);
    }

    private static boolean matches(List<String> patterns, String alias) {
        for (String p : patterns) {
            String regex = p.replace(".", "\\.").replace("*", ".*").replace("?", ".");
            if (alias.matches(regex)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> one(Map<String, List<String>> v, String key) {
        List<String> l = v.get(key);
        return l == null || l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
    }

    private static List<String> words(Map<String, List<String>> v, String key, String dflt) {
        return List.of(one(v, key).orElse(dflt).split("\\s+"));
    }

    private static List<String> list(Map<String, List<String>> v, String key) {
        return one(v, key).map(s -> List.of(s.split(","))).orElse(List.of());
    }

    private static boolean yes(Map<String, List<String>> v, String key, boolean dflt) {
        return one(v, key).map(s -> s.equalsIgnoreCase("yes") || s.equalsIgnoreCase("true")).orElse(dflt);
    }

    private static String tilde(String s, String home) {
        return s.startsWith("~/") ? home + s.substring(1) : s;
    }
}
