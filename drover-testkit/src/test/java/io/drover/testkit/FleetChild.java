package io.drover.testkit;

/**
 * A separate JVM for {@link NothingLeftRunningTest}: starts a 3-host fleet of the kind named in {@code args[0]},
 * prints {@code READY <fleet dir>} and blocks until killed.
 */
public final class FleetChild {
    private FleetChild() {}

    public static void main(String[] args) throws Exception {
        SshFleet fleet = SshFleet.builder().kind(HostKind.valueOf(args[0])).hosts(3).namePrefix("orphan").start();
        System.out.println("READY " + fleet.directory());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
