package io.drover.cli;

import io.drover.api.RunReport;
import io.drover.cli.runs.RunRecord;
import io.drover.cli.runs.RunStore;
import java.io.PrintWriter;
import java.util.List;

/** {@code --retry-failed} of {@code run}, {@code sync}, {@code upload} and {@code download}: which record, which hosts. */
final class Retry {
    private Retry() {}

    /**
     * The record {@code ref} names ({@code last}: the newest of {@code command}), once checked that the command line
     * chooses no hosts and that the record is one of {@code command}.
     *
     * @throws UsageException otherwise, saying what to do instead
     */
    static RunRecord find(RunStore store, String ref, String command, HostOptions hosts) {
        if (hosts.anyGiven()) {
            throw new UsageException("--retry-failed chooses the hosts itself; leave out -H, -f, -i and "
                    + "--stdin-hosts (-x still applies)");
        }
        RunRecord previous = store.find(ref, command);
        if (!previous.command().equals(command)) {
            throw new UsageException(previous.command() + " " + previous.id() + " was a '" + previous.command()
                    + "', not " + (command.equals("upload") ? "an" : "a") + " '" + command + "'; retry it with drover "
                    + previous.command() + " --retry-failed " + previous.id());
        }
        return previous;
    }

    /** The hosts of {@code previous} that were not ok (failed, unreachable, timed out, cancelled, skipped). */
    static List<Targets.Chosen> hostsNotOk(RunRecord previous) {
        return previous.hosts().stream().filter(h -> !h.ok())
                .map(h -> Targets.Chosen.again(h.host(), h.destination())).toList();
    }

    /**
     * The refusal of a record written before drover kept what {@code command} needs to do it again ({@code what}:
     * "what a transfer sent"): it names the hosts to give by hand.
     */
    static UsageException recordedBefore(RunRecord previous, String what) {
        return new UsageException(previous.command() + " " + previous.id() + " was recorded before drover kept "
                + what + "; give the command again with -H '" + Folding.fold(previous.notOk()) + "'");
    }

    /** The line after a run that was not ok everywhere: its record, and how to do it again where it was not. */
    static String hint(String command, String id, RunReport<?> report) {
        int bad = report.problems().size();
        return "drover: " + command + " " + id + " recorded; again " + (command.equals("download") ? "from" : "on")
                + " the " + bad + " host" + (bad == 1 ? "" : "s") + " not ok: drover " + command + " --retry-failed";
    }

    /** Says that every host of {@code previous} was ok; the exit code for it. */
    static int nothingToRetry(RunRecord previous, PrintWriter err) {
        err.println("drover: nothing to retry: every host of " + previous.command() + " " + previous.id() + " was ok");
        err.flush();
        return ExitCodes.OK;
    }
}
