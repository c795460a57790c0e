package io.drover.testkit;

/** How a test host is implemented. */
public enum HostKind {
    /**
     * A real OpenSSH {@code sshd -D} process. As root it runs in its own mount, UTS and PID namespaces
     * ({@code unshare}): its own hostname, its own {@code /root} and {@code /tmp}, and every process it starts dies
     * with it. Its first process reads a pipe from this JVM and stops the host when the pipe closes, so the host dies
     * with the JVM even on SIGKILL. Without root: the same, minus hostname, home and /tmp of its own, and sessions
     * still running when the host stops may outlive it.
     */
    OPENSSH,
    /**
     * An in-process Apache MINA SSHD server, for machines without {@code sshd}: commands via {@code /bin/sh -c}
     * (in their own session, killed with the host or, if the JVM dies, by a watcher process), an interactive
     * {@code /bin/sh}, the SFTP subsystem. It shares the machine's hostname and {@code /tmp}; its home (working
     * directory, {@code $HOME}, base of relative SFTP paths) is its own. {@link TestHost#pause()} holds the address
     * with a socket that never answers, stops reading every connection and sends SIGSTOP to every command;
     * connections made during the pause are reset on resume instead of being served late.
     */
    EMBEDDED
}
