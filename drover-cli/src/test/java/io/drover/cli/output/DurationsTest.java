package io.drover.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsSecondsAndUnits() {
        assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1m5s")).isEqualTo(Duration.ofSeconds(65));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void rejectsOtherTextNamingIt() {
        for (String bad : new String[] {"", "s", "5x", "1.5s", "-3s", "3 s", "10s junk"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'").hasMessageContaining("30s");
        }
    }

    @Test
    void formatsShortly() {
        assertThat(Durations.format(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(Durations.format(Duration.ofMillis(3240))).isEqualTo("3.2s");
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Durations.format(Duration.ofSeconds(65))).isEqualTo("1m05s");
        assertThat(Durations.format(Duration.ofMinutes(123))).isEqualTo("2h03m");
    }
}
