package io.drover.bench.jmh;

/**
 * The JVM options the {@code ./drover} launcher gives the controller, for {@code @Fork(jvmArgsAppend = ...)}: the
 * benchmarks fork JVMs configured as the code they measure runs in production.
 *
 * <ul>
 *   <li>{@code drover run} and the other short commands: {@link #SERIAL_GC} + {@link #C1_ONLY} (start-up and CPU per
 *       host matter more than peak speed);</li>
 *   <li>{@code drover upload|sync|download}: {@link #SERIAL_GC} + {@link #HEAP_512M}, full tiered compilation (C2),
 *       so that AES-GCM and SHA intrinsics apply to bulk data.</li>
 * </ul>
 */
public final class JvmFlags {
    /** Both launcher modes use the serial collector. */
    public static final String SERIAL_GC = "-XX:+UseSerialGC";
    /** C1 only: no C2, so none of C2's crypto intrinsics (AES-CTR, GHASH, SHA, Poly1305). */
    public static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    /** The transfer commands' heap bound. */
    public static final String HEAP_512M = "-Xmx512m";

    private JvmFlags() {}
}
