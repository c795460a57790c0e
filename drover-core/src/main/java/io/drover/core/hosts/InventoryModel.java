package io.drover.core.hosts;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.OptionalInt;
import java.util.Optional;

/** Groups, hosts and variables as a parser reads them; {@link #build} checks and resolves them Ansible's way. */
final class InventoryModel {

    /** A variable's value and where it was set ({@code file:line}), for error messages. */
    record Var(Object value, String where) {}

    private static final LinkedHashMap<String, Var> EMPTY = new LinkedHashMap<>();

    static final class Group {
        final String name;
        final String where;
        final LinkedHashMap<String, Var> vars = new LinkedHashMap<>();
        final LinkedHashSet<String> children = new LinkedHashSet<>();
        final LinkedHashSet<String> parents = new LinkedHashSet<>();
        final LinkedHashSet<String> hosts = new LinkedHashSet<>();

        Group(String name, String where) {
            this.name = name;
            this.where = where;
        }
    }

    static final class HostDef {
        final String name;
        final String where;
        final LinkedHashMap<String, Var> vars = new LinkedHashMap<>();
        final LinkedHashSet<String> groups = new LinkedHashSet<>();

        HostDef(String name, String where) {
            this.name = name;
            this.where = where;
        }
    }

    final String source;
    final int maxHosts;
    final LinkedHashMap<String, Group> groups = new LinkedHashMap<>();
    final LinkedHashMap<String, HostDef> hosts = new LinkedHashMap<>();
    /** Variables from group_vars/ and host_vars/ files, which outrank the inventory file's own (see build). */
    Map<String, LinkedHashMap<String, Var>> groupFileVars = Map.of();
    Map<String, LinkedHashMap<String, Var>> hostFileVars = Map.of();

    InventoryModel(String source, int maxHosts) {
        this.source = source;
        this.maxHosts = maxHosts;
        group("all", source);
        group("ungrouped", source);
        addChild("all", "ungrouped", source);
    }

    Group group(String name, String where) {
        return groups.computeIfAbsent(name, n -> new Group(n, where));
    }

    HostDef addHost(String group, String host, String where) {
        HostDef h = hosts.get(host);
        if (h == null) {
            if (hosts.size() >= maxHosts) {
                throw new HostSpecException(where + String.format(": the inventory holds more than %,d hosts", maxHosts));
            }
            h = new HostDef(host, where);
            hosts.put(host, h);
        }
        h.groups.add(group);
        group(group, where).hosts.add(host);
        return h;
    }

    void addChild(String parent, String child, String where) {
        if (child.equals("all")) {
            throw new HostSpecException(where + ": group 'all' cannot be a child of '" + parent
                    + "'; every group is already inside all");
        }
        if (child.equals(parent)) {
            throw new HostSpecException(where + ": group '" + parent + "' cannot be a child of itself");
        }
        group(parent, where).children.add(child);
        group(child, where).parents.add(parent);
    }

