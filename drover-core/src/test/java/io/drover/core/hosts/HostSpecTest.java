package io.drover.core.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostSpecTest {

    private static final List<String> SSH_CONFIG_HOSTS =
            List.of("web1", "web2", "web10", "db1", "db2", "dbx", "bastion", "*.internal", "!bastion", "cache-a");

    @TempDir
    Path dir;

    private static List<String> names(List<Target> targets) {
        return targets.stream().map(Target::destination).toList();
    }

    private static List<String> expand(String spec) {
        return names(HostSpec.defaults().expand(spec));
    }

    private HostSpec withSshConfig() {
        return HostSpec.builder().sshConfigHosts(SSH_CONFIG_HOSTS).baseDirectory(dir).build();
    }

    private Path write(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, List.of(lines), StandardCharsets.UTF_8);
        return p;
    }

    // ---- single destinations

    @Test
    void aPlainNameIsOneTargetWithoutUserOrPort() {
        assertThat(HostSpec.defaults().expand("web1")).containsExactly(Target.of("web1"));
    }

    @Test
    void userAndPortAreSplitOffTheName() {
        Target t = HostSpec.defaults().expand("alice@web1.example.com:2222").getFirst();
        assertThat(t).isEqualTo(new Target("web1.example.com", Optional.of("alice"), OptionalInt.of(2222)));
        assertThat(t.destination()).isEqualTo("alice@web1.example.com:2222");
    }

    @Test
    void bracketedIpv6AddressTakesAPort() {
        Target t = HostSpec.defaults().expand("root@[fe80::1%eth0]:2200").getFirst();
        assertThat(t).isEqualTo(new Target("fe80::1%eth0", Optional.of("root"), OptionalInt.of(2200)));
        assertThat(t.destination()).isEqualTo("root@[fe80::1%eth0]:2200");
    }

    @Test
    void bareIpv6AddressHasNoPort() {
        assertThat(HostSpec.defaults().expand("::1,[2001:db8::7]")).containsExactly(Target.of("::1"), Target.of("2001:db8::7"));
    }

    @Test
    void ipv4AddressesAreNames() {
        assertThat(expand("10.0.0.1:22")).containsExactly("10.0.0.1:22");
    }

    @Test
    void destinationParsesBackToAnEqualTarget() {
        for (String d : List.of("web1", "alice@web1", "web1:2222", "bob@[::1]:22", "::1", "u_1@10.1.2.3:65535")) {
            assertThat(Target.parse(d).destination()).isEqualTo(d);
        }
    }

    @Test
    void targetParseRefusesRangesBecauseADestinationIsOneHost() {
        assertThatThrownBy(() -> Target.parse("web[1-2]"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("\"web[1-2]\"")
                .hasMessageContaining("one host");
    }

    @Test
    void targetsWithDifferentUsersAreDifferent() {
        assertThat(expand("web1,alice@web1,web1:22")).containsExactly("web1", "alice@web1", "web1:22");
    }

    // ---- lists and ranges

    @Test
    void commasAndWhitespaceSeparateTerms() {
        assertThat(expand("a1, b1\tc1\n d1,,e1")).containsExactly("a1", "b1", "c1", "d1", "e1");
    }

    @Test
    void numericRangeExpandsInOrder() {
        assertThat(expand("web[1-4]")).containsExactly("web1", "web2", "web3", "web4");
    }

    @Test
    void zeroPaddingOfTheFirstNumberIsKept() {
        assertThat(expand("n[01-03].dc")).containsExactly("n01.dc", "n02.dc", "n03.dc");
    }

    @Test
    void paddedRangeRunsPastItsWidth() {
        assertThat(expand("n[08-11]")).containsExactly("n08", "n09", "n10", "n11");
        assertThat(expand("n[098-100]")).containsExactly("n098", "n099", "n100");
    }

    @Test
    void severalRangesInOneNameExpandLeftmostSlowest() {
        assertThat(expand("rack[1-2]-node[01-03]"))
                .containsExactly("rack1-node01", "rack1-node02", "rack1-node03", "rack2-node01", "rack2-node02", "rack2-node03");
    }

    @Test
    void rangeHoldsAListOfNumbersAndSpans() {
        assertThat(expand("web[1-3,7,10-12]"))
                .containsExactly("web1", "web2", "web3", "web7", "web10", "web11", "web12");
    }

    @Test
    void eachSpanOfAListHasItsOwnPadding() {
        assertThat(expand("n[01-02,7,003]")).containsExactly("n01", "n02", "n7", "n003");
    }

    @Test
    void rangeMayStartTheName() {
        assertThat(expand("[1-2]a")).containsExactly("1a", "2a");
    }

    @Test
    void userAndPortApplyToEveryExpandedHost() {
        assertThat(expand("ops@web[1-2]:2222")).containsExactly("ops@web1:2222", "ops@web2:2222");
    }

    @Test
    void duplicatesAreRemovedAndFirstOccurrenceKeepsItsPlace() {
        assertThat(expand("web3,web[1-4],web2,web[2-3]")).containsExactly("web3", "web1", "web2", "web4");
    }

    @Test
    void overlappingSpansInOneRangeYieldEachHostOnce() {
        assertThat(expand("n[1-3,2-4]")).containsExactly("n1", "n2", "n3", "n4");
    }

    // ---- globs

    @Test
    void globMatchesSshConfigHostNamesInTheirOrder() {
        assertThat(names(withSshConfig().expand("web*"))).containsExactly("web1", "web2", "web10");
    }

    @Test
    void questionMarkMatchesOneCharacter() {
        assertThat(names(withSshConfig().expand("db?"))).containsExactly("db1", "db2", "dbx");
    }

    @Test
    void characterClassMatchesAndNegatedClassExcludes() {
        assertThat(names(withSshConfig().expand("db[a-z]"))).containsExactly("dbx");
        assertThat(names(withSshConfig().expand("db[!0-9]"))).containsExactly("dbx");
        assertThat(names(withSshConfig().expand("[bc]a*"))).containsExactly("bastion", "cache-a");
    }

    @Test
    void globKeepsTheUserAndPortOfTheTerm() {
        assertThat(names(withSshConfig().expand("ops@db?:2200"))).containsExactly("ops@db1:2200", "ops@db2:2200", "ops@dbx:2200");
    }

    @Test
    void globWithARangeMatchesOnlyNumbersInTheRange() {
        assertThat(names(withSshConfig().expand("*[2-9]"))).containsExactly("web2", "db2");
    }

    @Test
    void sshConfigPatternEntriesAreNeverTargets() {
        assertThat(names(withSshConfig().expand("*"))).doesNotContain("*.internal", "!bastion").contains("bastion");
    }

    @Test
    void globThatMatchesNothingIsAnErrorListingKnownNames() {
        assertThatThrownBy(() -> withSshConfig().expand("mail*"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("\"mail*\"")
                .hasMessageContaining("matches none of the 8 ssh_config Host names (web1, web2");
    }

    @Test
    void globWithoutSshConfigNamesIsAnError() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("web*"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("glob \"web*\"")
                .hasMessageContaining("none are known");
    }

    // ---- host files and stdin

    @Test
    void hostFileHoldsSpecsLineByLineWithCommentsAndBlankLines() throws IOException {
        write("hosts.txt", "# the web tier", "web[1-2]", "", "   ", "db1, db2  # primaries", "alice@cache1:2222");
        assertThat(names(withSshConfig().expand("@hosts.txt")))
                .containsExactly("web1", "web2", "db1", "db2", "alice@cache1:2222");
    }

    @Test
    void hostFileGivenAsAPathMayContainSpaces() throws IOException {
        Path p = write("my hosts/list.txt", "a1", "a2");
        assertThat(names(HostSpec.defaults().select().includeFile(p).expand())).containsExactly("a1", "a2");
    }

    @Test
    void nestedHostFilesResolveAgainstTheirOwnDirectory() throws IOException {
        write("lists/all.txt", "@web.txt", "db1");
        write("lists/web.txt", "web[1-2]");
        assertThat(names(withSshConfig().expand("@lists/all.txt"))).containsExactly("web1", "web2", "db1");
    }

    @Test
    void hostFileThatIncludesItselfIsAnError() throws IOException {
        write("a.txt", "a1", "@b.txt");
        write("b.txt", "@a.txt");
        assertThatThrownBy(() -> withSshConfig().expand("@a.txt"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("b.txt:1:1")
                .hasMessageContaining("includes itself");
    }

    @Test
    void missingHostFileIsAnErrorNamingIt() {
        assertThatThrownBy(() -> withSshConfig().expand("web1,@nope.txt"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("column 6")
                .hasMessageContaining("nope.txt does not exist");
    }

    @Test
    void directoryAsHostFileIsAnError() {
        assertThatThrownBy(() -> withSshConfig().expand("@."))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void badLineInHostFileNamesFileLineAndColumn() throws IOException {
        Path p = write("hosts.txt", "web1", "# fine", "db1 web[3-1]");
        assertThatThrownBy(() -> withSshConfig().expand("@hosts.txt"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageStartingWith(p + ":3:9: range 3-1 in \"web[3-1]\" runs backwards; write 1-3");
    }

    @Test
    void hostFileThatIsNotUtf8IsAnError() throws IOException {
        Path p = dir.resolve("latin1.txt");
        Files.write(p, new byte[] {'a', '1', '\n', (byte) 0xe9, '\n'});
        assertThatThrownBy(() -> withSshConfig().expand("@latin1.txt"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("latin1.txt")
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void stdinIsReadAsAHostFile() {
        HostSpec spec = HostSpec.builder().stdin(new StringReader("web[1-2] # comment\n\nbob@db1\n")).build();
        assertThat(names(spec.expand("x1,@-"))).containsExactly("x1", "web1", "web2", "bob@db1");
    }

    @Test
    void stdinIsReadOnlyOnceEvenWhenUsedTwice() {
        AtomicInteger reads = new AtomicInteger();
        Reader counting = new StringReader("a1\na2\n") {
            @Override
            public int read(char[] cbuf, int off, int len) throws IOException {
                reads.incrementAndGet();
                return super.read(cbuf, off, len);
            }
        };
        HostSpec spec = HostSpec.builder().stdin(counting).build();
        assertThat(names(spec.select().includeStdin().exclude("@-").include("@-").expand())).isEmpty();
        int afterFirst = reads.get();
        assertThat(names(spec.select().includeStdin().expand())).containsExactly("a1", "a2");
        assertThat(reads.get()).isEqualTo(afterFirst);
    }

    @Test
    void badStdinLineNamesStdinAndLine() {
        HostSpec spec = HostSpec.builder().stdin(new StringReader("a1\nb1:0\n")).build();
        assertThatThrownBy(() -> spec.select().includeStdin().expand())
                .isInstanceOf(HostSpecException.class)
                .hasMessageStartingWith("<stdin>:2:4: port \"0\" in \"b1:0\" is not a number between 1 and 65535");
    }

    @Test
    void stdinWithoutAReaderIsAnError() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("@-"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("no stdin was given");
    }

    // ---- exclusions

    @Test
    void bangAndDashXExcludeHosts() {
        assertThat(expand("web[1-5],!web2 -x web4")).containsExactly("web1", "web3", "web5");
    }

    @Test
    void exclusionAppliesWhereverItStands() {
        assertThat(expand("!web2,web[1-3]")).containsExactly("web1", "web3");
    }

    @Test
    void excludedRangeMatchesWithoutBeingExpanded() {
        assertThat(expand("n[1-5] -x n[2-999999999999999999]")).containsExactly("n1");
    }

    @Test
    void excludedRangeRespectsPadding() {
        assertThat(expand("n[1-3],n[01-03] !n[02-03]")).containsExactly("n1", "n2", "n3", "n01");
    }

    @Test
    void excludedGlobMatchesTheIncludedNames() {
        assertThat(expand("web[1-20] !web1? -x web[2-9]")).containsExactly("web1", "web20");
    }

    @Test
    void exclusionNamingAUserOrPortRemovesOnlyThatTarget() {
        assertThat(expand("alice@web1,bob@web1,web1:22,web1:23 !alice@web1 !web1:23"))
                .containsExactly("bob@web1", "web1:22");
    }

    @Test
    void plainExclusionRemovesTheHostWhateverItsUserOrPort() {
        assertThat(expand("alice@web1,web1:22,web2 -x web1")).containsExactly("web2");
    }

    @Test
    void excludedHostFileRemovesItsHosts() throws IOException {
        write("down.txt", "web2", "web[4-5]");
        assertThat(names(withSshConfig().expand("web[1-6] !@down.txt"))).containsExactly("web1", "web3", "web6");
    }

    @Test
    void hostFileMayExcludeHosts() throws IOException {
        write("hosts.txt", "web[1-4]", "!web2", "-x web3");
        assertThat(names(withSshConfig().expand("@hosts.txt"))).containsExactly("web1", "web4");
    }

    @Test
    void exclusionInsideAnExcludedHostFileIsAnError() throws IOException {
        write("down.txt", "web2", "!web3");
        assertThatThrownBy(() -> withSshConfig().expand("web[1-6] -x @down.txt"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("down.txt:2:2")
                .hasMessageContaining("inside an exclusion");
    }

    @Test
    void exclusionInsideAnExcludedSpecIsAnError() {
        assertThatThrownBy(() -> HostSpec.defaults().select().include("web[1-3]").exclude("!web2").expand())
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("exclusion \"!web2\" inside an exclusion");
    }

    @Test
    void everyHostExcludedGivesAnEmptyList() {
        assertThat(expand("web1 !web1")).isEmpty();
    }

    @Test
    void selectionCombinesSpecsFilesStdinAndExclusionsLikeTheCliOptions() throws IOException {
        Path file = write("f.txt", "f1", "f2", "web3");
        Path down = write("down.txt", "f2");
        HostSpec spec = HostSpec.builder().stdin(new StringReader("s1\n")).baseDirectory(dir).build();
        List<Target> targets = spec.select()
                .include("web[1-3]")
                .includeFile(file)
                .includeStdin()
                .exclude("web2")
                .excludeFile(down)
                .expand();
        assertThat(names(targets)).containsExactly("web1", "web3", "f1", "s1");
    }

    // ---- the limit

    @Test
    void specOverTheLimitIsRefusedWithTheCount() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("n[1-100001]"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("\"n[1-100001]\" expands to 100,001 hosts")
                .hasMessageContaining("over the limit of 100,000");
    }

    @Test
    void astronomicalProductIsRefusedBeforeAnythingIsGenerated() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("n[1-999999999999999999]-[1-999999999999999999]-[1-9]"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("expands to more than 9223372036854775807 hosts");
    }

    @Test
    void limitCountsHostsAlreadySelected() {
        HostSpec spec = HostSpec.builder().maxHosts(10).build();
        assertThat(spec.expand("n[1-10]")).hasSize(10);
        assertThatThrownBy(() -> spec.expand("a[1-6],b[1-5]"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("column 8")
                .hasMessageContaining("after 6 already selected");
    }

    @Test
    void globMatchesCountTowardsTheLimit() {
        HostSpec spec = HostSpec.builder().sshConfigHosts(SSH_CONFIG_HOSTS).maxHosts(2).build();
        assertThatThrownBy(() -> spec.expand("web*"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("over the limit of 2 hosts");
    }

    @Test
    void exactlyTheLimitIsAcceptedInOrder() {
        List<Target> targets = HostSpec.defaults().expand("n[1-100000]");
        assertThat(targets).hasSize(100_000);
        assertThat(targets.getFirst().name()).isEqualTo("n1");
        assertThat(targets.get(99_999).name()).isEqualTo("n100000");
    }

    // ---- bad input

    @Test
    void emptySpecIsAnError() {
        assertThatThrownBy(() -> HostSpec.defaults().expand(" , "))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("the host spec is empty; give hosts like web1");
    }

    @Test
    void unclosedBracketIsAnErrorWithItsColumn() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("a1 web[1-3"))
                .isInstanceOf(HostSpecException.class)
                .hasMessage("host spec \"a1 web[1-3\" at column 7: '[' at column 7 is not closed in \"web[1-3\"; "
                        + "ranges look like web[1-3] or web[01-10,15]");
    }

    @Test
    void backwardsRangeIsAnErrorSuggestingTheFix() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("web[9-3]"))
                .hasMessageContaining("range 9-3 in \"web[9-3]\" runs backwards; write 3-9");
    }

    @Test
    void inconsistentPaddingIsAnError() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("n[1-010]"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("inconsistent zero padding in [1-010]")
                .hasMessageContaining("write [001-010] or [1-10]");
    }

    @Test
    void ansibleStyleRangeIsAnErrorShowingTheSpecForm() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("www[01:50]"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("looks like an Ansible range; in host specs write [01-50]");
    }

    @Test
    void emptyBracketsAreAnError() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("web[]")).hasMessageContaining("empty brackets in \"web[]\"");
    }

    @Test
    void numberTooLongForARangeIsAnError() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("n[1-1234567890123456789]"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("more than 18 digits");
    }

    @Test
    void badPortsAreErrors() {
        for (String spec : List.of("web1:0", "web1:65536", "web1:ssh", "web1:", "web1:+22")) {
            assertThatThrownBy(() -> HostSpec.defaults().expand(spec))
                    .isInstanceOf(HostSpecException.class)
                    .hasMessageContaining("is not a number between 1 and 65535");
        }
    }

    @Test
    void badUsersAreErrors() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("@")).hasMessageContaining("'@' must be followed by a host file");
        assertThatThrownBy(() -> HostSpec.defaults().expand("a@b@web1")).hasMessageContaining("more than one '@'");
        assertThatThrownBy(() -> HostSpec.defaults().expand("al/ice@web1"))
                .hasMessageContaining("character '/' is not allowed in user name 'al/ice'");
        assertThatThrownBy(() -> HostSpec.defaults().expand("alice@")).hasMessageContaining("no host after '@'");
    }

    @Test
    void forbiddenCharacterIsNamed() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("web$1"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("at column 4: character '$' is not allowed in host \"web$1\"");
    }

    @Test
    void nameStartingWithADashIsAnErrorThatPointsAtExclusions() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("-xweb1"))
                .hasMessageContaining("starts with '-'")
                .hasMessageContaining("to exclude hosts write -x SPEC or !SPEC");
    }

    @Test
    void danglingExclusionsAreErrors() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("web1 -x")).hasMessageContaining("-x must be followed by");
        assertThatThrownBy(() -> HostSpec.defaults().expand("web1 !")).hasMessageContaining("'!' must be followed by");
    }

    @Test
    void tooManyColonsIsAnErrorExplainingIpv6Brackets() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("web1:22:33"))
                .hasMessageContaining("too many ':'")
                .hasMessageContaining("[::1]:2222");
    }

    @Test
    void textAfterIpv6BracketIsAnError() {
        assertThatThrownBy(() -> HostSpec.defaults().expand("[::1]x"))
                .hasMessageContaining("unexpected \"x\" after IPv6 address [::1]");
    }

    @Test
    void badCharacterClassIsAnError() {
        assertThatThrownBy(() -> withSshConfig().expand("db[z-a]")).hasMessageContaining("character range z-a");
        assertThatThrownBy(() -> withSshConfig().expand("db[!]")).hasMessageContaining("is empty");
    }

    @Test
    void targetRecordRejectsBadParts() {
        assertThatThrownBy(() -> new Target("web 1", Optional.empty(), OptionalInt.empty()))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("U+0020");
        assertThatThrownBy(() -> new Target("web1", Optional.of(""), OptionalInt.empty())).hasMessageContaining("empty");
        assertThatThrownBy(() -> new Target("web1", Optional.empty(), OptionalInt.of(0))).hasMessageContaining("port (0)");
        assertThatThrownBy(() -> Target.of("x".repeat(256))).hasMessageContaining("longer than 255");
    }
}
