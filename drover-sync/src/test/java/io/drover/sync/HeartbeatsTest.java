package io.drover.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {
    @Test
    void aHostSilentForLongerThanTheTimeoutIsOverdueAndBeatsKeepOthersFresh() {
        FakeClock clock = new FakeClock();
        Heartbeats beats = new Heartbeats(List.of("a", "b", "c"), clock.instant(), Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(4));
        beats.beat("a", clock.instant());
        beats.beat("c", clock.instant());
        assertThat(beats.overdue(clock.instant())).isEmpty();
        clock.advance(Duration.ofMillis(1001));
        assertThat(beats.overdue(clock.instant())).hasValueSatisfying(o -> {
            assertThat(o.host()).isEqualTo("b");
            assertThat(o.silence()).isEqualTo(Duration.ofMillis(5001));
        });
        beats.beat("b", clock.instant());
        assertThat(beats.overdue(clock.instant())).isEmpty();
    }

    @Test
    void aLateBeatNeverMovesTheLastBeatBackwards() {
        FakeClock clock = new FakeClock();
        Heartbeats beats = new Heartbeats(List.of("a"), clock.instant(), Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(4));
        beats.beat("a", clock.instant());
        beats.beat("a", clock.instant().minusSeconds(3));
        clock.advance(Duration.ofSeconds(4));
        assertThat(beats.overdue(clock.instant())).isEmpty();
    }
}