    /** Checks group names as Ansible's INI reader does: no whitespace, ':' or ']'; also no ',' (a pattern separator). */
    static void checkGroupName(String name, String where) {
        boolean ok = !name.isEmpty();
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = !Character.isWhitespace(c) && c != ':' && c != ']' && c != '[' && c != ',' && !Character.isISOControl(c);
        }
        if (!ok) {
            throw new HostSpecException(where + ": " + Names.quote(name) + " is not a valid group name; group names "
                    + "are letters, digits and '_' (no spaces, ':', ',' or brackets)");
        }
    }

    Inventory build() {
        for (Group g : groups.values()) {
            if (!g.name.equals("all") && g.parents.isEmpty()) {
                addChild("all", g.name, g.where);
            }
        }
        checkCycles();
        Map<String, Integer> depth = new HashMap<>();
        for (String g : groups.keySet()) {
            depth(g, depth);
        }
        Map<String, Integer> priority = new HashMap<>();
        for (Group g : groups.values()) {
            priority.put(g.name, priority(g));
        }
        Comparator<String> precedence = Comparator.<String>comparingInt(depth::get)
                .thenComparingInt(priority::get)
                .thenComparing(Comparator.naturalOrder());

        Map<String, List<String>> groupHosts = new LinkedHashMap<>();
        for (String g : groups.keySet()) {
            groupHosts.put(g, new ArrayList<>());
        }
        Map<String, Inventory.Resolved> resolved = new LinkedHashMap<>();
        for (HostDef h : hosts.values()) {
            Set<String> member = ancestors(h.groups);
            member.add("all");
            boolean grouped = member.stream().anyMatch(g -> !g.equals("all") && !g.equals("ungrouped"));
            if (grouped) {
                if (h.groups.contains("ungrouped")) {
                    // INI puts hosts above any section into 'ungrouped'; Ansible takes them out once in a group
                    member = ancestors(withoutUngrouped(h.groups));
                    member.add("all");
                }
            } else {
                member.add("ungrouped");
            }
            List<String> ordered = new ArrayList<>(member);
            ordered.sort(precedence);
            // Ansible's order, lowest first: inventory group vars, group_vars/all, other group_vars/*,
            // inventory host vars, host_vars/*; groups sorted by depth, priority, name
            LinkedHashMap<String, Var> merged = new LinkedHashMap<>();
            for (String g : ordered) {
                groupHosts.get(g).add(h.name);
                merged.putAll(groups.get(g).vars);
            }
            for (String g : ordered) {
                merged.putAll(groupFileVars.getOrDefault(g, EMPTY));
            }
            merged.putAll(h.vars);
            merged.putAll(hostFileVars.getOrDefault(h.name, EMPTY));
            resolved.put(h.name, resolve(h, merged, ordered));
        }
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        groupHosts.forEach((g, hs) -> frozen.put(g, List.copyOf(hs)));
        return new Inventory(source, resolved, frozen);
    }

    private static Set<String> withoutUngrouped(Set<String> direct) {
        LinkedHashSet<String> s = new LinkedHashSet<>(direct);
        s.remove("ungrouped");
        return s;
    }

    private Set<String> ancestors(Set<String> direct) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(direct);
        while (!todo.isEmpty()) {
            String g = todo.pop();
            if (out.add(g)) {
                todo.addAll(groups.get(g).parents);
            }
        }
        return out;
    }

    private void checkCycles() {
        Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
        for (String g : groups.keySet()) {
            if (!state.containsKey(g)) {
                visit(g, state, new ArrayList<>());
            }
        }
    }

    private void visit(String g, Map<String, Integer> state, List<String> path) {
        state.put(g, 1);
        path.add(g);
        for (String child : groups.get(g).children) {
            Integer s = state.get(child);
            if (s == null) {
                visit(child, state, path);
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(child), path.size()));
                cycle.add(child);
                throw new HostSpecException(groups.get(child).where + ": groups form a loop through children: "
                        + String.join(" -> ", cycle) + "; a group cannot contain itself");
            }
        }
        path.removeLast();
        state.put(g, 2);
    }

    /** Ansible's depth: the longest chain of parents up to 'all' (which is 0). */
    private int depth(String g, Map<String, Integer> memo) {
        Integer known = memo.get(g);
        if (known != null) {
            return known;
        }
        int d = 0;
        for (String p : groups.get(g).parents) {
            d = Math.max(d, depth(p, memo) + 1);
        }
        memo.put(g, d);
        return d;
    }

    private static int priority(Group g) {
        Var v = g.vars.get("ansible_group_priority");
        if (v == null) {
            return 1;
        }
        Optional<Integer> n = asInt(v.value());
        if (n.isEmpty()) {
            throw new HostSpecException(v.where() + ": ansible_group_priority of group '" + g.name + "' is "
                    + describe(v.value()) + "; expected a whole number");
        }
        return n.get();
    }

    private static Optional<Integer> asInt(Object value) {
        if (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return Optional.of(l.intValue());
        }
        if (value instanceof Integer i) {
            return Optional.of(i);
        }
        if (value instanceof String s && !s.isEmpty() && s.length() <= 9 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(Integer.parseInt(s));
        }
        return Optional.empty();
    }

    private static String describe(Object value) {
        return value instanceof String s ? Names.quote(s) : String.valueOf(value);
    }

    private Inventory.Resolved resolve(HostDef h, LinkedHashMap<String, Var> merged, List<String> groupOrder) {
        Map<String, Object> vars = new LinkedHashMap<>();
        merged.forEach((k, v) -> vars.put(k, v.value()));
        try {
            Var hostVar = first(merged, "ansible_host", "ansible_ssh_host");
            String address = hostVar == null ? h.name : text(hostVar, "ansible_host", h);
            Var portVar = first(merged, "ansible_port", "ansible_ssh_port");
            OptionalInt port = OptionalInt.empty();
            if (portVar != null && portVar.value() != null) {
                Optional<Integer> p = asInt(portVar.value());
                if (p.isEmpty() || p.get() < 1 || p.get() > 65535) {
                    throw new HostSpecException(portVar.where() + ": ansible_port of host '" + h.name + "' is "
                            + describe(portVar.value()) + "; expected a number between 1 and 65535");
                }
                port = OptionalInt.of(p.get());
            }
            Var userVar = first(merged, "ansible_user", "ansible_ssh_user");
            Optional<String> user = userVar == null || userVar.value() == null
                    ? Optional.empty()
                    : Optional.of(text(userVar, "ansible_user", h));
            Target target;
            try {
                target = new Target(address, user, port);
            } catch (HostSpecException e) {
                String where = hostVar != null ? hostVar.where() : h.where;
                throw new HostSpecException(where + ": host '" + h.name + "' has no usable address: " + e.getMessage()
                        + (hostVar == null ? "; set ansible_host to its DNS name or IP address" : ""));
            }
            return new Inventory.Resolved(new InventoryHost(h.name, target, vars, groupOrder), null);
        } catch (HostSpecException e) {
            return new Inventory.Resolved(null, e);
        }
    }

    private static Var first(Map<String, Var> vars, String name, String legacy) {
        Var v = vars.get(name);
        return v != null ? v : vars.get(legacy);
    }

    private static String text(Var v, String what, HostDef h) {
        Object value = v.value();
        if (!(value instanceof String) && !(value instanceof Number)) {
            throw new HostSpecException(v.where() + ": " + what + " of host '" + h.name + "' is " + describe(value)
                    + "; expected a string");
        }
        String s = String.valueOf(value);
        if (s.contains("{{") || s.contains("{%")) {
            throw new HostSpecException(v.where() + ": " + what + " of host '" + h.name + "' is the template "
                    + Names.quote(s) + "; drover does not evaluate Jinja templates, set a literal value");
        }
        return s;
    }
}
