package io.drover.bench.jmh;

import io.drover.core.hosts.HostRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Folding host names into ranges and back at fleet scale (drover-core {@link HostRange}), 10,000 names: a 103 x 100
 * {@code rack<R>-node<NNN>} grid with 300 random holes (hosts that gave another answer), in random order.
 *
 * <ul>
 *   <li>{@link #fold}: {@link HostRange#fold}, what grouped output ({@code dshbak -c} style) does with the hosts that
 *       gave one answer;</li>
 *   <li>{@link #expandFolded}: {@link HostRange#expand} of that folded text back into the 10,000 names, what reading
 *       a folded host list (a previous run's failures) does.</li>
 * </ul>
 *
 * <p>Why it matters: paid once per run at the end, after the last connection, so it adds straight to the run's wall
 * time and CPU. Scores are microseconds per operation on all 10,000 names. Forked with the launcher's flags for
 * {@code drover run} (C1 only).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC, JvmFlags.C1_ONLY})
public class HostFolding {
    static final int HOSTS = 10_000;

    private List<String> names;
    private String folded;

    @Setup
    public void setUp() {
        List<String> grid = new ArrayList<>();
        for (int rack = 1; rack <= 103; rack++) {
            for (int node = 1; node <= 100; node++) {
                grid.add(String.format("rack%d-node%03d", rack, node));
            }
        }
        Collections.shuffle(grid, new Random(11));
        names = List.copyOf(grid.subList(0, HOSTS));
        folded = HostRange.fold(names);
        if (HostRange.expand(folded).size() != HOSTS) {
            throw new IllegalStateException("fold then expand did not give back " + HOSTS + " names");
        }
    }

    /** Folds the 10,000 unordered names into ranges. */
    @Benchmark
    public String fold() {
        return HostRange.fold(names);
    }

    /** Expands the folded text back into 10,000 names. */
    @Benchmark
    public List<String> expandFolded() {
        return HostRange.expand(folded);
    }
}
