package io.drover.cli;

import io.drover.cli.output.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads {@code 500ms 30s 5m 1h30m} (a bare number is seconds) for picocli; must be more than zero. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
        if (d.isZero()) {
            throw new CommandLine.TypeConversionException("duration '" + value + "' must be more than zero");
        }
        return d;
    }
}
