package io.drover.core;

import io.drover.api.RunReport;
import io.drover.ssh.Ssh;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Run by {@link HugeOutputTest} in a JVM with a small heap: streams {@code bytes} of 64-byte lines of stdout from
 * each host through a line consumer that only counts, and prints {@code host bytes lines} per host.
 * Arguments: ssh_config, bytes per host, hosts.
 */
public final class HugeOutputMain {
    private HugeOutputMain() {}

    public static void main(String[] args) {
        Path config = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]);
        List<String> hosts = Arrays.asList(args).subList(2, args.length);
        Map<String, LongAdder> seenBytes = new ConcurrentHashMap<>();
        Map<String, LongAdder> seenLines = new ConcurrentHashMap<>();
        String line63 = "x".repeat(63);
        try (Ssh ssh = Ssh.builder().configFile(config).build(); Group g = Group.builder(ssh).hosts(hosts).connect()) {
            RunReport<Void> report = g.run("huge", host -> {
                LongAdder b = seenBytes.computeIfAbsent(host.name(), k -> new LongAdder());
                LongAdder l = seenLines.computeIfAbsent(host.name(), k -> new LongAdder());
                host.run(Shell.builder("yes " + line63 + " | head -c " + bytes).lines((stream, line) -> {
                    b.add(line.length() + 1);
                    l.increment();
                }).build());
                return null;
            });
            if (!report.allOk()) {
                System.out.println("FAILED " + report.problems());
                System.exit(2);
            }
        }
        for (String h : hosts) {
            System.out.println(h + " " + seenBytes.get(h).sum() + " " + seenLines.get(h).sum());
        }
        System.out.println("maxHeap " + Runtime.getRuntime().maxMemory());
    }
}
