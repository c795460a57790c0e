package io.drover.core.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostRangeTest {

    private static List<String> hosts(String spec) {
        return HostSpec.defaults().expand(spec).stream().map(Target::name).toList();
    }

    @Test
    void consecutiveNumbersFoldIntoRangesAndGapsIntoLists() {
        assertThat(HostRange.fold(hosts("wrk[1-20],wrk25"))).isEqualTo("wrk[1-20,25]");
    }

    @Test
    void zeroPaddingIsKept() {
        assertThat(HostRange.fold(List.of("n03", "n01", "n02"))).isEqualTo("n[01-03]");
    }

    @Test
    void paddedRunContinuesIntoNumbersAsWideAsThePadding() {
        assertThat(HostRange.fold(List.of("n08", "n09", "n10", "n11"))).isEqualTo("n[08-11]");
        assertThat(HostRange.fold(List.of("n098", "n099", "n100"))).isEqualTo("n[098-100]");
    }

    @Test
    void shortUnpaddedNumbersDoNotJoinAPaddedRun() {
        assertThat(HostRange.fold(List.of("n05", "n6"))).isEqualTo("n[05,6]");
        assertThat(HostRange.expand("n[05,6]")).containsExactly("n05", "n6");
    }

    @Test
    void differentlyPaddedNamesForTheSameNumberStayApart() {
        assertThat(HostRange.fold(List.of("n1", "n01", "n2", "n02", "n001"))).isEqualTo("n[1-2,01-02,001]");
    }

    @Test
    void fullGridFoldsInEveryDimension() {
        assertThat(HostRange.fold(hosts("rack[1-2]-node[01-03]"))).isEqualTo("rack[1-2]-node[01-03]");
        assertThat(HostRange.fold(hosts("r[1-3]c[1-4]n[1-5]"))).isEqualTo("r[1-3]c[1-4]n[1-5]");
    }

    @Test
    void raggedGridFoldsPerPrefix() {
        assertThat(HostRange.foldGroups(hosts("rack1-node[01-03],rack2-node[01-02]")))
                .containsExactly("rack1-node[01-03]", "rack2-node[01-02]");
    }

    @Test
    void sameNumberUnderDifferentPrefixesFoldsOnThePrefixNumber() {
        assertThat(HostRange.fold(List.of("rack1-node05", "rack2-node05", "rack3-node05"))).isEqualTo("rack[1-3]-node05");
    }

    @Test
    void suffixAfterTheNumberIsKept() {
        assertThat(HostRange.fold(hosts("web[1-3].example.com,web5.example.com"))).isEqualTo("web[1-3,5].example.com");
    }

    @Test
    void ipv4AddressesFoldOnTheLastOctet() {
        assertThat(HostRange.fold(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.1.3"))).isEqualTo("10.0.0.[1-3],10.0.1.3");
    }

    @Test
    void namesWithoutDigitsOrWithOtherCharactersAreListedAsTheyAre() {
        assertThat(HostRange.foldGroups(List.of("bastion", "::1", "web1", "alpha", "web2")))
                .containsExactly("::1", "alpha", "bastion", "web[1-2]");
    }

    @Test
    void aSingleNameIsNotBracketed() {
        assertThat(HostRange.fold(List.of("web7"))).isEqualTo("web7");
    }

    @Test
    void groupsAreSortedNaturallyWithNumbersByValue() {
        assertThat(HostRange.foldGroups(List.of("b1", "a10", "a9", "a100", "c"))).containsExactly("a[9-10,100]", "b1", "c");
    }

    @Test
    void nothingFoldsToNothing() {
        assertThat(HostRange.fold(List.of())).isEmpty();
        assertThat(HostRange.expand("")).isEmpty();
    }

    @Test
    void orderAndRepetitionOfTheInputDoNotMatter() {
        List<String> names = new ArrayList<>(hosts("a[1-30],b[01-12],c[1-3]x[1-2],d"));
        String expected = HostRange.fold(names);
        names.addAll(names.subList(0, 10));
        Collections.shuffle(names, new Random(42));
        assertThat(HostRange.fold(names)).isEqualTo(expected);
    }

    @Test
    void numbersTooLongForRangesStayLiteral() {
        List<String> names = List.of("id1234567890123456789", "id1234567890123456780");
        assertThat(HostRange.foldGroups(names)).containsExactly("id1234567890123456780", "id1234567890123456789");
    }

    @Test
    void expandReadsFoldedTextInOrder() {
        assertThat(HostRange.expand("db1,wrk[1-3,7] rack[1-2]-n[01-02]"))
                .containsExactly("db1", "wrk1", "wrk2", "wrk3", "wrk7", "rack1-n01", "rack1-n02", "rack2-n01", "rack2-n02");
    }

    @Test
    void expandRefusesGlobsUsersAndTooManyNames() {
        assertThatThrownBy(() -> HostRange.expand("web*"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("holds a glob");
        assertThatThrownBy(() -> HostRange.expand("a@web1"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("character '@' is not allowed");
        assertThatThrownBy(() -> HostRange.expand("n[1-50000],m[1-50001]"))
                .isInstanceOf(HostSpecException.class)
                .hasMessageContaining("over the limit of 100,000");
    }

    @Test
    void hundredThousandNamesFoldToOneRange() {
        assertThat(HostRange.fold(hosts("n[1-100000]"))).isEqualTo("n[1-100000]");
    }
}
