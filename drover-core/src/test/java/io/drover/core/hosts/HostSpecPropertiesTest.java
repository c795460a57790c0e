package io.drover.core.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class HostSpecPropertiesTest {

    private static final List<String> SSH_HOSTS = List.of("web1", "web22", "db-a", "x", "n01", "*.corp");

    /** A range term built from parts: literals and disjoint spans; records its expected size. */
    record RangeCase(String spec, long expectedCount) {}

    @Provide
    Arbitrary<RangeCase> rangeSpecs() {
        Arbitrary<String> literal = Arbitraries.strings().withChars("abxyz-.").ofMinLength(1).ofMaxLength(3)
                .filter(s -> s.charAt(0) != '-' && s.charAt(0) != '.');
        Arbitrary<List<int[]>> spans = Arbitraries.integers().between(1, 4).flatMap(n ->
                Arbitraries.integers().between(0, 5).list().ofSize(n * 2).map(gaps -> {
                    List<int[]> out = new ArrayList<>();
                    int at = 0;
                    for (int i = 0; i < gaps.size(); i += 2) {
                        int lo = at + gaps.get(i);
                        int hi = lo + gaps.get(i + 1);
                        out.add(new int[] {lo, hi});
                        at = hi + 1;
                    }
                    return out;
                }));
        Arbitrary<String[]> range = Combinators.combine(spans, Arbitraries.of(0, 2, 3)).as((ss, width) -> {
            StringBuilder b = new StringBuilder("[");
            long count = 0;
            for (int[] s : ss) {
                if (b.length() > 1) {
                    b.append(',');
                }
                // a width only pads when the first number gets a leading zero; keep widths consistent per span
                String lo = width == 0 ? Integer.toString(s[0]) : NamePattern.format(s[0], width);
                String hi = width == 0 ? Integer.toString(s[1]) : NamePattern.format(s[1], width);
                if (width > 0 && lo.charAt(0) != '0') {
                    lo = Integer.toString(s[0]);
                    hi = Integer.toString(s[1]);
                }
                b.append(lo);
                if (s[1] != s[0]) {
                    b.append('-').append(hi);
                }
                count += s[1] - s[0] + 1;
            }
            return new String[] {b.append(']').toString(), Long.toString(count)};
        });
        return Combinators.combine(literal, range.list().ofMinSize(1).ofMaxSize(3), literal.injectNull(0.5))
                .as((head, ranges, tail) -> {
                    StringBuilder spec = new StringBuilder(head);
                    long product = 1;
                    for (int i = 0; i < ranges.size(); i++) {
                        if (i > 0) {
                            spec.append('-');
                        }
                        spec.append(ranges.get(i)[0]);
                        product *= Long.parseLong(ranges.get(i)[1]);
                    }
                    if (tail != null) {
                        spec.append('.').append(tail);
                    }
                    return new RangeCase(spec.toString(), product);
                });
    }

    @Property(tries = 300)
    void rangeExpansionYieldsTheProductOfRangeSizesAllDistinct(@ForAll("rangeSpecs") RangeCase c) {
        List<Target> targets = HostSpec.defaults().expand(c.spec());
        assertThat((long) targets.size()).as(c.spec()).isEqualTo(c.expectedCount());
        assertThat(NamePattern.parse(c.spec(), Where.spec(c.spec()), 0).count()).isEqualTo(c.expectedCount());
    }

    @Property(tries = 300)
    void everyExpandedNameMatchesItsPatternAndExcludingThePatternLeavesNothing(@ForAll("rangeSpecs") RangeCase c) {
        NamePattern p = NamePattern.parse(c.spec(), Where.spec(c.spec()), 0);
        List<Target> targets = HostSpec.defaults().expand(c.spec());
        for (Target t : targets) {
            assertThat(p.matches(t.name())).as(t.name()).isTrue();
        }
        assertThat(HostSpec.defaults().expand(c.spec() + " !" + c.spec())).isEmpty();
    }

    @Property(tries = 500)
    void matchingAgreesWithExpansion(@ForAll("rangeSpecs") RangeCase c, @ForAll("nameLike") String name) {
        NamePattern p = NamePattern.parse(c.spec(), Where.spec(c.spec()), 0);
        Set<String> expanded = new HashSet<>();
        p.expand(expanded::add);
        assertThat(p.matches(name)).as(name + " vs " + c.spec()).isEqualTo(expanded.contains(name));
    }

    @Provide
    Arbitrary<String> nameLike() {
        return Arbitraries.strings().withChars("abxyz0123-.").ofMinLength(1).ofMaxLength(12);
    }

    @Provide
    Arbitrary<String> specLike() {
        Arbitrary<String> specChars = Arbitraries.strings()
                .withChars("ab01239-,[]*?!@:.x_ \t#^%$/\\\"'")
                .ofMaxLength(40);
        return Arbitraries.oneOf(specChars, Arbitraries.strings().ofMaxLength(40));
    }

    @Property(tries = 2000)
    void parsingArbitraryTextThrowsNothingButHostSpecException(@ForAll("specLike") String text) {
        HostSpec spec = HostSpec.builder()
                .sshConfigHosts(SSH_HOSTS)
                .stdin(new StringReader("web1\n"))
                .maxHosts(1000)
                .build();
        try {
            List<Target> targets = spec.expand(text);
            assertThat(new LinkedHashSet<>(targets)).hasSameSizeAs(targets);
        } catch (HostSpecException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            Target.parse(text);
        } catch (HostSpecException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            HostRange.expand(text);
        } catch (HostSpecException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<List<String>> hostNames() {
        Arbitrary<String> prefix = Arbitraries.of("n", "web", "rack", "db-", "a.b", "x_");
        Arbitrary<String> number = Combinators.combine(Arbitraries.integers().between(0, 130), Arbitraries.of(0, 0, 2, 3))
                .as((v, w) -> NamePattern.format(v, w));
        Arbitrary<String> gridName = Combinators.combine(prefix, number, Arbitraries.of("", "-n", ".dc"), number, Arbitraries.of("", ".corp"))
                .as((p, a, mid, b, s) -> mid.isEmpty() ? p + a + s : p + a + mid + b + s);
        Arbitrary<String> plain = Arbitraries.strings().withChars("abc019-._").ofMinLength(1).ofMaxLength(8)
                .filter(s -> s.charAt(0) != '-' && s.charAt(0) != '.');
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, gridName),
                        net.jqwik.api.Tuple.of(1, plain))
                .list()
                .ofMaxSize(60);
    }

    @Property(tries = 500)
    void expandingTheFoldGivesBackExactlyTheDistinctNames(@ForAll("hostNames") List<String> names) {
        String folded = HostRange.fold(names);
        List<String> back = HostRange.expand(folded);
        assertThat(new HashSet<>(back)).as(folded).isEqualTo(new HashSet<>(names));
        assertThat(back).as("no duplicates in " + folded).doesNotHaveDuplicates();
    }

    @Property(tries = 200)
    void foldDependsOnlyOnTheSetOfNames(@ForAll("hostNames") List<String> names, @ForAll @Size(max = 5) List<Integer> rotations) {
        List<String> shuffled = new ArrayList<>(names);
        for (int r : rotations) {
            java.util.Collections.rotate(shuffled, r);
            if (!shuffled.isEmpty()) {
                shuffled.add(shuffled.getFirst());
            }
        }
        java.util.Collections.reverse(shuffled);
        assertThat(HostRange.fold(shuffled)).isEqualTo(HostRange.fold(names));
    }
}
