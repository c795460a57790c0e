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
 * Output far larger than the heap streams through: {@link HugeOutputMain} runs in its own JVM with a
 * 64 MiB heap (and exits on OutOfMemoryError), so holding any host's output whole would fail. Only counts are
 * asserted: speed is measured in benchmarks.
 */
class HugeOutputTest {
    private static final String HEAP = "-Xmx64m";
    /**
     * The GC drover's launcher uses. Under G1 a 64 MiB heap has 1 MiB regions, and every channel's receive buffer
     * (it grows to the 2 MiB SSH window when the reader lags) takes three humongous regions: with 20 channels and a
     * fast cipher (AES-GCM under C2 decrypts faster than the line consumers read) that alone fills the heap.
     */
    private static final String GC = "-XX:+UseSerialGC";

    @Test
    void aGibibyteFromOneHostAndTenMibFromEachOfNineteenOthersStreamAtOnceThroughA64MibHeap() throws Exception {
        SshFleet fleet = Fleets.shared();
        long gib = 1L << 30;
        long tenMib = 10L << 20;
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, GC, "-XX:+ExitOnOutOfMemoryError", "-cp", classpath(), HugeOutputMain.class.getName(),
                fleet.sshConfig().toString()));
        for (String h : fleet.names()) {
            argv.add(h + "=" + (h.equals("w1") ? gib : tenMib));
        }
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines).contains("w1 " + gib + " " + gib / 64);
        for (String h : fleet.names().subList(1, 20)) {
            assertThat(lines).contains(h + " " + tenMib + " " + tenMib / 64);
        }
        long maxHeap = lines.stream().filter(l -> l.startsWith("maxHeap ")).mapToLong(l -> Long.parseLong(l.substring(8)))
                .findFirst().orElseThrow();
        assertThat(maxHeap).as("the child JVM's heap").isLessThanOrEqualTo(64L << 20);
    }

    private static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
