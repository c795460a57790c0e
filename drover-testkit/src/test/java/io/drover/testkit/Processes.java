package io.drover.testkit;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/** Looks at the machine's processes, for tests proving that nothing is left running. */
final class Processes {
    private Processes() {}

    /** PIDs and command lines of processes (other than this JVM) whose command line contains {@code text}. */
    static List<String> mentioning(String text) {
        return matching(Pattern.quote(text));
    }

    /** PIDs and command lines of processes (other than this JVM) whose command line matches {@code regex}. */
    static List<String> matching(String regex) {
        Pattern p = Pattern.compile(regex);
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != self)
                .map(h -> h.pid() + " " + h.info().commandLine().orElse(""))
                .filter(c -> p.matcher(c).find())
                .toList();
    }

    /** Polls {@code condition} every 20 ms for up to 60 s (a deadline, not a wait: a loaded machine is slow). */
    static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        waitUntil(condition, 60);
    }

    static void waitUntil(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + seconds + " s");
            }
            Thread.sleep(20);
        }
    }
}
