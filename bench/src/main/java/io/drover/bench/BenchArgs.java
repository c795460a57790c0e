package io.drover.bench;

import io.drover.core.hosts.HostSpec;
import io.drover.core.hosts.Target;
import io.drover.ssh.Ssh;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The command line shared by the bench mains: {@code -F CONFIG -H SPEC --parallel N [-o Key=Value]... ARGS...}. */
final class BenchArgs {
    Path config;
    String spec;
    int parallel = 100;
    final List<String[]> options = new ArrayList<>();
    final List<String> rest = new ArrayList<>();
    int steps = 10;
    String file;
    Path serverCpu;

    static BenchArgs parse(String[] args) {
        BenchArgs a = new BenchArgs();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-F" -> a.config = Path.of(args[++i]);
                case "-H" -> a.spec = args[++i];
                case "--parallel" -> a.parallel = Integer.parseInt(args[++i]);
                case "--steps" -> a.steps = Integer.parseInt(args[++i]);
                case "--file" -> a.file = args[++i];
                case "--server-cpu" -> a.serverCpu = Path.of(args[++i]);
                case "-o" -> {
                    String o = args[++i];
                    int eq = o.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("-o " + o + ": expected Keyword=Value");
                    }
                    a.options.add(new String[] {o.substring(0, eq), o.substring(eq + 1)});
                }
                default -> a.rest.add(args[i]);
            }
        }
        if (a.config == null || a.spec == null) {
            throw new IllegalArgumentException("usage: -F SSH_CONFIG -H HOST_SPEC [--parallel N] [-o Key=Value] ...");
        }
        return a;
    }

    Ssh ssh() {
        Ssh.Builder b = Ssh.builder().configFile(config).maxConcurrentDials(parallel);
        for (String[] o : options) {
            b.option(o[0], o[1]);
        }
        return b.build();
    }

    List<Target> targets() {
        return HostSpec.defaults().expand(spec);
    }

    /** CPU time of this whole JVM (all threads, GC and JIT included), in seconds. */
    static double processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** CPU seconds the fleet's servers have used so far (a cpuacct.usage file), or NaN when not given. */
    double serverCpu() {
        if (serverCpu == null) {
            return Double.NaN;
        }
        try {
            return Long.parseLong(java.nio.file.Files.readString(serverCpu).strip()) / 1e9;
        } catch (java.io.IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }

    static double since(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    static String json(String key, double value) {
        return String.format(Locale.ROOT, "\"%s\": %.6f", key, value);
    }
}
