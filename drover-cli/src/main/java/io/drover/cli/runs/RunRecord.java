package io.drover.cli.runs;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What drover remembers of one run (a JSON file under {@code $XDG_STATE_HOME/drover/runs/}): which hosts were
 * chosen and how, the command and the options that shape what it does, and every host's result. Enough to list
 * runs and to run the same command again on the hosts that did not succeed.
 *
 * @param version format version, {@value #VERSION}
 * @param id sortable id, e.g. {@code 20250307-142501-123}
 * @param started when the run started (UTC)
 * @param durationMs wall time of the run
 * @param command the drover command ({@code run}, {@code download}, {@code upload}, {@code sync})
 * @param args the command's arguments: the remote command's words for {@code run}, {@code REMOTE LOCAL} for
 *     {@code download}
 * @param selection how the hosts were chosen
 * @param options the options that shape what runs on the hosts
 * @param interrupted whether the run was interrupted (Ctrl-C)
 * @param exitCode drover's exit code for the run
 * @param hosts every host's result, in host order
 */
public record RunRecord(int version, String id, Instant started, long durationMs, String command, List<String> args,
        Selection selection, Options options, boolean interrupted, int exitCode, List<HostEntry> hosts) {
    public static final int VERSION = 1;

    public RunRecord {
        requireNonNull(id, "id is null");
        requireNonNull(started, "started is null");
        requireNonNull(command, "command is null");
        args = List.copyOf(args);
        requireNonNull(selection, "selection is null");
        requireNonNull(options, "options is null");
        hosts = List.copyOf(hosts);
    }

    /**
     * How the hosts were chosen; each list in the order given.
     *
     * @param retryOf the id of the run whose failures this run retried, null for none
     */
    public record Selection(List<String> hosts, List<String> hostFiles, boolean stdinHosts, String inventory,
            String limit, List<String> exclude, String retryOf) {
        public Selection {
            hosts = List.copyOf(hosts);
            hostFiles = List.copyOf(hostFiles);
            exclude = List.copyOf(exclude);
        }

        /** How the selection reads on a command line: {@code -H web[1-3] -x web2}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (retryOf != null) {
                parts.add("--retry-failed " + retryOf);
            }
            hosts.forEach(h -> parts.add("-H " + h));
            hostFiles.forEach(f -> parts.add("-f " + f));
            if (stdinHosts) {
                parts.add("--stdin-hosts");
            }
            if (inventory != null) {
                parts.add("-i " + inventory);
            }
            if (limit != null) {
                parts.add("--limit " + limit);
            }
            exclude.forEach(x -> parts.add("-x " + x));
            return String.join(" ", parts);
        }
    }

    /**
     * The options that shape what happens on the hosts (null or empty where not given). Durations are kept as
     * typed ({@code 30s}).
     *
     * @param lock the cluster lock the run took (or was refused), null for none; records written before drover
     *     kept this have no {@code lock} field and read as null (no lock)
     * @param transfer what an {@code upload} or {@code sync} sent and how, null for other commands (and for
     *     transfers recorded before drover kept it)
     * @param fetch what a {@code download} fetched and where to, null for other commands (and for downloads
     *     recorded before drover kept it)
     */
    public record Options(String sshConfig, String user, Integer port, List<String> sshOptions, Integer parallel,
            String timeout, String connectTimeout, boolean sudo, String cd, List<String> env, String stdin,
            boolean pty, boolean failFast, String maxFailures, Lock lock, Transfer transfer, Fetch fetch) {
        public Options {
            sshOptions = List.copyOf(sshOptions);
            env = List.copyOf(env);
        }
    }

    /**
     * What an {@code upload} or {@code sync} sent, resolved so that it can be sent again from anywhere.
     *
     * @param root the remote directory ({@code --root} of a sync, {@code DEST} of an upload)
     * @param sources every local path (absolute) and where it lands under the root
     * @param then {@code --then}, null for none
     * @param stallTimeout {@code --stall-timeout} as given ({@code 60000ms}), null for the default
     * @param syncTool {@code --sync-tool}, null for none
     */
    public record Transfer(String root, List<Sent> sources, boolean owner, String then, String stallTimeout,
            String syncTool, boolean allOrNothing) {
        public Transfer {
            requireNonNull(root, "root is null");
            sources = List.copyOf(sources);
        }
    }

    /**
     * What a {@code download} fetched.
     *
     * @param remote the remote path
     * @param local the local name, absolute; ending in {@code /} when it was a directory (then each host's copy
     *     went to {@code LOCAL/HOST/NAME}, else to {@code LOCAL.HOST})
     */
    public record Fetch(String remote, String local, boolean preserveModes) {
        public Fetch {
            requireNonNull(remote, "remote is null");
            requireNonNull(local, "local is null");
        }
    }

    /**
     * One source of a transfer.
     *
     * @param path the local path, absolute
     * @param target where it lands under the root ({@code ""}: a directory's contents into the root itself)
     */
    public record Sent(String path, String target) {
        public Sent {
            requireNonNull(path, "path is null");
            requireNonNull(target, "target is null");
        }
    }

    /**
     * The cluster lock a run held ({@code --lock}, {@code --lock-file}, {@code --lock-timeout}); it was taken
     * through {@code sudo -n} when {@link Options#sudo()} is set.
     *
     * @param file the lock file on every host
     * @param timeout the heartbeat timeout as given ({@code 4000ms}), null for the default
     */
    public record Lock(String file, String timeout) {
        public Lock {
            requireNonNull(file, "file is null");
        }
    }

    /**
     * One host's result.
     *
     * @param host the host's name as shown in output
     * @param destination how to reach it again ({@code [user@]name[:port]})
     * @param result {@code ok failed unreachable timed_out cancelled skipped}
     * @param exitCode remote exit code, null when there is none
     * @param signal the signal that killed the command, null for none
     * @param error why the host is not ok, null when it is
     */
    public record HostEntry(String host, String destination, String result, Integer exitCode, String signal,
            long durationMs, String error) {
        public HostEntry {
            requireNonNull(host, "host is null");
            requireNonNull(destination, "destination is null");
            requireNonNull(result, "result is null");
        }

        public boolean ok() {
            return result.equals("ok");
        }
    }

    /** This record under another id. */
    public RunRecord withId(String newId) {
        return new RunRecord(version, newId, started, durationMs, command, args, selection, options, interrupted,
                exitCode, hosts);
    }

    /** How many hosts ended each way, in summary order ({@code ok} first). */
    public Map<String, Integer> counts() {
        Map<String, Integer> c = new LinkedHashMap<>();
        for (HostEntry h : hosts) {
            c.merge(h.result(), 1, Integer::sum);
        }
        return c;
    }

    /** The destinations of every host that did not end ok, in host order. */
    public List<String> notOk() {
        return hosts.stream().filter(h -> !h.ok()).map(HostEntry::destination).toList();
    }
}
