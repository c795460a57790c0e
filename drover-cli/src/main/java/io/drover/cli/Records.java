package io.drover.cli;

import io.drover.cli.runs.RunRecord;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** Run records as single-line JSON (for {@code drover runs --json}). */
final class Records {
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private Records() {}

    static String toJsonLine(RunRecord r) {
        return JSON.writeValueAsString(r);
    }
}
