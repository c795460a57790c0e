package io.drover.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testkit.SshFleet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Output far larger than the heap streams through: each case runs {@link HugeOutputMain} in its own JVM with a
 * 64 MiB heap, so holding any output whole would fail with OutOfMemoryError. Only counts are asserted.
 */
class HugeOutputTest {
    private static final String HEAP = "-Xmx64m";

    private static List<String> runInSmallHeap(SshFleet fleet, long bytesPerHost, List<String> hosts) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+ExitOnOutOfMemoryError", "-cp", classpath, HugeOutputMain.class.getName(),
                fleet.sshConfig().toString(), Long.toString(bytesPerHost)));
        argv.addAll(hosts);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        long maxHeap = lines.stream().filter(l -> l.startsWith("maxHeap ")).mapToLong(l -> Long.parseLong(l.substring(8)))
                .findFirst().orElseThrow();
        assertThat(maxHeap).as("the child JVM's heap").isLessThanOrEqualTo(64L << 20);
        return lines;
    }

    @Test
    void aGibibyteOfStdoutFromOneHostStreamsThroughA64MibHeap() throws Exception {
        SshFleet fleet = Fleets.shared();
        long gib = 1L << 30;
        List<String> out = runInSmallHeap(fleet, gib, List.of("w1"));
        assertThat(out).contains("w1 " + gib + " " + gib / 64);
    }

    @Test
    void tenMibFromEachOfTwentyHostsStreamsThroughA64MibHeap() throws Exception {
        SshFleet fleet = Fleets.shared();
        long tenMib = 10L << 20;
        List<String> out = runInSmallHeap(fleet, tenMib, fleet.names());
        for (String h : fleet.names()) {
            assertThat(out).contains(h + " " + tenMib + " " + tenMib / 64);
        }
    }
}
