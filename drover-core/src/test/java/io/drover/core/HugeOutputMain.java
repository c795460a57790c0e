package io.drover.core;

import io.drover.api.RunReport;
import io.drover.ssh.Ssh;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Run by {@link HugeOutputTest} in a JVM with a small heap: every host prints its share of 64-byte lines on stdout at
 * the same time; a line consumer only counts them. Prints {@code host bytes lines} per host, then the JVM's maximum
 * heap. Arguments: ssh_config, then {@code host=bytes} per host.
 */
public final class HugeOutputMain {
    private HugeOutputMain() {}

    public static void main(String[] args) {
        Path config = Path.of(args[0]);
        Map<String, Long> share = new LinkedHashMap<>();
        for (String a : List.of(args).subList(1, args.length)) {
            share.put(a.substring(0, a.indexOf('=')), Long.parseLong(a.substring(a.indexOf('=') + 1)));
        }
        Map<String, LongAdder> seenBytes = new ConcurrentHashMap<>();
        Map<String, LongAdder> seenLines = new ConcurrentHashMap<>();
        String line63 = "x".repeat(63);
        try (Ssh ssh = Ssh.builder().configFile(config).build();
                Group g = Group.builder(ssh).hosts(List.copyOf(share.keySet())).connect()) {
            RunReport<Void> report = g.run("huge", host -> {
                LongAdder b = seenBytes.computeIfAbsent(host.name(), k -> new LongAdder());
                LongAdder l = seenLines.computeIfAbsent(host.name(), k -> new LongAdder());
                host.run(Shell.builder("yes " + line63 + " | head -c " + share.get(host.name())).lines((stream, line) -> {
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
        share.keySet().forEach(h -> System.out.println(h + " " + seenBytes.get(h).sum() + " " + seenLines.get(h).sum()));
        System.out.println("maxHeap " + Runtime.getRuntime().maxMemory());
    }
}
