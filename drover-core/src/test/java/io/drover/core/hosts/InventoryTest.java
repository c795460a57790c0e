package io.drover.core.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InventoryTest {

    private static final List<String> PROD_HOSTS = List.of("bastion.example.com", "www01.example.com",
            "www02.example.com", "www03.example.com", "web-canary.example.com", "db-a.example.com", "db-b.example.com",
            "db-c.example.com", "db-primary", "cache1");

    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(InventoryTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static List<String> names(List<InventoryHost> hosts) {
        return hosts.stream().map(InventoryHost::name).toList();
    }

    private static InventoryHost host(Inventory inv, String name) {
        return inv.host(name).orElseThrow();
    }

    // ---- the example inventories, INI and YAML

    @ParameterizedTest
    @ValueSource(strings = {"prod.ini", "prod.yml"})
    void everyHostIsListedInFileOrderWithRangesExpanded(String file) {
        assertThat(names(Inventory.load(resource(file)).hosts())).containsExactlyElementsOf(PROD_HOSTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod.ini", "prod.yml"})
    void groupIncludesTheHostsOfItsChildren(String file) {
        Inventory inv = Inventory.load(resource(file));
        assertThat(names(inv.hosts("eu"))).containsExactly("www01.example.com", "www02.example.com",
                "www03.example.com", "web-canary.example.com", "db-a.example.com", "db-b.example.com",
                "db-c.example.com", "db-primary");
        assertThat(names(inv.hosts("prod"))).hasSize(9).contains("cache1").doesNotContain("bastion.example.com");
        assertThat(inv.groupNames()).contains("all", "ungrouped", "web", "db", "cache", "eu", "prod");
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod.ini", "prod.yml"})
    void hostsOutsideEveryGroupAreUngrouped(String file) {
        Inventory inv = Inventory.load(resource(file));
        assertThat(names(inv.hosts("ungrouped"))).containsExactly("bastion.example.com");
        assertThat(host(inv, "bastion.example.com").groups()).containsExactly("all", "ungrouped");
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod.ini", "prod.yml"})
    void connectionVariablesBecomeTheTarget(String file) {
        Inventory inv = Inventory.load(resource(file));
        assertThat(host(inv, "db-primary").target())
                .isEqualTo(new Target("10.0.0.10", Optional.of("deploy"), OptionalInt.of(5522)));
        assertThat(host(inv, "web-canary.example.com").target().destination())
                .isEqualTo("canary@web-canary.example.com:2222");
        assertThat(host(inv, "www01.example.com").target().destination()).isEqualTo("deploy@www01.example.com");
        assertThat(host(inv, "bastion.example.com").target().destination()).isEqualTo("jump@bastion.example.com");
        assertThat(host(inv, "web-canary.example.com").vars()).contains(entry("ansible_port", 2222L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod.ini", "prod.yml"})
    void variablesFollowAnsiblePrecedenceHostOverChildOverParentOverAll(String file) {
        Inventory inv = Inventory.load(resource(file));
        assertThat(host(inv, "www01.example.com").vars()).contains(entry("tier", "web"), entry("region", "eu-west-1"),
                entry("max_parallel", 10L), entry("http_port", 8080L), entry("ntp_server", "ntp.example.com"));
        assertThat(host(inv, "db-a.example.com").vars()).contains(entry("tier", "eu")).doesNotContainKey("http_port");
        assertThat(host(inv, "cache1").vars()).contains(entry("tier", "prod")).doesNotContainKey("region");
        assertThat(host(inv, "bastion.example.com").vars()).contains(entry("tier", "all"), entry("ansible_user", "jump"));
        assertThat(host(inv, "db-primary").vars()).contains(entry("role", "primary db"),
                entry("backups", List.of("daily", "weekly")), entry("ansible_group_priority", 5L));
        assertThat(host(inv, "www01.example.com").groups()).containsExactly("all", "prod", "eu", "web");
    }

    @Test
    void iniAndYamlFormsOfTheSameInventoryAgree() {
        Inventory ini = Inventory.load(resource("prod.ini"));
        Inventory yaml = Inventory.load(resource("prod.yml"));
        assertThat(yaml.hosts()).containsExactlyElementsOf(ini.hosts());
    }

    // ---- patterns

    @Test
    void patternsSelectGroupsHostsAndEverything() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThat(names(inv.hosts("all"))).containsExactlyElementsOf(PROD_HOSTS);
        assertThat(names(inv.hosts("*"))).containsExactlyElementsOf(PROD_HOSTS);
        assertThat(names(inv.hosts("cache"))).containsExactly("cache1");
        assertThat(names(inv.hosts("db-primary"))).containsExactly("db-primary");
    }

    @Test
    void globsMatchGroupAndHostNames() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThat(names(inv.hosts("www0[12]*"))).containsExactly("www01.example.com", "www02.example.com");
        assertThat(names(inv.hosts("ca*"))).containsExactly("cache1");
        assertThat(names(inv.hosts("db-?.example.com"))).containsExactly("db-a.example.com", "db-b.example.com",
                "db-c.example.com");
    }

    @Test
    void tildeStartsARegularExpressionAnchoredAtTheStart() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThat(names(inv.hosts("~www0[23]"))).containsExactly("www02.example.com", "www03.example.com");
    }

    @Test
    void colonUnitesAmpersandIntersectsAndBangExcludes() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThat(names(inv.hosts("cache:bastion.example.com"))).containsExactly("bastion.example.com", "cache1");
        assertThat(names(inv.hosts("prod:&db"))).containsExactly("db-a.example.com", "db-b.example.com",
                "db-c.example.com", "db-primary");
        assertThat(names(inv.hosts("eu:!web:!db-b.example.com"))).containsExactly("db-a.example.com",
                "db-c.example.com", "db-primary");
        assertThat(names(inv.hosts("!db:&prod"))).containsExactly("www01.example.com", "www02.example.com",
                "www03.example.com", "web-canary.example.com", "cache1");
    }

    @Test
    void commaSeparatesPatternsToo() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThat(names(inv.hosts("cache, db-primary"))).containsExactly("db-primary", "cache1");
        assertThat(names(inv.hosts("web,!www0*"))).containsExactly("web-canary.example.com");
    }

    @Test
    void exclusionsAloneStartFromAll() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThat(names(inv.hosts("!prod"))).containsExactly("bastion.example.com");
    }

    @Test
    void subscriptsPickHostsOfAGroupByPosition() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThat(names(inv.hosts("web[0]"))).containsExactly("www01.example.com");
        assertThat(names(inv.hosts("web[-1]"))).containsExactly("web-canary.example.com");
        assertThat(names(inv.hosts("web[1:2]"))).containsExactly("www02.example.com", "www03.example.com");
        assertThat(names(inv.hosts("web[2:]"))).containsExactly("www03.example.com", "web-canary.example.com");
        assertThat(names(inv.hosts("web[0]:db[0]"))).containsExactly("www01.example.com", "db-a.example.com");
    }

    @Test
    void subscriptOutOfRangeIsAnError() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThatThrownBy(() -> inv.hosts("cache[3]"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("index 3 is out of range for \"cache\", which has 1 hosts");
    }

    @Test
    void patternPartThatMatchesNothingIsAnErrorListingTheGroups() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThatThrownBy(() -> inv.hosts("webb:&prod"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("\"webb\" matches no group or host in")
                .hasMessageContaining("prod.ini (groups: all, ungrouped, web, db, cache, eu, prod)");
        assertThat(names(inv.hosts("cache:!nosuchhost"))).containsExactly("cache1");
    }

    @Test
    void emptyOrMalformedPatternsAreErrors() {
        Inventory inv = Inventory.load(resource("prod.ini"));
        assertThatThrownBy(() -> inv.hosts(" : ")).hasMessageContaining("empty host pattern");
        assertThatThrownBy(() -> inv.hosts("web:!")).hasMessageContaining("\"!\" names nothing");
        assertThatThrownBy(() -> inv.hosts("~web(")).hasMessageContaining("is not a valid regular expression");
        assertThatThrownBy(() -> inv.hosts("db[z-a]*")).hasMessageContaining("is not a valid glob");
    }

    @Test
    void groupVarsAndHostVarsDirectoriesBesideTheInventoryOutrankItsOwnVars() throws IOException {
        Path inv = write("hosts.ini", """
                [web]
                web1 ansible_user=inline color=host-inline
                web2
                [prod:children]
                web
                [web:vars]
                color=web-inline
                team=web-inline
                [all:vars]
                ansible_port=22
                """);
        Files.createDirectories(dir.resolve("group_vars/web"));
        Files.createDirectories(dir.resolve("host_vars"));
        Files.writeString(dir.resolve("group_vars/all.yml"), "team: all-file\nansible_port: 2200\n");
        Files.writeString(dir.resolve("group_vars/prod"), "---\ncolor: prod-file\n");
        Files.writeString(dir.resolve("group_vars/web/10-main.yaml"), "color: web-file\nbackup: nightly\n");
        Files.writeString(dir.resolve("group_vars/web/20-more.json"), "{\"backup\": \"hourly\"}");
        Files.writeString(dir.resolve("group_vars/web/vault.yml"), "$ANSIBLE_VAULT;1.1;AES256\n6231336...\n");
        Files.writeString(dir.resolve("host_vars/web1.yml"), "ansible_user: from-host-file\n");
        Files.writeString(dir.resolve("host_vars/stranger.yml"), "x: 1\n");
        Inventory inventory = Inventory.load(inv);
        InventoryHost web1 = host(inventory, "web1");
        InventoryHost web2 = host(inventory, "web2");
        // group_vars/all outranks every group var written in the inventory file, as in Ansible
        assertThat(web2.vars()).contains(entry("team", "all-file"), entry("color", "web-file"),
                entry("backup", "hourly"), entry("ansible_port", 2200L));
        assertThat(web1.vars()).contains(entry("color", "host-inline"));
        assertThat(web1.target().destination()).isEqualTo("from-host-file@web1:2200");
        assertThat(web2.target().destination()).isEqualTo("web2:2200");
    }

    @Test
    void malformedGroupVarsFileIsAnErrorNamingIt() throws IOException {
        Path inv = write("hosts.ini", "[web]\nweb1\n");
        Files.createDirectories(dir.resolve("group_vars"));
        Path bad = dir.resolve("group_vars/web.yml");
        Files.writeString(bad, "- just\n- a list\n");
        assertThatThrownBy(() -> Inventory.load(inv))
                .hasMessage(bad + ":1: a variables file is a mapping of names to values, not a list");
    }

    // ---- INI details

    @Test
    void iniHostVariablesAreReadAsPythonLiterals() throws IOException {
        Path p = write("lit.ini", """
                h1 n=42 f=1.5 yes=True no=False none=None s='a b' list="[1, 'x', (2, 3)]" d="{'k': [1]}" word=ok07 z=007
                [g:vars]
                raw=a # not a comment but part of the value
                quoted='spaced value'
                [g]
                h1
                """);
        InventoryHost h = host(Inventory.load(p), "h1");
        assertThat(h.vars()).contains(entry("n", 42L), entry("f", 1.5), entry("yes", true), entry("no", false),
                entry("none", null), entry("s", "a b"), entry("list", List.of(1L, "x", List.of(2L, 3L))),
                entry("d", Map.of("k", List.of(1L))), entry("word", "ok07"), entry("z", "007"),
                entry("raw", "a # not a comment but part of the value"), entry("quoted", "spaced value"));
    }

    @Test
    void groupPriorityDecidesBetweenGroupsAtTheSameDepth() throws IOException {
        Path p = write("prio.ini", """
                [a]
                h1
                [b]
                h1
                [a:vars]
                color=red
                [b:vars]
                color=blue
                """);
        assertThat(host(Inventory.load(p), "h1").vars()).contains(entry("color", "blue")); // same priority: by name
        Path q = write("prio2.ini", Files.readString(p) + "[a:vars]\nansible_group_priority=10\n");
        assertThat(host(Inventory.load(q), "h1").vars()).contains(entry("color", "red"));
    }

    @Test
    void laterHostLinesAddVariablesToTheSameHost() throws IOException {
        Path p = write("twice.ini", """
                [a]
                h1 x=1 y=1
                [b]
                h1 y=2
                """);
        InventoryHost h = host(Inventory.load(p), "h1");
        assertThat(h.vars()).contains(entry("x", 1L), entry("y", 2L));
        assertThat(h.groups()).containsExactly("all", "a", "b");
    }

    @Test
    void ipv6HostsAndSteppedRangesAreRead() throws IOException {
        Path p = write("v6.yml", """
                all:
                  children:
                    v6:
                      hosts:
                        "[2001:db8::1]:2222":
                        fe80::7:
                    stepped:
                      hosts:
                        n[0:20:10]:
                """);
        Inventory inv = Inventory.load(p);
        assertThat(host(inv, "2001:db8::1").target().destination()).isEqualTo("[2001:db8::1]:2222");
        assertThat(host(inv, "fe80::7").target().destination()).isEqualTo("fe80::7");
        assertThat(names(inv.hosts("stepped"))).containsExactly("n0", "n10", "n20");
    }

    @Test
    void iniLineStartingWithABracketIsASectionHeaderAsInAnsible() throws IOException {
        Path p = write("v6.ini", "[v6]\n[2001:db8::1]:2222\n");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessageStartingWith(p + ":2: invalid section header");
    }

    @Test
    void extensionlessFileIsReadByItsContent() throws IOException {
        Path ini = write("hosts", "[web]\nweb1\n");
        Path yaml = write("inventory", "# yaml\nall:\n  hosts:\n    web1:\n");
        assertThat(names(Inventory.load(ini).hosts("web"))).containsExactly("web1");
        assertThat(names(Inventory.load(yaml).hosts())).containsExactly("web1");
    }

    @Test
    void emptyInventoryHasNoHosts() throws IOException {
        assertThat(Inventory.load(write("empty.ini", "# nothing yet\n")).hosts()).isEmpty();
        assertThat(Inventory.load(write("empty.yml", "")).hosts()).isEmpty();
    }

    @Test
    void unknownSectionTypeIsAnError() throws IOException {
        Path p = write("bad.ini", "[web]\nweb1\n[web:kids]\ndb1\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .isInstanceOf(HostSpecException.class)
                .hasMessage(p + ":3: section [web:kids] has unknown type 'kids'; expected [web], [web:vars] or "
                        + "[web:children]");
    }

    @Test
    void malformedSectionHeaderIsAnError() throws IOException {
        Path p = write("bad.ini", "[web servers]\n");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessageStartingWith(p + ":1: invalid section header");
    }

    @Test
    void varsLineWithoutEqualsIsAnError() throws IOException {
        Path p = write("bad.ini", "[web]\nweb1\n[web:vars]\nhttp_port 80\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessage(p + ":4: expected key=value in [web:vars], got \"http_port 80\"");
    }

    @Test
    void hostVariableWithoutEqualsIsAnError() throws IOException {
        Path p = write("bad.ini", "[web]\nweb1 ansible_user\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessage(p + ":2: expected key=value host variable after \"web1\", got \"ansible_user\"");
    }

    @Test
    void variableWhereAHostBelongsIsAnError() throws IOException {
        Path p = write("bad.ini", "[web]\nansible_user=deploy\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessageStartingWith(p + ":2: \"ansible_user=deploy\" in [web] looks like a variable")
                .hasMessageContaining("[web:vars]");
    }

    @Test
    void unclosedQuoteIsAnError() throws IOException {
        Path p = write("bad.ini", "[web]\nweb1 motd='hello\n");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessageStartingWith(p + ":2: no closing quotation (')");
    }

    @Test
    void varsForAnUndeclaredGroupAreAnError() throws IOException {
        Path p = write("bad.ini", "[web]\nweb1\n[wbe:vars]\nx=1\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessageStartingWith(p + ":3: section [wbe:vars] is for group 'wbe', which no [wbe] or "
                        + "[wbe:children] section declares");
    }

    @Test
    void undeclaredChildGroupIsAnError() throws IOException {
        Path p = write("bad.ini", "[web]\nweb1\n[prod:children]\nweb\ndb\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessageStartingWith(p + ":5: section [prod:children] includes group 'db', which no [db]");
    }

    @Test
    void groupLoopIsAnError() throws IOException {
        Path p = write("loop.ini", "[a:children]\nb\n[b:children]\nc\n[c:children]\na\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("groups form a loop through children: a -> b -> c -> a");
    }

    @Test
    void allCannotBeAChild() throws IOException {
        Path p = write("bad.ini", "[web:children]\nall\n");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessage(p + ":2: group 'all' cannot be a child of 'web'; "
                + "every group is already inside all");
    }

    @Test
    void badRangesAreErrorsNamingTheLine() throws IOException {
        Path p = write("r1.ini", "[web]\nok1\nwww[01:5]\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessage(p + ":3: range [01:5] in host \"www[01:5]\" pads its start to 2 digits, so its end must "
                        + "have 2 digits too (e.g. [01:05])");
        Path q = write("r2.ini", "[web]\nwww[9:1]\n");
        assertThatThrownBy(() -> Inventory.load(q)).hasMessageContaining(":2: range [9:1] in host \"www[9:1]\" runs "
                + "backwards; write [1:9]");
        Path r = write("r3.ini", "[web]\nwww[1-3]\n");
        assertThatThrownBy(() -> Inventory.load(r)).hasMessageContaining("must be begin:end or begin:end:step");
        Path s = write("r4.ini", "[web]\nwww[1:]\n");
        assertThatThrownBy(() -> Inventory.load(s)).hasMessageContaining("has no end value");
        Path t = write("r5.ini", "[web]\nwww[1:x2]\n");
        assertThatThrownBy(() -> Inventory.load(t)).hasMessageContaining("\"x2\" in range [1:x2] of host \"www[1:x2]\" "
                + "is neither a number");
    }

    @Test
    void hugeRangeIsRefusedBeforeExpansion() throws IOException {
        Path p = write("huge.ini", "[web]\nn[1:999999999999][1:999999]\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessage(p + ":2: host range \"n[1:999999999999][1:999999]\" expands to 999,998,999,999,000,001 "
                        + "hosts, over the limit of 100,000");
    }

    @Test
    void badPortIsAnError() throws IOException {
        Path p = write("port.ini", "[web]\nweb1:99999\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessage(p + ":2: port \"99999\" of host \"web1:99999\" is not a number between 1 and 65535");
    }

    // ---- YAML details

    @Test
    void yamlAnchorsAliasesAndMergeKeysAreResolved() {
        Inventory inv = Inventory.load(resource("anchors.yaml"));
        assertThat(host(inv, "app1").vars()).containsExactly(entry("ansible_port", 2201L),
                entry("java_opts", List.of("-Xmx2g", "-Xms2g")));
        assertThat(host(inv, "app2").vars()).contains(entry("ansible_port", 2202L),
                entry("java_opts", List.of("-Xmx2g", "-Xms2g")));
        assertThat(host(inv, "app3").target().port()).hasValue(2201);
    }

    @Test
    void yamlHostsAsAStringIsOneHost() throws IOException {
        Path p = write("one.yml", "all:\n  children:\n    web:\n      hosts: web1\n");
        assertThat(names(Inventory.load(p).hosts("web"))).containsExactly("web1");
    }

    @Test
    void malformedYamlNamesLineAndColumn() throws IOException {
        Path p = write("bad.yml", "all:\n  hosts:\n    web1:\n      ansible_host: a: b\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .isInstanceOf(HostSpecException.class)
                .hasMessageStartingWith(p + ":4:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void yamlHostsListIsAnErrorShowingTheMappingForm() throws IOException {
        Path p = write("list.yml", "all:\n  children:\n    web:\n      hosts:\n        - web1\n        - web2\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessage(p + ":5: hosts of group 'web' is a list; write one host per key (hosts:, then 'web1:' "
                        + "indented below, optionally with its vars)");
    }

    @Test
    void unknownKeyInAYamlGroupIsAnError() throws IOException {
        Path p = write("key.yml", "all:\n  children:\n    web:\n      host:\n        web1:\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessageStartingWith(p + ":4: unexpected key 'host' in group 'web'; a group holds only hosts:, "
                        + "children: and vars:");
    }

    @Test
    void duplicateYamlKeyIsAnError() throws IOException {
        Path p = write("dup.yml", "all:\n  hosts:\n    web1:\n  hosts:\n    web2:\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessageStartingWith(p + ":4: duplicate key 'hosts' (first at line 2)");
    }

    @Test
    void yamlGroupThatIsNotAMappingIsAnError() throws IOException {
        Path p = write("grp.yml", "all:\n  children:\n    web: [web1]\n");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessageStartingWith(p + ":3: group 'web' is a list");
    }

    @Test
    void yamlHostVarsThatAreNotAMappingAreAnError() throws IOException {
        Path p = write("hv.yml", "all:\n  hosts:\n    web1: 10.0.0.1\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessageStartingWith(p + ":3: host 'web1' in group 'all' has the string \"10.0.0.1\" where its vars go");
    }

    @Test
    void yamlTopLevelListIsAnError() throws IOException {
        Path p = write("top.yml", "- web1\n- web2\n");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessageStartingWith(p + ":1: a YAML inventory is a mapping");
    }

    @Test
    void inventoryPluginConfigIsAnErrorExplainingTheExport() throws IOException {
        Path p = write("aws_ec2.yml", "plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n");
        assertThatThrownBy(() -> Inventory.load(p))
                .hasMessageContaining(":1: this is the configuration of an inventory plugin")
                .hasMessageContaining("ansible-inventory -i");
    }

    @Test
    void secondYamlDocumentIsAnError() throws IOException {
        Path p = write("two.yml", "all:\n  hosts:\n    a:\n---\nall:\n  hosts:\n    b:\n");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessageContaining("a second YAML document");
    }

    @Test
    void aliasOfAPlainValueIsAnError() throws IOException {
        Path p = write("alias.yml", "all:\n  vars:\n    a: &x 1\n    b: *x\n");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessageStartingWith(p + ":4: alias *x refers to no anchored");
    }

    // ---- connection variables, reported when the host is selected

    @Test
    void badPortVariableIsReportedWithItsLineWhenTheHostIsSelected() throws IOException {
        Path p = write("port.yml", """
                all:
                  children:
                    ok:
                      hosts:
                        good1:
                    broken:
                      hosts:
                        bad1:
                          ansible_port: twenty-two
                """);
        Inventory inv = Inventory.load(p);
        assertThat(names(inv.hosts("ok"))).containsExactly("good1");
        assertThatThrownBy(() -> inv.hosts("broken"))
                .isInstanceOf(HostSpecException.class)
                .hasMessage(p + ":9: ansible_port of host 'bad1' is \"twenty-two\"; expected a number between 1 and 65535");
    }

    @Test
    void jinjaTemplateInAnsibleHostIsAnError() throws IOException {
        Path p = write("tpl.ini", "[web]\nweb1\n[web:vars]\nansible_host={{ inventory_hostname }}.corp\n");
        assertThatThrownBy(() -> Inventory.load(p).hosts("web"))
                .hasMessage(p + ":4: ansible_host of host 'web1' is the template \"{{ inventory_hostname }}.corp\"; "
                        + "drover does not evaluate Jinja templates, set a literal value");
    }

    @Test
    void hostNameThatIsNoAddressNeedsAnsibleHost() throws IOException {
        Path p = write("odd.yml", "all:\n  hosts:\n    'db/primary':\n");
        assertThatThrownBy(() -> Inventory.load(p).hosts())
                .hasMessageStartingWith(p + ":3: host 'db/primary' has no usable address")
                .hasMessageEndingWith("set ansible_host to its DNS name or IP address");
    }

    // ---- files

    @Test
    void missingInventoryIsAnError() {
        Path p = dir.resolve("nope.ini");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessage(p + ": inventory file does not exist");
    }

    @Test
    void directoryIsNotAnInventory() {
        assertThatThrownBy(() -> Inventory.load(dir)).hasMessageContaining("is a directory");
    }

    @Test
    void inventoryThatIsNotUtf8IsAnError() throws IOException {
        Path p = dir.resolve("latin1.ini");
        Files.write(p, new byte[] {'[', 'w', ']', '\n', 'h', (byte) 0xe9, '\n'});
        assertThatThrownBy(() -> Inventory.load(p)).hasMessage(p + ": inventory file is not UTF-8 text");
    }

    @Test
    void unreadableInventoryIsAnError() throws IOException {
        Path p = write("secret.ini", "[w]\nh\n");
        p.toFile().setReadable(false, false);
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(p), "running as a user who reads everything");
        assertThatThrownBy(() -> Inventory.load(p)).hasMessageContaining("permission denied");
    }
}
