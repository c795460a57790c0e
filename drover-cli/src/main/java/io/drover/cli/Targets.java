package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.core.hosts.HostSpec;
import io.drover.core.hosts.HostSpecException;
import io.drover.core.hosts.Inventory;
import io.drover.core.hosts.InventoryHost;
import io.drover.core.hosts.Target;
import io.drover.ssh.SshException;
import io.drover.ssh.config.ConfigContext;
import io.drover.ssh.config.SshConfig;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Turns the host and ssh options of a command into the list of targets, without connecting anywhere. */
final class Targets {
    private Targets() {}

    /**
     * One chosen host.
     *
     * @param name how output, results and records name it (the inventory name for inventory hosts, else the
     *     destination)
     * @param target where to connect
     * @param inventory the inventory entry it came from, if any
     */
    record Chosen(String name, Target target, Optional<InventoryHost> inventory) {
        static Chosen of(Target t) {
            return new Chosen(t.destination(), t, Optional.empty());
        }

        static Chosen of(InventoryHost h) {
            return new Chosen(h.name(), h.target(), Optional.of(h));
        }

        /** A host of an earlier run, by its name and destination. */
        static Chosen again(String name, String destination) {
            Target t = Target.parse(destination);
            return name.equals(destination) ? of(t)
                    : of(new InventoryHost(name, t, java.util.Map.of(), List.of()));
        }
    }

    static List<String> names(List<Chosen> hosts) {
        return hosts.stream().map(Chosen::name).toList();
    }

    /** Host names (as output and results show them) to the destinations to connect to, in order. */
    static Map<String, String> destinations(List<Chosen> hosts) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Chosen c : hosts) {
            out.put(c.name(), c.target().destination());
        }
        return out;
    }

    /**
     * Reads the ssh_config as {@code ssh} would with these options ({@code -F}, {@code -o}, {@code -l}, {@code -p}).
     *
     * @throws UsageException when a file cannot be read or is malformed (naming file:line)
     */
    static SshConfig sshConfig(SshOptions ssh, CliEnv env) {
        Map<String, String> options = ssh.sshOptions();
        ConfigContext context = ConfigContext.current().withEnvironment(env.env());
        try {
            if (ssh.noConfigFile()) {
                return SshConfig.load(java.util.Optional.empty(), options, context);
            }
            var file = ssh.configPath();
            return file.isPresent() ? SshConfig.load(file, options, context) : SshConfig.loadDefaults(options, context);
        } catch (SshException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    /** Writes the config's warnings (unknown keywords...) as {@code drover: warning: file:line: ...}. */
    static void printWarnings(SshConfig config, java.io.PrintWriter err) {
        for (var w : config.warnings()) {
            err.println("drover: warning: " + w);
        }
        err.flush();
    }

    /**
     * The hosts the options choose, in order, without duplicates. Inventory hosts keep their inventory names;
     * exclusions ({@code -x}) match those names.
     *
     * @param retryHosts hosts of an earlier run to use instead of {@code -H/-f/-i/--stdin-hosts}
     *     ({@code --retry-failed}), or null
     * @throws UsageException for a bad spec, an unreadable file, or an empty result
     */
    static List<Chosen> expand(HostOptions hosts, List<Chosen> retryHosts, SshConfig config, CliEnv env) {
        try {
            HostSpec spec = HostSpec.builder()
                    .sshConfigHosts(config.configHostNames())
                    .stdin(new InputStreamReader(env.stdin(), UTF_8))
                    .build();
            HostSpec.Selection sel = spec.select();
            Map<String, Chosen> byName = new HashMap<>();
            if (retryHosts != null) {
                for (Chosen c : retryHosts) {
                    sel.include(c.inventory().isPresent() ? Target.of(c.name()).destination() : c.name());
                    c.inventory().ifPresent(i -> byName.put(c.name(), c));
                }
            } else {
                hosts.specs.forEach(sel::include);
                for (Path f : hosts.files) {
                    checkReadable(f, "host file (-f)");
                    sel.includeFile(f);
                }
                if (hosts.stdinHosts) {
                    sel.includeStdin();
                }
                if (hosts.inventory != null) {
                    for (InventoryHost h : inventoryHosts(hosts)) {
                        // by name, so that -x matches inventory names; mapped back to the entry below
                        sel.include(Target.of(h.name()).destination());
                        byName.putIfAbsent(h.name(), Chosen.of(h));
                    }
                }
            }
            hosts.exclude.forEach(sel::exclude);
            List<Chosen> out = new ArrayList<>();
            for (Target t : sel.expand()) {
                Chosen inv = t.user().isEmpty() && t.port().isEmpty() ? byName.get(t.name()) : null;
                out.add(inv != null ? inv : Chosen.of(t));
            }
            if (out.isEmpty()) {
                throw new UsageException("no hosts left to run on: " + describe(hosts, retryHosts)
                        + " chose none" + (hosts.exclude.isEmpty() ? "" : " after the exclusions (-x)"));
            }
            return out;
        } catch (HostSpecException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    private static List<InventoryHost> inventoryHosts(HostOptions hosts) {
        Inventory inv = Inventory.load(hosts.inventory);
        return inv.hosts(hosts.limit == null ? "all" : hosts.limit);
    }

    private static void checkReadable(Path f, String what) {
        if (!Files.isReadable(f) || Files.isDirectory(f)) {
            throw new UsageException("cannot read " + what + " " + f + ": "
                    + (!Files.exists(f) ? "no such file" : Files.isDirectory(f) ? "it is a directory"
                            : "permission denied"));
        }
    }

    private static String describe(HostOptions h, List<Chosen> retryHosts) {
        if (retryHosts != null) {
            return "the retried run";
        }
        List<String> parts = new ArrayList<>();
        h.specs.forEach(s -> parts.add("-H " + s));
        h.files.forEach(f -> parts.add("-f " + f));
        if (h.stdinHosts) {
            parts.add("--stdin-hosts");
        }
        if (h.inventory != null) {
            parts.add("-i " + h.inventory + (h.limit == null ? "" : " --limit " + h.limit));
        }
        return String.join(" ", parts);
    }
}
