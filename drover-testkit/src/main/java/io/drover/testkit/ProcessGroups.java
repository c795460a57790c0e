package io.drover.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Reads process groups from {@code /proc} (Linux). */
final class ProcessGroups {
    private ProcessGroups() {}

    /** Which of {@code groups} still have at least one member process. */
    static Set<Long> existing(Set<Long> groups) {
        Set<Long> found = new HashSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                long pgid = pgid(proc);
                if (groups.contains(pgid)) {
                    found.add(pgid);
                }
            }
        } catch (IOException e) {
            return Set.copyOf(groups); // cannot tell: assume they all live
        }
        return found;
    }

    /** The process group of {@code /proc/PID}, or -1 when it is gone. */
    private static long pgid(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so parse after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
            return Long.parseLong(f[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
