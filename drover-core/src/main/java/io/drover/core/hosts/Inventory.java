package io.drover.core.hosts;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An Ansible inventory file, INI or YAML, as users already have them: groups, {@code children}, group and host
 * variables, ranges ({@code www[01:50]}, {@code db-[a:f]}), and {@code ansible_host}/{@code ansible_port}/
 * {@code ansible_user} for connecting. Every host is in {@code all}; hosts in no other group are also in
 * {@code ungrouped}. The {@code group_vars/} and {@code host_vars/} directories next to the file are read too
 * (YAML or JSON files named after the group or host, or directories of them; vault-encrypted files are skipped).
 *
 * <p>Variable precedence is Ansible's, lowest first: group vars in the inventory file (groups ordered by depth
 * below {@code all}, then {@code ansible_group_priority}, then name, so a child group outranks its parent),
 * {@code group_vars/all}, the other {@code group_vars/} files in the same group order, host vars in the inventory
 * file, {@code host_vars/} files. Values from INI files are read as Python literals where they are ones, as
 * Ansible does ({@code 22} is a number, {@code 'a b'} a string).
 *
 * <p>Not supported (an error says so where it can be noticed): dynamic inventory scripts and plugin configs,
 * inventory directories, Jinja templates in connection variables, YAML anchors on plain scalars. Hosts are
 * listed in the order they first appear in the file.
 *
 * <p>Immutable and thread-safe.
 */
public final class Inventory {

    /** Either a host or why it cannot be connected to (reported only when the host is selected). */
    record Resolved(InventoryHost host, HostSpecException problem) {}

    private static final Pattern SUBSCRIPT = Pattern.compile("^(.+)\\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\\]$");
    private static final Pattern YAML_KEY_LINE = Pattern.compile("^[^\\[\\s=#;][^\\s=]*:(\\s.*)?$");

    private final String source;
    private final List<String> hostOrder;
    private final Map<String, Integer> hostIndex;
    private final Map<String, Resolved> hosts;
    private final Map<String, List<String>> groupHosts;

