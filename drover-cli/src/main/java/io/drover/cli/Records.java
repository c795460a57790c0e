package io.drover.cli;

import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.cli.output.Outcomes;
import io.drover.cli.runs.RunRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** Run records: their host entries from a report, and single-line JSON (for {@code drover runs --json}). */
final class Records {
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private Records() {}

    static String toJsonLine(RunRecord r) {
        return JSON.writeValueAsString(r);
    }

    /**
     * Every host's result as a record keeps it, in report order: exit code 0 for ok hosts, the remote exit code or
     * signal where there is one.
     *
     * @param destinations host names to the destinations to reach them again; a host missing here is its own
     */
    static List<RunRecord.HostEntry> hostEntries(RunReport<?> report, Map<String, String> destinations) {
        List<RunRecord.HostEntry> entries = new ArrayList<>();
        for (HostResult<?> r : report.results()) {
            var exit = Outcomes.exitCode(r);
            entries.add(new RunRecord.HostEntry(r.host(), destinations.getOrDefault(r.host(), r.host()),
                    Outcomes.kind(r),
                    r.isOk() ? Integer.valueOf(0) : exit.isPresent() ? Integer.valueOf(exit.getAsInt()) : null,
                    Outcomes.signal(r).orElse(null), r.duration().toMillis(), Outcomes.error(r)));
        }
        return entries;
    }
}
