package io.drover.bench.jmh;

import io.drover.core.hosts.HostSpec;
import io.drover.core.hosts.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Host selection at fleet scale (drover-core {@code io.drover.core.hosts}): {@link HostSpec#expand} of a spec that
 * names 10,000 hosts, written four ways ({@link #spec}): {@code range} a two-dimensional numeric range,
 * {@code exclude} a range minus a range exclusion, {@code file} an {@code @file} host list of 10,000 FQDN lines (read
 * from disk every time, as each run does), {@code glob} a glob matched against the 10,000 {@code Host} names of an
 * ssh_config.
 *
 * <p>Why it matters: every run starts by expanding its host spec, once, on the controller, before the first
 * connection; at 10,000 hosts it must stay a small fraction of the per-host budget (a few ms of CPU per host). Scores
 * are microseconds per expansion of all 10,000 hosts; divide by 10,000 for the cost per host. Forked with the
 * launcher's flags for {@code drover run} (C1 only); steady state, so a lower bound for the one cold call a CLI run
 * makes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC, JvmFlags.C1_ONLY})
public class HostSpecExpansion {
    static final int HOSTS = 10_000;

    /** How the 10,000 hosts are written; see the class comment. */
    @Param({"range", "exclude", "file", "glob"})
    public String spec;

    private Path dir;
    private HostSpec hostSpec;
    private String text;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("drover-jmh-hosts");
        HostSpec.Builder builder = HostSpec.builder().baseDirectory(dir);
        switch (spec) {
            case "range" -> text = "rack[1-100]-node[001-100]";
            case "exclude" -> text = "web[1-11000] !web[5001-6000]";
            case "file" -> {
                List<String> lines = new ArrayList<>();
                lines.add("# fleet export, one host per line");
                for (int i = 1; i <= HOSTS; i++) {
                    lines.add(String.format("host-%05d.dc%d.example.com", i, i % 4 + 1));
                }
                Files.write(dir.resolve("hosts.txt"), lines);
                text = "@hosts.txt";
            }
            case "glob" -> {
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= HOSTS; i++) {
                    names.add("b" + i);
                }
                names.add("bastion-*"); // a pattern Host line: ignored by globs
                builder.sshConfigHosts(names);
                text = "b*";
            }
            default -> throw new IllegalArgumentException("unknown spec kind " + spec);
        }
        hostSpec = builder.build();
        int n = hostSpec.expand(text).size();
        if (n != HOSTS) {
            throw new IllegalStateException(spec + " expands to " + n + " hosts, not " + HOSTS);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(dir.resolve("hosts.txt"));
        Files.deleteIfExists(dir);
    }

    /** Expands the spec into 10,000 targets. */
    @Benchmark
    public List<Target> expand() {
        return hostSpec.expand(text);
    }

}
