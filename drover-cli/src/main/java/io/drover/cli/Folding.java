package io.drover.cli;

import java.util.Collection;

/** Host names folded into ranges ({@code web[1-20,25]}), as ClusterShell's {@code nodeset -f} does. */
final class Folding {
    private Folding() {}

    static String fold(Collection<String> hosts) {
        // TODO(h/hostspec): io.drover.core.hosts.HostRange.fold once it lands
        return String.join(",", hosts);
    }
}
