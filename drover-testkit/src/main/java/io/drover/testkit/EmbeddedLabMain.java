package io.drover.testkit;

import java.nio.file.Path;

/**
 * The JVM that hosts an embedded lab ({@code drover lab up --embedded}): embedded hosts live inside a JVM, so a lab
 * that outlives the command starting it needs a JVM of its own. It starts the fleet in {@code DIR} (which records this
 * JVM's PID for every host in {@code fleet.properties}), prints {@code READY}, and serves until SIGTERM ({@code drover
 * lab down}), when its shutdown hook stops the hosts and their commands.
 *
 * <p>Usage: {@code java -cp CLASSPATH io.drover.testkit.EmbeddedLabMain DIR HOSTS PREFIX SECOND_OCTET}; exits 1 with
 * the reason on standard error when the fleet cannot start, 2 on bad arguments.
 */
public final class EmbeddedLabMain {
    private EmbeddedLabMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: EmbeddedLabMain DIR HOSTS PREFIX SECOND_OCTET");
            System.exit(2);
        }
        SshFleet fleet;
        try {
            fleet = SshFleet.builder()
                    .kind(HostKind.EMBEDDED)
                    .directory(Path.of(args[0]))
                    .hosts(Integer.parseInt(args[1]))
                    .namePrefix(args[2])
                    .preferredSecondOctet(Integer.parseInt(args[3]))
                    .start();
        } catch (RuntimeException e) {
            System.err.println("embedded lab failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("READY " + fleet.directory() + " " + fleet.hostSpec());
        System.out.flush();
        Thread.currentThread().join(); // until SIGTERM runs the fleet's shutdown hook
    }
}
