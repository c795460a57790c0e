package io.drover.bench;

import io.drover.api.RunReport;
import io.drover.core.Group;
import io.drover.core.hosts.Target;
import io.drover.ssh.Ssh;
import java.util.List;

/**
 * W2: {@code --steps} commands in sequence on every host, each depending on the one before (step k checks that the
 * file holds k-1, then writes k), over one {@link Group}: the connections are dialed once and kept.
 *
 * <p>The group runs the commands in each host's resident shell ({@link Group.Builder#residentShell(boolean)}): one
 * session channel per host for all the steps; {@code --exec-channels} measures a channel per command instead.
 *
 * <p>Prints one JSON line per step ({@code step, wall_s, cpu_s, ok, failed}); step 1's figures include
 * {@link Group.Builder#connect()} (dialing every host), as a peer's first command includes its connects; the dial
 * alone is printed too ({@code connect_wall_s, connect_cpu_s}). Exit status 0 when every step succeeded on every host.
 */
public final class SequentialRuns {
    private SequentialRuns() {}

    public static void main(String[] args) {
        BenchArgs a = BenchArgs.parse(args);
        String file = a.file == null ? "/tmp/drover-bench-w2" : a.file;
        List<Target> targets = a.targets();
        boolean allOk = true;
        double jvmCpu = BenchArgs.processCpu();
        System.out.println("{" + BenchArgs.json("jvm_start_cpu_s", jvmCpu) + "}");
        try (Ssh ssh = a.ssh()) {
            long t0 = System.nanoTime();
            double c0 = BenchArgs.processCpu();
            double server0 = a.serverCpu();
            try (Group group = Group.builder(ssh).targets(targets).dialConcurrency(a.parallel).maxInFlight(a.parallel)
                    .residentShell(!a.rest.contains("--exec-channels")).connect()) {
                double connectWall = BenchArgs.since(t0);
                double connectCpu = BenchArgs.processCpu() - c0;
                System.out.println("{" + BenchArgs.json("connect_wall_s", connectWall) + ", "
                        + BenchArgs.json("connect_cpu_s", connectCpu) + ", \"unreachable\": "
                        + group.unreachable().size() + "}");
                for (int k = 1; k <= a.steps; k++) {
                    String command = k == 1
                            ? "echo 1 > " + file
                            : "test \"$(cat " + file + ")\" = " + (k - 1) + " && echo " + k + " > " + file;
                    long s0 = k == 1 ? t0 : System.nanoTime();
                    double sc0 = k == 1 ? c0 : BenchArgs.processCpu();
                    double ss0 = k == 1 ? server0 : a.serverCpu();
                    RunReport<Object> report = group.run("step " + k, host -> {
                        host.shell(command);
                        return null;
                    });
                    double wall = BenchArgs.since(s0);
                    double cpu = BenchArgs.processCpu() - sc0;
                    double server = a.serverCpu() - ss0;
                    long failed = report.results().stream().filter(r -> !r.isOk()).count();
                    allOk &= failed == 0;
                    System.out.println("{\"step\": " + k + ", " + BenchArgs.json("wall_s", wall) + ", "
                            + BenchArgs.json("cpu_s", cpu) + ", "
                            + (Double.isNaN(server) ? "" : BenchArgs.json("server_cpu_s", server) + ", ") + "\"ok\": " + (report.results().size() - failed)
                            + ", \"failed\": " + failed + "}");
                    if (failed > 0) {
                        report.problems().stream().limit(5).forEach(p -> System.err.println("failed: " + p));
                        break;
                    }
                }
            }
        }
        System.exit(allOk ? 0 : 1);
    }
}
