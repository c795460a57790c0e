package io.drover.bench;

import io.drover.testkit.SshFleet;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts or stops a detached fleet of real OpenSSH hosts for {@code bench/run} (the same kit as {@code drover lab}).
 *
 * <pre>
 * Fleet up COUNT DIR [PREFIX] [SECOND_OCTET]   start COUNT hosts named PREFIX1..PREFIXn (default b), files in DIR
 * Fleet down DIR                               stop the fleet in DIR
 * </pre>
 *
 * Prints one line {@code up <count> hosts in <seconds> s} so the harness can record start-up time.
 */
public final class Fleet {
    private Fleet() {}

    public static void main(String[] args) {
        if (args.length >= 3 && args[0].equals("up")) {
            int count = Integer.parseInt(args[1]);
            Path dir = Path.of(args[2]).toAbsolutePath();
            String prefix = args.length > 3 ? args[3] : "b";
            long t0 = System.nanoTime();
            SshFleet.Builder b = SshFleet.builder().hosts(count).namePrefix(prefix).directory(dir).detached(true)
                    .readyTimeout(Duration.ofSeconds(120))
                    // each host takes many connections at once in W4 (aliases): do not let sshd drop them
                    .sshdConfig("MaxStartups 1000:30:2000")
                    .sshdConfig("MaxSessions 100");
            if (args.length > 4) {
                b.secondOctet(Integer.parseInt(args[4]));
            }
            SshFleet fleet = b.start();
            System.out.printf("up %d hosts in %.1f s: -F %s -H '%s'%n", fleet.hosts().size(),
                    (System.nanoTime() - t0) / 1e9, fleet.sshConfig(), fleet.hostSpec());
        } else if (args.length == 2 && args[0].equals("down")) {
            SshFleet.attach(Path.of(args[1]).toAbsolutePath()).close();
            System.out.println("down");
        } else {
            System.err.println("usage: Fleet up COUNT DIR [PREFIX [SECOND_OCTET]] | Fleet down DIR");
            System.exit(2);
        }
    }
}
