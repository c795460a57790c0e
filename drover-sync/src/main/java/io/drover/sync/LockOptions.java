package io.drover.sync;

import static java.util.Objects.requireNonNull;

import io.drover.api.EventListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;

/** Settings for a {@link ClusterLock}. Immutable; build with {@link #builder()}. */
public final class LockOptions {
    /**
     * The lock file used when none is given. In {@code /tmp} so that any user can take it and every host has its own
     * (a lock file on a file system shared by several hosts would lock them against each other).
     */
    public static final String DEFAULT_PATH = "/tmp/drover.lock";

    private final String path;
    private final Duration heartbeatInterval;
    private final Duration heartbeatTimeout;
    private final Duration acquireTimeout;
    private final String command;
    private final boolean sudo;
    private final EventListener listener;
    private final InstantSource clock;

    private LockOptions(Builder b) {
        this.path = b.path;
        this.heartbeatInterval = b.heartbeatInterval;
        this.heartbeatTimeout = b.heartbeatTimeout;
        this.acquireTimeout = b.acquireTimeout;
        this.command = b.command;
        this.sudo = b.sudo;
        this.listener = b.listener;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: {@value #DEFAULT_PATH}, a heartbeat every second, lost after 10 s without one. */
    public static LockOptions defaults() {
        return builder().build();
    }

    public String path() {
        return path;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    public String command() {
        return command;
    }

    public boolean sudo() {
        return sudo;
    }

    public EventListener listener() {
        return listener;
    }

    public InstantSource clock() {
        return clock;
    }

    /**
     * The line a holder writes into the lock file, so that a refused drover can say who holds the lock:
     * {@code user@controller pid N since 2025-01-31T12:00:00Z: command}. Control characters become {@code ?}.
     */
    String holderLine() {
        String user = System.getProperty("user.name", "unknown");
        Instant since = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String line = user + "@" + controllerName() + " pid " + ProcessHandle.current().pid() + " since " + since + ": "
                + command;
        return line.replaceAll("\\p{Cntrl}", "?");
    }

    /** This machine's name from the kernel (no DNS lookup). */
    static String controllerName() {
        for (String f : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
            try {
                String s = Files.readString(Path.of(f)).strip();
                if (!s.isEmpty()) {
                    return s;
                }
            } catch (IOException | RuntimeException ignored) {
                // try the next source
            }
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "localhost" : env;
    }

    /** Settings for a lock; see the accessors of {@link LockOptions} for what each means. */
    public static final class Builder {
        private String path = DEFAULT_PATH;
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration heartbeatTimeout = Duration.ofSeconds(10);
        private Duration acquireTimeout = Duration.ofSeconds(30);
        private String command = "drover";
        private boolean sudo;
        private EventListener listener = EventListener.NONE;
        private InstantSource clock = InstantSource.system();

        private Builder() {}

        /**
         * The lock file on every host: an absolute path; created when missing (its directory must exist). A
         * directory may be given too; then the holder line cannot be written into it and a refused drover names
         * no holder.
         */
        public Builder path(String path) {
            requireNonNull(path, "path is null");
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
                throw new SyncException("lock path '" + path.replaceAll("\\p{Cntrl}", "?")
                        + "' must be an absolute path without control characters");
            }
            this.path = path;
            return this;
        }

        /**
         * How often drover pings each holder, and how long without an answer before the lock counts as lost on
         * that host. The holder also gives the lock up by itself after {@code timeout + interval} without a ping
         * (when bash is on the host), so a controller cut off by the network does not keep hosts locked.
         */
        public Builder heartbeat(Duration interval, Duration timeout) {
            requireNonNull(interval, "interval is null");
            requireNonNull(timeout, "timeout is null");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("heartbeat interval (" + interval + ") must be positive");
            }
            if (timeout.compareTo(interval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("heartbeat timeout (" + timeout
                        + ") must be at least twice the interval (" + interval + ")");
            }
            this.heartbeatInterval = interval;
            this.heartbeatTimeout = timeout;
            return this;
        }

        /** How long to wait for every host to answer whether it grants the lock. Default 30 s. */
        public Builder acquireTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout is null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("acquireTimeout (" + timeout + ") must be positive");
            }
            this.acquireTimeout = timeout;
            return this;
        }

        /** What the holder is doing, written into the lock file for others to see (e.g. the command line). */
        public Builder command(String command) {
            this.command = requireNonNull(command, "command is null");
            return this;
        }

        /** Take the lock through {@code sudo -n} (for lock files only root may open). */
        public Builder sudo(boolean sudo) {
            this.sudo = sudo;
            return this;
        }

        /** Receives a {@code Warning} event when the lock is lost. */
        public Builder listener(EventListener listener) {
            this.listener = requireNonNull(listener, "listener is null");
            return this;
        }

        /** Measures heartbeat ages and stamps events (tests pass a fake one). */
        public Builder clock(InstantSource clock) {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        public LockOptions build() {
            return new LockOptions(this);
        }
    }
}
