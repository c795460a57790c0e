package io.drover.core.hosts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Ansible's {@code group_vars/} and {@code host_vars/} directories next to an inventory file: for a group or host
 * {@code NAME}, the files {@code NAME}, {@code NAME.yml}, {@code NAME.yaml}, {@code NAME.json}, and every such file
 * under a directory {@code NAME/} (in name order, later ones winning). Vault-encrypted files are skipped: drover
 * cannot decrypt them, and what it needs to connect is not secret.
 */
final class VarsDirectories {

    private static final List<String> EXTENSIONS = List.of("", ".yml", ".yaml", ".json");

    private VarsDirectories() {}

    /** Variables per name, each name's files merged in order. */
    static Map<String, LinkedHashMap<String, InventoryModel.Var>> read(Path dir, Iterable<String> names) {
        Map<String, LinkedHashMap<String, InventoryModel.Var>> out = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        Map<String, List<Path>> byName = new HashMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.sorted().forEach(p -> {
                String file = p.getFileName().toString();
                if (file.startsWith(".")) {
                    return;
                }
                if (Files.isDirectory(p)) {
                    byName.computeIfAbsent(file, k -> new ArrayList<>()).add(p);
                    return;
                }
                for (String ext : EXTENSIONS) {
                    if (!ext.isEmpty() && file.toLowerCase(Locale.ROOT).endsWith(ext)) {
                        byName.computeIfAbsent(file.substring(0, file.length() - ext.length()), k -> new ArrayList<>()).add(p);
                        return;
                    }
                }
                byName.computeIfAbsent(file, k -> new ArrayList<>()).add(p);
            });
        } catch (IOException e) {
            throw new HostSpecException(dir + ": cannot list variables directory: " + e, e);
        }
        for (String name : names) {
            List<Path> paths = byName.get(name);
            if (paths == null) {
                continue;
            }
            LinkedHashMap<String, InventoryModel.Var> vars = new LinkedHashMap<>();
            for (Path p : paths) {
                if (Files.isDirectory(p)) {
                    for (Path f : filesUnder(p)) {
                        readFile(f, vars);
                    }
                } else {
                    readFile(p, vars);
                }
            }
            out.put(name, vars);
        }
        return out;
    }

    private static List<Path> filesUnder(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(f -> {
                        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                        return n.endsWith(".yml") || n.endsWith(".yaml") || n.endsWith(".json") || n.indexOf('.') < 0;
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new HostSpecException(dir + ": cannot list variables directory: " + e, e);
        }
    }

    private static void readFile(Path file, Map<String, InventoryModel.Var> into) {
        String shown = file.toString();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new HostSpecException(shown + ": variables file is not UTF-8 text", e);
        } catch (IOException e) {
            throw new HostSpecException(shown + ": cannot read variables file: " + e, e);
        }
        if (text.startsWith("$ANSIBLE_VAULT")) {
            return;
        }
        YamlTree.Node root = YamlTree.read(text, shown);
        if (YamlTree.isEmpty(root)) {
            return;
        }
        if (!(root instanceof YamlTree.MapNode map)) {
            throw new HostSpecException(shown + ":" + root.line() + ": a variables file is a mapping of names to "
                    + "values, not " + YamlTree.kind(root));
        }
        for (YamlTree.Entry e : map.entries().values()) {
            into.put(e.key(), new InventoryModel.Var(YamlTree.toJava(e.value()), shown + ":" + e.line()));
        }
    }
}
