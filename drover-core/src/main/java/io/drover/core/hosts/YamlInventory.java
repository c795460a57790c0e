package io.drover.core.hosts;

import java.util.List;
import java.util.Map;

/** Reads Ansible's YAML inventory format into an {@link InventoryModel}. */
final class YamlInventory {

    private YamlInventory() {}

    static void parse(String text, InventoryModel model) {
        String src = model.source;
        YamlTree.Node root = YamlTree.read(text, src);
        if (YamlTree.isEmpty(root)) {
            return;
        }
        if (!(root instanceof YamlTree.MapNode top)) {
            throw new HostSpecException(src + ":" + root.line() + ": a YAML inventory is a mapping of group names to "
                    + "groups (starting with 'all:'), not " + YamlTree.kind(root));
        }
        if (top.entries().containsKey("plugin")) {
            throw new HostSpecException(src + ":" + top.entries().get("plugin").line() + ": this is the configuration "
                    + "of an inventory plugin, which drover does not run; export the hosts with "
                    + "'ansible-inventory -i " + src + " --list --yaml' and use that file");
        }
        if (top.entries().containsKey("_meta")) {
            throw new HostSpecException(src + ":" + top.entries().get("_meta").line() + ": this is the JSON output of a "
                    + "dynamic inventory; export it with 'ansible-inventory --list --yaml' and use that file");
        }
        for (YamlTree.Entry e : top.entries().values()) {
            group(e.key(), e.line(), e.value(), null, model);
        }
    }

    private static void group(String name, int line, YamlTree.Node body, String parent, InventoryModel model) {
        String where = model.source + ":" + line;
        InventoryModel.checkGroupName(name, where);
        model.group(name, where);
        if (parent != null) {
            model.addChild(parent, name, where);
        }
        if (YamlTree.isEmpty(body)) {
            return;
        }
        if (!(body instanceof YamlTree.MapNode map)) {
            throw new HostSpecException(model.source + ":" + body.line() + ": group '" + name + "' is "
                    + YamlTree.kind(body) + "; a group is a mapping with any of hosts:, children: and vars:");
        }
        for (YamlTree.Entry e : map.entries().values()) {
            String at = model.source + ":" + e.line();
            YamlTree.Node v = e.value();
            if (YamlTree.isEmpty(v)) {
                continue;
            }
            switch (e.key()) {
                case "hosts" -> {
                    if (v instanceof YamlTree.Scalar s && s.value() instanceof String host) {
                        hostEntry(host, e.line(), null, name, model); // Ansible reads 'hosts: web1' as one host
                    } else if (v instanceof YamlTree.MapNode hosts) {
                        for (YamlTree.Entry h : hosts.entries().values()) {
                            hostEntry(h.key(), h.line(), h.value(), name, model);
                        }
                    } else {
                        throw new HostSpecException(model.source + ":" + v.line() + ": hosts of group '" + name
                                + "' is " + YamlTree.kind(v) + "; write one host per key (hosts:, then 'web1:' "
                                + "indented below, optionally with its vars)");
                    }
                }
                case "vars" -> {
                    if (!(v instanceof YamlTree.MapNode vars)) {
                        throw new HostSpecException(model.source + ":" + v.line() + ": vars of group '" + name
                                + "' is " + YamlTree.kind(v) + "; expected a mapping of variable names to values");
                    }
                    for (YamlTree.Entry var : vars.entries().values()) {
                        model.group(name, at).vars.put(var.key(), new InventoryModel.Var(
                                YamlTree.toJava(var.value()), model.source + ":" + var.line()));
                    }
                }
                case "children" -> {
                    if (v instanceof YamlTree.Scalar s && s.value() instanceof String child) {
                        group(child, e.line(), new YamlTree.Scalar(null, e.line()), name, model);
                    } else if (v instanceof YamlTree.MapNode children) {
                        for (YamlTree.Entry c : children.entries().values()) {
                            group(c.key(), c.line(), c.value(), name, model);
                        }
                    } else {
                        throw new HostSpecException(model.source + ":" + v.line() + ": children of group '" + name
                                + "' is " + YamlTree.kind(v) + "; write one child group per key (children:, then "
                                + "'web:' indented below)");
                    }
                }
                default -> throw new HostSpecException(at + ": unexpected key '" + e.key() + "' in group '" + name
                        + "'; a group holds only hosts:, children: and vars: (is '" + e.key()
                        + "' a group missing from a children: list, or a host missing from hosts:?)");
            }
        }
    }

    private static void hostEntry(String entry, int line, YamlTree.Node vars, String group, InventoryModel model) {
        String where = model.source + ":" + line;
        AnsibleHosts.Entry parsed = AnsibleHosts.parse(entry, where, model.maxHosts);
        Map<String, YamlTree.Entry> varEntries = Map.of();
        if (!YamlTree.isEmpty(vars)) {
            if (!(vars instanceof YamlTree.MapNode m)) {
                throw new HostSpecException(model.source + ":" + vars.line() + ": host '" + entry + "' in group '" + group
                        + "' has " + YamlTree.kind(vars) + " where its vars go; expected a mapping like "
                        + "'ansible_host: 10.0.0.5' (or nothing)");
            }
            varEntries = m.entries();
        }
        List<String> names = parsed.names();
        for (String name : names) {
            InventoryModel.HostDef h = model.addHost(group, name, where);
            if (parsed.port().isPresent()) {
                h.vars.put("ansible_port", new InventoryModel.Var((long) parsed.port().getAsInt(), where));
            }
            for (YamlTree.Entry v : varEntries.values()) {
                h.vars.put(v.key(), new InventoryModel.Var(YamlTree.toJava(v.value()), model.source + ":" + v.line()));
            }
        }
    }
}
