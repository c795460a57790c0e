package io.drover.core;

import static java.util.Objects.requireNonNull;

import io.drover.api.HostResult;
import io.drover.api.RunReport;
import java.util.stream.Collectors;

/** {@link Group#collect} could not get a value from every host; the report says what happened on each. */
public final class RunFailedException extends DroverException {
    private static final long serialVersionUID = 1L;

    private final transient RunReport<?> report;

    public RunFailedException(RunReport<?> report) {
        super(describe(requireNonNull(report, "report is null")));
        this.report = report;
    }

    public RunReport<?> report() {
        return report;
    }

    private static String describe(RunReport<?> report) {
        var problems = report.problems();
        String first = problems.stream().limit(5).map(RunFailedException::one).collect(Collectors.joining("; "));
        return "task '" + report.name() + "' did not succeed on " + problems.size() + " of " + report.results().size()
                + " hosts: " + first + (problems.size() > 5 ? "; ..." : "");
    }

    private static String one(HostResult<?> r) {
        return r.host() + ": " + switch (r) {
            case HostResult.Ok<?> ok -> "ok";
            case HostResult.Failed<?> f -> f.message();
            case HostResult.Unreachable<?> u -> "unreachable (" + u.reason() + ")";
            case HostResult.TimedOut<?> t -> "timed out after " + t.timeout();
            case HostResult.Cancelled<?> c -> "cancelled (" + c.reason() + ")";
            case HostResult.Skipped<?> s -> "skipped (" + s.reason() + ")";
        };
    }
}
