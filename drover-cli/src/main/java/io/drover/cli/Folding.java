package io.drover.cli;

import io.drover.core.hosts.HostRange;
import java.util.Collection;

/** Host names folded into ranges ({@code web[1-20,25]}), as ClusterShell's {@code nodeset -f} does. */
final class Folding {
    private Folding() {}

    static String fold(Collection<String> hosts) {
        return HostRange.fold(hosts);
    }
}
