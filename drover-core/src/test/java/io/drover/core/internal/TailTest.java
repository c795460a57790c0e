package io.drover.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TailTest {

    @Test
    void keepsOnlyTheLastTwentyLines() {
        Tail tail = Tail.standard();
        IntStream.rangeClosed(1, 100).forEach(i -> tail.add("line " + i));
        assertThat(tail.text()).isEqualTo(IntStream.rangeClosed(81, 100).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n")));
    }

    @Test
    void keepsAtMostFourKibOfText() {
        Tail tail = Tail.standard();
        IntStream.rangeClosed(1, 10).forEach(i -> tail.add(i + "x".repeat(999)));
        assertThat(tail.text().length()).isLessThanOrEqualTo(4096);
        assertThat(tail.text()).endsWith("10" + "x".repeat(999)).startsWith("7x");
    }

    @Test
    void aHugeLineKeepsItsEnd() {
        Tail tail = new Tail(5, 100);
        tail.add("a".repeat(1000) + "END");
        assertThat(tail.text()).hasSize(100).startsWith("...").endsWith("END");
    }

    @Test
    void isEmptyWhenNothingWasAdded() {
        assertThat(Tail.standard().text()).isEmpty();
    }
}
