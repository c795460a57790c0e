package io.drover.cli;

import io.drover.cli.runs.RunRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How hosts are chosen: shared by {@code run}, {@code download} and {@code hosts}. */
final class HostOptions {
    @Option(names = {"-H", "--hosts"}, paramLabel = "SPEC",
            description = "Hosts: [user@]host[:port], comma lists, ranges web[01-16], globs matched against the "
                    + "ssh_config Host names ('db-*'), @FILE, !SPEC to exclude. Repeatable.")
    List<String> specs = new ArrayList<>();

    @Option(names = {"-f", "--host-file"}, paramLabel = "FILE",
            description = "Read host specs from FILE, one per line ('#' comments). Repeatable.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--stdin-hosts", description = "Read host specs from standard input, one per line.")
    boolean stdinHosts;

    @Option(names = {"-i", "--inventory"}, paramLabel = "INVENTORY",
            description = "An Ansible inventory (INI or YAML): its hosts, with ansible_host/port/user.")
    Path inventory;

    @Option(names = "--limit", paramLabel = "PATTERN",
            description = "With -i: only hosts matching this Ansible pattern (group names, host globs, "
                    + "'web:&prod', 'all:!db'). Default: all.")
    String limit;

    @Option(names = {"-x", "--exclude"}, paramLabel = "SPEC",
            description = "Leave out these hosts (same syntax as -H). Repeatable.")
    List<String> exclude = new ArrayList<>();

    /** Whether any way of choosing hosts was given (exclusions alone are not one). */
    boolean anyGiven() {
        return !specs.isEmpty() || !files.isEmpty() || stdinHosts || inventory != null;
    }

    void validate() {
        if (limit != null && inventory == null) {
            throw new UsageException("--limit " + limit + " needs an inventory (-i FILE)");
        }
        if (!anyGiven()) {
            throw new UsageException("no hosts given: use -H SPEC, -f FILE, -i INVENTORY or --stdin-hosts");
        }
    }

    RunRecord.Selection toSelection(String retryOf) {
        return new RunRecord.Selection(specs, files.stream().map(Path::toString).toList(), stdinHosts,
                inventory == null ? null : inventory.toString(), limit, exclude, retryOf);
    }
}