    Inventory(String source, Map<String, Resolved> hosts, Map<String, List<String>> groupHosts) {
        this.source = source;
        this.hosts = Map.copyOf(hosts);
        this.hostOrder = List.copyOf(hosts.keySet());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < hostOrder.size(); i++) {
            index.put(hostOrder.get(i), i);
        }
        this.hostIndex = Map.copyOf(index);
        this.groupHosts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groupHosts));
    }

    /**
     * Reads an inventory file. {@code .yml}, {@code .yaml} and {@code .json} files are read as YAML, {@code .ini}
     * and {@code .cfg} as INI; any other name by its content (a first line like {@code all:} or {@code ---} means
     * YAML).
     *
     * @throws HostSpecException when the file cannot be read or is malformed, naming {@code file:line} and what
     *     would be valid
     */
    public static Inventory load(Path file) {
        requireNonNull(file, "file is null");
        String shown = file.toString();
        if (Files.isDirectory(file)) {
            throw new HostSpecException(shown + ": is a directory; give an INI or YAML inventory file "
                    + "(inventory directories are not supported)");
        }
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new HostSpecException(shown + ": inventory file does not exist", e);
        } catch (AccessDeniedException e) {
            throw new HostSpecException(shown + ": cannot read inventory file: permission denied", e);
        } catch (CharacterCodingException e) {
            throw new HostSpecException(shown + ": inventory file is not UTF-8 text", e);
        } catch (IOException e) {
            throw new HostSpecException(shown + ": cannot read inventory file: " + e, e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        InventoryModel model = new InventoryModel(shown, HostSpec.DEFAULT_MAX_HOSTS);
        if (looksLikeYaml(file, text)) {
            YamlInventory.parse(text, model);
        } else {
            IniInventory.parse(text, model);
        }
        Path base = file.toAbsolutePath().getParent();
        if (base != null) {
            model.groupFileVars = VarsDirectories.read(base.resolve("group_vars"), model.groups.keySet());
            model.hostFileVars = VarsDirectories.read(base.resolve("host_vars"), model.hosts.keySet());
        }
        return model.build();
    }

    private static boolean looksLikeYaml(Path file, String text) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yml") || name.endsWith(".yaml") || name.endsWith(".json")) {
            return true;
        }
        if (name.endsWith(".ini") || name.endsWith(".cfg")) {
            return false;
        }
        for (String line : text.split("\n", -1)) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#") || s.startsWith(";")) {
                continue;
            }
            return s.equals("---") || s.startsWith("{") || YAML_KEY_LINE.matcher(s).matches();
        }
        return false;
    }

    /** The file this inventory was read from, as given. */
    public String source() {
        return source;
    }

    /** Every group, {@code all} and {@code ungrouped} included, in order of definition. */
    public Set<String> groupNames() {
        return groupHosts.keySet();
    }

    /**
     * Every host.
     *
     * @throws HostSpecException when some host has unusable connection variables (see {@link #hosts(String)})
     */
    public List<InventoryHost> hosts() {
        return hosts("all");
    }

    /** The host with this inventory name, if there is one. */
    public Optional<InventoryHost> host(String name) {
        Resolved r = hosts.get(requireNonNull(name, "name is null"));
        if (r == null) {
            return Optional.empty();
        }
        return Optional.of(usable(r));
    }

    /**
     * The hosts an Ansible host pattern selects, in inventory order.
     *
     * <p>Patterns: {@code all} or {@code *}; a group name (its hosts and its children's); a host name; globs
     * ({@code web*}, {@code db-?}, {@code [ab]*}) and regular expressions ({@code ~web\d+}) over group and host
     * names; subscripts ({@code web[0]}, {@code web[-1]}, {@code web[1:3]}, inclusive); and combinations
     * separated by {@code :} or {@code ,}: {@code a:b} union, {@code a:&b} intersection, {@code a:!b} exclusion.
     * As in Ansible, unions are taken first, then intersections, then exclusions; a pattern of exclusions only
     * starts from {@code all}.
     *
     * @throws HostSpecException for an empty or malformed pattern, for a union or intersection part that matches
     *     no group or host (a typo, most likely), or when a selected host has unusable connection variables (a
     *     bad {@code ansible_port}, a Jinja template in {@code ansible_host}), naming the file and line
     */
    public List<InventoryHost> hosts(String pattern) {
        requireNonNull(pattern, "pattern is null");
        List<String> parts = splitPattern(pattern);
        if (parts.isEmpty()) {
            throw new HostSpecException("empty host pattern " + Names.quote(pattern)
                    + "; use all, a group or host name, or combine them: web:db, web:&prod, all:!db1");
        }
        List<String> regular = new ArrayList<>();
        List<String> intersect = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        for (String p : parts) {
            if (p.startsWith("&")) {
                intersect.add(nonEmpty(p.substring(1), p, pattern));
            } else if (p.startsWith("!")) {
                exclude.add(nonEmpty(p.substring(1), p, pattern));
            } else {
                regular.add(p);
            }
        }
        if (regular.isEmpty()) {
            regular.add("all");
        }
        LinkedHashSet<String> selected = new LinkedHashSet<>();
        for (String p : regular) {
            selected.addAll(match(p, pattern, true));
        }
        for (String p : intersect) {
            selected.retainAll(new HashSet<>(match(p, pattern, true)));
        }
        for (String p : exclude) {
            match(p, pattern, false).forEach(selected::remove);
        }
        List<String> names = new ArrayList<>(selected);
        names.sort((a, b) -> Integer.compare(hostIndex.get(a), hostIndex.get(b)));
        List<InventoryHost> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(usable(hosts.get(n)));
        }
        return List.copyOf(out);
    }

    private static InventoryHost usable(Resolved r) {
        if (r.problem() != null) {
            throw new HostSpecException(r.problem().getMessage(), r.problem());
        }
        return r.host();
    }

    private static String nonEmpty(String atom, String part, String pattern) {
        if (atom.isBlank()) {
            throw new HostSpecException("host pattern " + Names.quote(pattern) + ": " + Names.quote(part)
                    + " names nothing; write e.g. web:&prod or all:!db1");
        }
        return atom;
    }

    /** Splits on ',' when present, else on ':' outside brackets (so subscripts like web[1:3] stay whole). */
    private static List<String> splitPattern(String pattern) {
        List<String> out = new ArrayList<>();
        if (pattern.indexOf(',') >= 0) {
            for (String p : pattern.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.strip());
                }
            }
            return out;
        }
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            }
            if (c == ':' && depth == 0) {
                if (!cur.toString().isBlank()) {
                    out.add(cur.toString().strip());
                }
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }

    private List<String> match(String atom, String pattern, boolean required) {
        String expr = atom;
        Matcher sub = SUBSCRIPT.matcher(atom);
        boolean subscripted = !atom.startsWith("~") && sub.matches(); // as Ansible: no subscripts on regexes
        if (subscripted) {
            expr = sub.group(1);
        }
        List<String> found;
        if (expr.equals("all") || expr.equals("*")) {
            found = hostOrder;
        } else {
            Predicate<String> matcher = matcher(expr, pattern);
            boolean special = expr.startsWith("~") || expr.chars().anyMatch(c -> ".?*[".indexOf(c) >= 0);
            LinkedHashSet<String> result = new LinkedHashSet<>();
            boolean anyGroup = false;
            for (Map.Entry<String, List<String>> g : groupHosts.entrySet()) {
                if (matcher.test(g.getKey())) {
                    anyGroup = true;
                    result.addAll(g.getValue());
                }
            }
            if (!anyGroup || special) {
                for (String h : hostOrder) {
                    if (matcher.test(h)) {
                        result.add(h);
                    }
                }
            }
            found = new ArrayList<>(result);
            found.sort((a, b) -> Integer.compare(hostIndex.get(a), hostIndex.get(b)));
        }
        if (found.isEmpty() && required && !expr.equals("all") && !expr.equals("*")) {
            List<String> groups = new ArrayList<>(groupHosts.keySet());
            String shown = groups.size() > 20 ? String.join(", ", groups.subList(0, 20)) + ", ..." : String.join(", ", groups);
            throw new HostSpecException("host pattern " + Names.quote(pattern) + ": " + Names.quote(expr)
                    + " matches no group or host in " + source + " (groups: " + shown + ")");
        }
        if (subscripted) {
            found = subscript(found, sub, expr, pattern);
        }
        return found;
    }

    private static List<String> subscript(List<String> hosts, Matcher sub, String expr, String pattern) {
        if (sub.group(2) != null) {
            int idx = parseIndex(sub.group(2), pattern);
            int real = idx < 0 ? hosts.size() + idx : idx;
            if (real < 0 || real >= hosts.size()) {
                throw new HostSpecException("host pattern " + Names.quote(pattern) + ": index " + idx + " is out of "
                        + "range for " + Names.quote(expr) + ", which has " + hosts.size() + " hosts");
            }
            return List.of(hosts.get(real));
        }
        int start = parseIndex(sub.group(3), pattern);
        int end = sub.group(5).isEmpty() ? hosts.size() - 1 : parseIndex(sub.group(5), pattern);
        if (start >= hosts.size() || start > end) {
            return List.of();
        }
        return hosts.subList(start, Math.min(end, hosts.size() - 1) + 1);
    }

    private static int parseIndex(String s, String pattern) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new HostSpecException("host pattern " + Names.quote(pattern) + ": subscript " + s + " is too large");
        }
    }

    private static Predicate<String> matcher(String expr, String pattern) {
        if (expr.startsWith("~")) {
            try {
                Pattern re = Pattern.compile(expr.substring(1));
                return s -> re.matcher(s).lookingAt();
            } catch (PatternSyntaxException e) {
                throw new HostSpecException("host pattern " + Names.quote(pattern) + ": " + Names.quote(expr)
                        + " is not a valid regular expression: " + e.getDescription());
            }
        }
        if (expr.chars().anyMatch(c -> c == '*' || c == '?' || c == '[')) {
            try {
                Pattern re = Pattern.compile(globToRegex(expr));
                return s -> re.matcher(s).matches();
            } catch (PatternSyntaxException e) {
                throw new HostSpecException("host pattern " + Names.quote(pattern) + ": " + Names.quote(expr)
                        + " is not a valid glob: " + e.getDescription() + "; globs look like web*, db-? or [ab]*");
            }
        }
        return expr::equals;
    }

    /** Python's fnmatch: {@code *}, {@code ?}, {@code [seq]}, {@code [!seq]}; an unclosed '[' is literal. */
    static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int j = i;
                    if (j < glob.length() && glob.charAt(j) == '!') {
                        j++;
                    }
                    if (j < glob.length() && glob.charAt(j) == ']') {
                        j++;
                    }
                    while (j < glob.length() && glob.charAt(j) != ']') {
                        j++;
                    }
                    if (j >= glob.length()) {
                        re.append("\\[");
                    } else {
                        String body = glob.substring(i, j);
                        boolean negate = body.startsWith("!");
                        if (negate) {
                            body = body.substring(1);
                        }
                        StringBuilder cls = new StringBuilder("[");
                        if (negate) {
                            cls.append('^');
                        }
                        for (char b : body.toCharArray()) {
                            if (b == '\\' || b == '[' || b == ']' || b == '&' || b == '^') {
                                cls.append('\\');
                            }
                            cls.append(b);
                        }
                        re.append(cls).append(']');
                        i = j + 1;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
