package io.drover.testkit;

/** How a test host is implemented. */
public enum HostKind {
    /** A real OpenSSH {@code sshd} process (in its own mount, UTS and PID namespaces when running as root). */
    OPENSSH,
    /** An in-process Apache MINA SSHD server: commands via {@code /bin/sh -c}, SFTP subsystem. */
    EMBEDDED
}
