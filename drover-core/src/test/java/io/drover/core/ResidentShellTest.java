package io.drover.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.api.Stream;
import io.drover.ssh.ExitStatus;
import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import io.drover.testkit.SshHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Groups with {@link Group.Builder#residentShell(boolean)} on real OpenSSH hosts: the same results as a channel per
 * command, no state carried between commands, timeouts that kill the process tree, and one session channel for a
 * sequence of commands (counted in sshd's own log).
 */
@Timeout(120)
class ResidentShellTest {
    @SshHosts(count = 2, prefix = "res")
    static SshFleet fleet;
    static Ssh ssh;

    @BeforeAll
    static void client() {
        ssh = fleet.closing(Ssh.builder().configFile(fleet.sshConfig()).build());
    }

    private static Group group(boolean resident, String... hosts) {
        return Group.builder(ssh).hosts(List.of(hosts)).residentShell(resident).connect();
    }

    private static <T> T on(Group g, Task<T> task) {
        HostResult<T> r = g.run("test", task).results().getFirst();
        if (r instanceof HostResult.Ok<T> ok) {
            return ok.value();
        }
        throw new AssertionError("task failed: " + r);
    }

    /** Session channels sshd has started on the host so far. */
    private static long sessions(String host) {
        return fleet.host(host).log().lines().filter(l -> l.contains("Starting session:")).count();
    }

    record Outcome(ExitStatus status, String stdout, List<String> stderr) {}

    private static Outcome outcome(HostSession host, String command) {
        List<String> err = new CopyOnWriteArrayList<>();
        CommandResult r = host.run(Shell.builder(command).check(false).captureStdout(1 << 20)
                .lines((stream, line) -> {
                    if (stream == Stream.STDERR) {
                        err.add(line);
                    }
                }).build());
        return new Outcome(r.status(), r.stdout(), err);
    }

    @Test
    void commandsGiveTheSameResultsAsOnAChannelEach() {
        List<String> commands = List.of(
                "echo out; echo err >&2",
                "printf 'a\\nb'",
                "exit 3",
                "false",
                "no-such-command-here 2>/dev/null",
                "/etc 2>/dev/null",
                "cat; echo eof",
                "test -t 0 && echo tty || echo notty",
                "echo \"$# [$*]\"",
                "cd /tmp && pwd",
                "set -e; false; echo not-reached",
                "printf '%s' \"$(printf 'x\\ny')\"",
                "for i in 1 2 3; do echo $i; done >&2",
                "umask",
                "exec 1>&2; echo moved",
                "trap 'echo trapped' EXIT; exit 4",
                "f() { return 5; }; f",
                "echo \"$0\"; echo ${HOME:?}",
                "printf '%s\\n' \"it's\" '\"q\"' '$x' '`y`' 'a\\\\b'");
        List<Outcome> resident = new ArrayList<>();
        List<Outcome> exec = new ArrayList<>();
        try (Group g = group(true, "res1")) {
            on(g, host -> commands.stream().map(c -> outcome(host, c)).toList()).forEach(resident::add);
        }
        try (Group g = group(false, "res1")) {
            on(g, host -> commands.stream().map(c -> outcome(host, c)).toList()).forEach(exec::add);
        }
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            if (!resident.get(i).equals(exec.get(i))) {
                differences.add(commands.get(i) + ": resident " + resident.get(i) + ", exec " + exec.get(i));
            }
        }
        assertThat(differences).isEmpty();
    }

    @Test
    void aCommandWhoseLastProcessDiesOfASignalReportsTheSignal() {
        try (Group g = group(true, "res1")) {
            Outcome r = on(g, host -> outcome(host, "sh -c 'kill -TERM $$'"));
            assertThat(r.status()).isEqualTo(ExitStatus.signal("TERM"));
            // the subshell may report its child's death, as a shell does for any command but the last one
            assertThat(r.stderr()).isIn(List.of(), List.of("Terminated"));
        }
    }

    @Test
    void aSequenceOfCommandsUsesOneSessionChannelPerHost() {
        long before1 = sessions("res1");
        long before2 = sessions("res2");
        try (Group g = group(true, "res1", "res2")) {
            for (int k = 1; k <= 10; k++) {
                int step = k;
                RunReport<String> r = g.run("step " + k, host -> host.output("echo " + step + " > /tmp/res-step; cat /tmp/res-step"));
                assertThat(r.results()).allSatisfy(h -> assertThat(h).isInstanceOfSatisfying(HostResult.Ok.class,
                        ok -> assertThat(ok.value()).isEqualTo(step + "\n")));
            }
        }
        assertThat(sessions("res1") - before1).as("session channels on res1").isEqualTo(1);
        assertThat(sessions("res2") - before2).as("session channels on res2").isEqualTo(1);
        assertThat(Fleets.eventually(Duration.ofSeconds(10),
                () -> Fleets.hostsRunning(fleet, List.of("res1", "res2"), "bash -s").isEmpty()))
                .as("closing the group ends the resident shells").isTrue();
    }

    @Test
    void withoutTheResidentShellEachCommandOpensAChannel() {
        long before = sessions("res1");
        try (Group g = group(false, "res1")) {
            for (int k = 1; k <= 3; k++) {
                on(g, host -> host.shell("true"));
            }
        }
        assertThat(sessions("res1") - before).isEqualTo(3);
    }

    @Test
    void aCommandLeavesNoStateToTheNext() {
        try (Group g = group(true, "res1")) {
            String home = on(g, host -> host.output("echo \"$HOME\""));
            on(g, host -> host.shell("cd /tmp; export RES_T=1; umask 077; set -e; trap 'echo t' EXIT; "
                    + "f() { :; }; RES_V=2"));
            String after = on(g, host -> host.output("pwd; echo ${RES_T-unset} ${RES_V-unset}; umask; "
                    + "case $- in *e*) echo e-set;; *) echo e-unset;; esac; command -v f || echo no-f"));
            assertThat(after).isEqualTo(home + "unset unset\n0022\ne-unset\nno-f\n");
            CommandResult exited = on(g, host -> host.run(Shell.builder("exit 7").check(false).build()));
            assertThat(exited.status()).isEqualTo(ExitStatus.code(7));
            String gone = on(g, host -> host.output("exec >/dev/null; echo gone"));
            assertThat(gone).isEmpty();
            String alive = on(g, host -> host.output("echo alive"));
            assertThat(alive).isEqualTo("alive\n");
        }
    }

    @Test
    void aCommandThatKillsTheResidentShellFailsAloneAndTheNextOneRuns() {
        try (Group g = group(true, "res1")) {
            HostResult<?> killed = g.run("kill", host -> host.shell("kill -9 $$")).results().getFirst();
            assertThat(killed).isInstanceOf(HostResult.Failed.class);
            assertThat(((HostResult.Failed<?>) killed).signal()).contains("KILL");
            HostResult<?> term = g.run("term", host -> host.shell("kill -TERM $$")).results().getFirst();
            assertThat(term).isInstanceOf(HostResult.Failed.class);
            assertThat(((HostResult.Failed<?>) term).signal()).contains("TERM");
            String next = on(g, host -> host.output("echo next"));
            assertThat(next).isEqualTo("next\n");
        }
    }

    @Test
    void aTimedOutCommandLosesItsProcessTreeAndTheHostsKeepServingCommands() {
        List<String> hosts = List.of("res1", "res2");
        try (Group g = group(true, "res1", "res2")) {
            assertThat(g.run("warm", host -> host.shell("true")).allOk()).isTrue();
            RunReport<Object> slow = g.run("slow", host -> host.shell("sh -c 'sleep 309.25; true' & sleep 309.75; echo never"),
                    RunOptions.defaults().withTaskTimeout(Duration.ofMillis(700)));
            assertThat(slow.results()).allSatisfy(r -> assertThat(r).isInstanceOf(HostResult.TimedOut.class));
            assertThat(Fleets.eventually(Duration.ofSeconds(10),
                    () -> Fleets.hostsRunning(fleet, hosts, "sleep 309.").isEmpty())).as("no sleep left").isTrue();
            long before = sessions("res1");
            for (int k = 0; k < 3; k++) {
                assertThat(g.collect("after", host -> host.output("echo ok"))).containsValues("ok\n", "ok\n");
            }
            assertThat(sessions("res1") - before).as("one new resident shell").isEqualTo(1);
        }
    }

    @Test
    void onlyCommandsWithoutStdinOrPtyUseTheResidentShellAndCwdEnvApplyThere() {
        try (Group g = group(true, "res1")) {
            on(g, host -> host.shell("true"));
            long before = sessions("res1");
            List<String> out = on(g, host -> List.of(
                    host.run(Shell.builder("pwd; printf '%s\\n' \"$A\"").cwd("/usr/share").env("A", "it's $x")
                            .captureStdout(100).build()).stdout(),
                    host.env().get("HOME"),
                    host.output("echo plain")));
            assertThat(out).containsExactly("/usr/share\nit's $x\n", out.get(1), "plain\n");
            assertThat(out.get(1)).startsWith("/");
            assertThat(sessions("res1") - before).as("all in the resident shell").isZero();
            String viaStdin = on(g, host -> host.run(Shell.builder("cat").stdin("in\n").captureStdout(10).build()).stdout());
            assertThat(viaStdin).isEqualTo("in\n");
            on(g, host -> host.run(Shell.builder("true").pty(true).build()));
            assertThat(sessions("res1") - before).as("stdin and pty: a channel each").isEqualTo(2);
        }
    }

    @Test
    void commandsRunConcurrentlyByOneTaskDoNotWaitForEachOther() {
        try (Group g = group(true, "res1")) {
            List<String> out = on(g, host -> {
                host.shell("rm -f /tmp/res-first /tmp/res-second");
                // the first waits for the second: queued behind it on one shell they would never end
                CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> host.output(
                        "touch /tmp/res-first; while [ ! -e /tmp/res-second ]; do sleep 0.02; done; echo first"));
                while (!host.run(Shell.builder("test -e /tmp/res-first").check(false).build()).success()) {
                    Thread.sleep(20);
                }
                String second = host.output("touch /tmp/res-second; echo second");
                return List.of(first.join(), second);
            }, RunOptions.defaults().withTaskTimeout(Duration.ofSeconds(30)));
            assertThat(out).containsExactly("first\n", "second\n");
        }
    }

    private static <T> T on(Group g, Task<T> task, RunOptions options) {
        HostResult<T> r = g.run("test", task, options).results().getFirst();
        if (r instanceof HostResult.Ok<T> ok) {
            return ok.value();
        }
        throw new AssertionError("task failed: " + r);
    }
}
