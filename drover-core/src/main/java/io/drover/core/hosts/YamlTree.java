package io.drover.core.hosts;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * A YAML document read into a small tree that remembers the line of every key and value, so inventory errors can
 * name {@code file:line}. Resolves anchors and aliases of mappings and sequences and {@code <<} merge keys;
 * refuses duplicate keys and more than one document.
 */
final class YamlTree {

    /** Inventories of tens of thousands of hosts exceed SnakeYAML's default 3 MB input limit. */
    private static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

    private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .loadSettings(LoadSettings.builder().setCodePointLimit(MAX_CODE_POINTS).build())
                    .build())
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // reported below, with both lines
            .build();

    private YamlTree() {}

    sealed interface Node permits MapNode, ListNode, Scalar {
        int line();
    }

    record Entry(String key, int line, Node value) {}

    record MapNode(Map<String, Entry> entries, int line) implements Node {}

    record ListNode(List<Node> items, int line) implements Node {}

    /** {@code value} is a String, Long, BigInteger, Double, Boolean or null. */
    record Scalar(Object value, int line) implements Node {}

    /** The root node, or null for an empty document. */
    static Node read(String text, String source) {
        Map<String, Node> anchors = new HashMap<>();
        try (JsonParser p = MAPPER.createParser(new StringReader(text))) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            Node root = node(p, t, anchors, source);
            JsonToken extra = p.nextToken();
            if (extra != null) {
                throw new HostSpecException(source + ":" + line(p) + ": a second YAML document; an inventory file "
                        + "holds one document (remove the extra '---')");
            }
            return root;
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0 ? source : source + ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new HostSpecException(where + ": not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static Node node(JsonParser p, JsonToken t, Map<String, Node> anchors, String source) {
        int line = line(p);
        Object anchorId = t.isStructStart() ? p.getObjectId() : null;
        Node node = switch (t) {
            case START_OBJECT -> map(p, anchors, source, line);
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    items.add(node(p, e, anchors, source));
                }
                yield new ListNode(Collections.unmodifiableList(items), line);
            }
            case VALUE_STRING -> {
                if (p instanceof YAMLParser yp && yp.isCurrentAlias()) {
                    Node target = anchors.get(p.getString());
                    if (target == null) {
                        throw new HostSpecException(source + ":" + line + ": alias *" + p.getString() + " refers to "
                                + "no anchored mapping or list (anchors on plain values are not supported: repeat "
                                + "the value)");
                    }
                    yield target;
                }
                yield new Scalar(p.getString(), line);
            }
            case VALUE_NUMBER_INT -> {
                Number n = p.getNumberValue();
                yield new Scalar(n instanceof BigInteger b && b.bitLength() >= 64 ? b : (Object) n.longValue(), line);
            }
            case VALUE_NUMBER_FLOAT -> new Scalar(p.getDoubleValue(), line);
            case VALUE_TRUE -> new Scalar(Boolean.TRUE, line);
            case VALUE_FALSE -> new Scalar(Boolean.FALSE, line);
            case VALUE_NULL -> new Scalar(null, line);
            default -> throw new HostSpecException(source + ":" + line + ": unsupported YAML value (" + t
                    + "); inventories hold mappings, lists, strings, numbers and booleans");
        };
        if (anchorId != null) {
            anchors.put(anchorId.toString(), node);
        }
        return node;
    }

    private static MapNode map(JsonParser p, Map<String, Node> anchors, String source, int line) {
        LinkedHashMap<String, Entry> own = new LinkedHashMap<>();
        List<MapNode> merged = new ArrayList<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
            String key = p.currentName();
            int keyLine = line(p);
            Node value = node(p, p.nextToken(), anchors, source);
            if (key.equals("<<")) {
                if (value instanceof MapNode m) {
                    merged.add(m);
                } else if (value instanceof ListNode l && l.items().stream().allMatch(i -> i instanceof MapNode)) {
                    l.items().forEach(i -> merged.add((MapNode) i));
                } else {
                    throw new HostSpecException(source + ":" + keyLine + ": merge key '<<' needs a mapping or a list "
                            + "of mappings (like <<: *defaults)");
                }
                continue;
            }
            Entry previous = own.put(key, new Entry(key, keyLine, value));
            if (previous != null) {
                throw new HostSpecException(source + ":" + keyLine + ": duplicate key '" + key + "' (first at line "
                        + previous.line() + "); YAML keeps only the last one, so merge the two");
            }
        }
        if (merged.isEmpty()) {
            return new MapNode(Collections.unmodifiableMap(own), line);
        }
        LinkedHashMap<String, Entry> all = new LinkedHashMap<>();
        for (int i = merged.size() - 1; i >= 0; i--) { // the first merged mapping wins over later ones
            all.putAll(merged.get(i).entries());
        }
        all.putAll(own);
        return new MapNode(Collections.unmodifiableMap(all), line);
    }

    /** Plain Java values (unmodifiable maps and lists); shared (aliased) nodes convert once. */
    static Object toJava(Node node) {
        return toJava(node, new IdentityHashMap<>());
    }

    private static Object toJava(Node node, IdentityHashMap<Node, Object> done) {
        if (node instanceof Scalar s) {
            return s.value();
        }
        Object known = done.get(node);
        if (known != null) {
            return known;
        }
        Object out;
        if (node instanceof MapNode m) {
            LinkedHashMap<String, Object> map = new LinkedHashMap<>();
            m.entries().forEach((k, e) -> map.put(k, toJava(e.value(), done)));
            out = Collections.unmodifiableMap(map);
        } else {
            List<Object> list = new ArrayList<>();
            for (Node i : ((ListNode) node).items()) {
                list.add(toJava(i, done));
            }
            out = Collections.unmodifiableList(list);
        }
        done.put(node, out);
        return out;
    }

    /** True for a missing value: null, or the empty string Jackson reports for some empty plain values. */
    static boolean isEmpty(Node node) {
        return node == null || (node instanceof Scalar s && (s.value() == null || "".equals(s.value())));
    }

    static String kind(Node node) {
        return switch (node) {
            case MapNode m -> "a mapping";
            case ListNode l -> "a list";
            case Scalar s when s.value() == null -> "empty";
            case Scalar s when s.value() instanceof String -> "the string " + Names.quote((String) s.value());
            case Scalar s -> "the value " + s.value();
        };
    }
}
