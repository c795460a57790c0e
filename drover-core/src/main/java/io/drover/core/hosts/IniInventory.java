package io.drover.core.hosts;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Ansible's INI inventory format into an {@link InventoryModel}, with the checks Ansible's reader makes. */
final class IniInventory {

    private static final Pattern SECTION = Pattern.compile("^\\[([^:\\]\\s]+)(?::(\\w+))?\\]\\s*(?:[#;].*)?$");
    private static final Pattern GROUP_NAME = Pattern.compile("^([^:\\]\\s]+)\\s*(?:[#;].*)?$");

    private enum Kind { HOSTS, VARS, CHILDREN }

    private IniInventory() {}

    static void parse(String text, InventoryModel model) {
        String src = model.source;
        String group = "ungrouped";
        Kind kind = Kind.HOSTS;
        Set<String> declared = new HashSet<>(List.of("all", "ungrouped"));
        Map<String, String> pendingVars = new LinkedHashMap<>();
        Map<String, String> pendingChildren = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n|\r", -1);
        for (int n = 0; n < lines.length; n++) {
            String where = src + ":" + (n + 1);
            String s = lines[n].strip();
            if (s.isEmpty() || s.startsWith("#") || s.startsWith(";")) {
                continue;
            }
            Matcher m = SECTION.matcher(s);
            if (m.matches()) {
                group = m.group(1);
                String type = m.group(2);
                InventoryModel.checkGroupName(group, where);
                if (type == null || type.equals("hosts")) {
                    kind = Kind.HOSTS;
                } else if (type.equals("vars")) {
                    kind = Kind.VARS;
                } else if (type.equals("children")) {
                    kind = Kind.CHILDREN;
                } else {
                    throw new HostSpecException(where + ": section [" + group + ":" + type + "] has unknown type '"
                            + type + "'; expected [" + group + "], [" + group + ":vars] or [" + group + ":children]");
                }
                model.group(group, where);
                if (kind == Kind.VARS) {
                    if (!declared.contains(group)) {
                        pendingVars.putIfAbsent(group, where);
                    }
                } else {
                    declared.add(group);
                    pendingVars.remove(group);
                    pendingChildren.remove(group);
                }
                continue;
            }
            if (s.startsWith("[")) {
                throw new HostSpecException(where + ": invalid section header " + Names.quote(s)
                        + "; expected [group], [group:vars] or [group:children], without spaces");
            }
            switch (kind) {
                case HOSTS -> hostLine(s, group, where, model);
                case VARS -> {
                    int eq = s.indexOf('=');
                    if (eq < 0) {
                        throw new HostSpecException(where + ": expected key=value in [" + group + ":vars], got "
                                + Names.quote(s));
                    }
                    String key = s.substring(0, eq).strip();
                    if (key.isEmpty()) {
                        throw new HostSpecException(where + ": variable name missing before '=' in " + Names.quote(s));
                    }
                    model.group(group, where).vars.put(key,
                            new InventoryModel.Var(IniSyntax.value(s.substring(eq + 1).strip()), where));
                }
                case CHILDREN -> {
                    Matcher c = GROUP_NAME.matcher(s);
                    if (!c.matches()) {
                        throw new HostSpecException(where + ": expected a group name in [" + group + ":children], got "
                                + Names.quote(s));
                    }
                    String child = c.group(1);
                    InventoryModel.checkGroupName(child, where);
                    model.addChild(group, child, where);
                    if (!declared.contains(child)) {
                        pendingChildren.putIfAbsent(child, where + ": section [" + group + ":children]");
                    }
                }
            }
        }
        for (Map.Entry<String, String> e : pendingVars.entrySet()) {
            throw new HostSpecException(e.getValue() + ": section [" + e.getKey() + ":vars] is for group '" + e.getKey()
                    + "', which no [" + e.getKey() + "] or [" + e.getKey() + ":children] section declares; add one "
                    + "(it may be empty)");
        }
        for (Map.Entry<String, String> e : pendingChildren.entrySet()) {
            throw new HostSpecException(e.getValue() + " includes group '" + e.getKey() + "', which no ["
                    + e.getKey() + "] or [" + e.getKey() + ":children] section declares; add one (it may be empty)");
        }
    }

    private static void hostLine(String line, String group, String where, InventoryModel model) {
        List<String> words;
        try {
            words = IniSyntax.shellSplit(line);
        } catch (IniSyntax.SplitException e) {
            throw new HostSpecException(where + ": " + e.getMessage());
        }
        if (words.isEmpty()) {
            return;
        }
        String entry = words.getFirst();
        if (entry.indexOf('=') >= 0) {
            throw new HostSpecException(where + ": " + Names.quote(entry) + " in [" + group + "] looks like a variable, "
                    + "not a host; put variables after a host name (web1 ansible_user=deploy) or in a ["
                    + group + ":vars] section");
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String w : words.subList(1, words.size())) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new HostSpecException(where + ": expected key=value host variable after " + Names.quote(entry)
                        + ", got " + Names.quote(w));
            }
            vars.put(w.substring(0, eq), IniSyntax.value(w.substring(eq + 1)));
        }
        AnsibleHosts.Entry parsed = AnsibleHosts.parse(entry, where, model.maxHosts);
        for (String name : parsed.names()) {
            InventoryModel.HostDef h = model.addHost(group, name, where);
            if (parsed.port().isPresent()) {
                h.vars.put("ansible_port", new InventoryModel.Var((long) parsed.port().getAsInt(), where));
            }
            vars.forEach((k, v) -> h.vars.put(k, new InventoryModel.Var(v, where)));
        }
    }
}
