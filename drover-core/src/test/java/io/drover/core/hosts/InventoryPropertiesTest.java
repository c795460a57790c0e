package io.drover.core.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class InventoryPropertiesTest {

    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("inventory-props");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Lines built from inventory-ish fragments, so that the parsers get past their first check often. */
    @Provide
    Arbitrary<String> iniText() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.of("[web]", "[web:vars]", "[prod:children]", "[all:vars]", "[db]", "web", "db", "[x:y]", "["),
                Arbitraries.strings().withChars("abw01[]:=-_.'\"#; \t{}()").ofMaxLength(24),
                Arbitraries.of("web[01:03] ansible_port=22", "h ansible_port=x", "h ansible_host='{{ x }}'",
                        "db-[a:c]:2200", "n[1:9:0]", "x=1", "h k=\"[1, (2\"", "h k=\"{'a': [1, {'b': None}]}\""));
        return line.list().ofMaxSize(12).map(lines -> String.join("\n", lines));
    }

    @Provide
    Arbitrary<String> yamlText() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.of("all:", "  hosts:", "    web1:", "      ansible_port: 22", "  children:", "    web:",
                        "      hosts:", "        www[01:02]:", "  vars:", "    x: &a {k: 1}", "    y: *a", "    z: *b",
                        "    <<: *a", "---", "- x", "plugin: foo", "      ansible_port: [1]", "  hosts: []"),
                Arbitraries.strings().withChars("aw01[]:&*!|>-_ \t{},'\"#").ofMaxLength(24));
        return line.list().ofMaxSize(12).map(lines -> String.join("\n", lines));
    }

    private static void loadAndSelect(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        try {
            Inventory inv = Inventory.load(p);
            for (String pattern : List.of("all", "web:&prod:!db", "w*", "~w.*", "web[0]")) {
                try {
                    assertThat(inv.hosts(pattern)).doesNotContainNull();
                } catch (HostSpecException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        } catch (HostSpecException expected) {
            assertThat(expected.getMessage()).startsWith(p.toString());
        }
    }

    @Property(tries = 400)
    void readingArbitraryIniThrowsNothingButHostSpecExceptionNamingTheFile(@ForAll("iniText") String text)
            throws IOException {
        loadAndSelect("fuzz.ini", text);
    }

    @Property(tries = 400)
    void readingArbitraryYamlThrowsNothingButHostSpecExceptionNamingTheFile(@ForAll("yamlText") String text)
            throws IOException {
        loadAndSelect("fuzz.yml", text);
    }
}
