package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Whether to trust a presented host key, and what to tell the user. A closed set. */
public sealed interface HostKeyDecision {

    /** What the known_hosts files said. */
    HostKeyVerdict verdict();

    /**
     * Connect.
     *
     * @param notices things the caller must emit as warnings for this host, e.g. that checking is off or that a key
     *     was added to known_hosts; empty when the key was simply known
     */
    record Accepted(HostKeyVerdict verdict, List<String> notices) implements HostKeyDecision {
        public Accepted {
            requireNonNull(verdict, "verdict is null");
            notices = List.copyOf(notices);
        }
    }

    /** Do not connect; {@code reason} says why in full (file:line and fingerprints where they apply). */
    record Refused(HostKeyVerdict verdict, String reason) implements HostKeyDecision {
        public Refused {
            requireNonNull(verdict, "verdict is null");
            requireNonNull(reason, "reason is null");
        }
    }
}
