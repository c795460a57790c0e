package io.drover.ssh.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Whether AES-GCM runs fast in this JVM: only C2 (or another optimizing JIT) compiles the JDK's AES and GHASH code to
 * the CPU's AES and carry-less multiply instructions. Measured on the bench (100 MB streams, JDK 25, Xeon with
 * AES-NI): aes128-gcm with C2 7.1 s of CPU per GB against MINA's pure-Java chacha20-poly1305 11.4 s (C1 or C2), but
 * 33 s under C1 alone ({@code -XX:TieredStopAtLevel=1}). So drover prefers GCM only where it is fast.
 *
 * <p>Detection, computed once on first use (cheap where it matters): {@code java.vm.info} names a JVM without C2
 * ({@code interpreted mode}, or {@code emulated-client} for {@code TieredStopAtLevel=1}) at no cost; otherwise the CPU
 * must have AES and carry-less multiply ({@code /proc/cpuinfo} flags {@code aes}+{@code pclmulqdq} on x86,
 * {@code aes}+{@code pmull} on ARM; without {@code /proc/cpuinfo}, x86-64 and aarch64 are assumed to have them), and
 * the HotSpot options must not stop tiered compilation below C2 (read through the diagnostic MXBean, about 20 ms, only
 * in a JVM that looks like it has C2).
 */
final class FastAesGcm {
    private FastAesGcm() {}

    private static final class Holder {
        static final boolean AVAILABLE = detect(System.getProperty("java.vm.info", ""),
                cpuFeatures(Path.of("/proc/cpuinfo")), System.getProperty("os.arch", ""), FastAesGcm::tieredStopAtLevel);
    }

    /** Whether this JVM encrypts AES-GCM with the CPU's AES instructions (see the class comment). */
    static boolean available() {
        return Holder.AVAILABLE;
    }

    /**
     * @param vmInfo the {@code java.vm.info} property
     * @param cpuFeatures the CPU's feature flags, or empty when unknown
     * @param arch the {@code os.arch} property
     * @param stopLevel the effective {@code TieredStopAtLevel} when tiered compilation is on, empty when it is off or
     *     unknown; asked only when the other inputs allow fast GCM
     */
    static boolean detect(String vmInfo, Optional<Set<String>> cpuFeatures, String arch, Supplier<OptionalInt> stopLevel) {
        if (vmInfo.contains("interpreted mode") || vmInfo.contains("emulated-client")) {
            return false;
        }
        String a = arch.toLowerCase(Locale.ROOT);
        boolean x86 = a.equals("amd64") || a.equals("x86_64");
        boolean arm = a.equals("aarch64") || a.equals("arm64");
        if (cpuFeatures.isPresent()) {
            Set<String> f = cpuFeatures.get();
            boolean hardware = x86 ? f.contains("aes") && f.contains("pclmulqdq") : arm && f.contains("aes")
                    && f.contains("pmull");
            if (!hardware) {
                return false;
            }
        } else if (!x86 && !arm) {
            return false;
        }
        OptionalInt level = stopLevel.get();
        return level.isEmpty() || level.getAsInt() >= 4;
    }

    /** The first CPU's feature flags from a Linux {@code /proc/cpuinfo}, or empty when it cannot be read. */
    static Optional<Set<String>> cpuFeatures(Path cpuinfo) {
        try (BufferedReader r = Files.newBufferedReader(cpuinfo, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = r.readLine()) != null) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                if (key.equals("flags") || key.equals("Features")) {
                    return Optional.of(Arrays.stream(line.substring(colon + 1).trim().split("\\s+"))
                            .collect(Collectors.toUnmodifiableSet()));
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code TieredStopAtLevel} when tiered compilation is on; empty when off or not readable (not HotSpot). */
    private static OptionalInt tieredStopAtLevel() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (vm == null || !Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue())) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()));
        } catch (RuntimeException | LinkageError e) {
            return OptionalInt.empty();
        }
    }
}
