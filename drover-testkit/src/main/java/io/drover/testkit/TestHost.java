package io.drover.testkit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One throwaway SSH host of a {@link SshFleet}. Fault injection methods act on the running host: they are how
 * tests make a host crash, hang or come back. Thread-safe.
 */
public interface TestHost {

    /** The ssh_config alias, e.g. {@code lab3}. */
    String name();

    /** The loopback address the host listens on, e.g. {@code 127.23.1.3}. */
    String address();

    int port();

    /** {@code address} for port 22, else {@code [address]:port}: the form known_hosts and OpenSSH use. */
    default String hostPort() {
        return port() == 22 ? address() : "[" + address() + "]:" + port();
    }

    HostKind kind();

    /**
     * The host's own home directory as seen from the controller, when the host has one (real OpenSSH hosts run as
     * root in their own mount namespace: the remote {@code ~} and {@code /tmp} are {@code home()} and {@code tmp()}).
     */
    Optional<Path> home();

    /** The host's own {@code /tmp} as seen from the controller, when it has one (see {@link #home()}). */
    Optional<Path> tmp();

    /** The host key's public line ({@code ssh-ed25519 AAAA...}). */
    String hostKeyLine();

    /**
     * The host's log so far: sshd's output at {@code LogLevel VERBOSE}, or the embedded server's connections, logins,
     * commands and exit statuses.
     */
    String log();

    /** Whether the host accepts SSH connections right now: a TCP connection and an SSH banner within 3 s. */
    boolean answers();

    /** Stops the host gracefully; its sessions end. {@link #start()} brings it back with the same key and address. */
    void stop();

    /** Kills the host and every process on it at once (SIGKILL): connections drop as on a crash. */
    void kill();

    /**
     * Freezes the host (SIGSTOP to all its processes): new connections are accepted by the kernel but get no SSH
     * banner, open sessions hang, TCP connections stay open. See {@link HostKind#EMBEDDED} for how embedded hosts
     * come close to this.
     */
    void pause();

    /** Undoes {@link #pause()} (SIGCONT). */
    void resume();

    /** Starts a stopped or killed host again and waits until it answers. */
    void start();

    /** Whether the host's processes are running (paused counts as running). */
    boolean isRunning();
}
