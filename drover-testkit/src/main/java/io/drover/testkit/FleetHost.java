package io.drover.testkit;

import java.nio.file.Path;

/** What {@link SshFleet} needs from a host it starts, beyond the public {@link TestHost} contract. */
interface FleetHost extends TestHost {

    /** The host's own directory under the fleet directory ({@code hosts/NAME}): config, log, home, tmp. */
    Path dir();

    /** The PID that {@code lab down} / {@link SshFleet#attach} signal to stop the host. */
    long pid();

    /** Starts the host's processes or server without waiting for it to answer. */
    void launch();

    /**
     * Stops the host as fast as it can, for closing the fleet: no graceful shutdown, but nothing of the host left
     * running when it returns.
     */
    void stopNow();

    /** Blocks until the host answers; throws {@link IllegalStateException} with the host's log when it cannot. */
    void awaitReady();
}
