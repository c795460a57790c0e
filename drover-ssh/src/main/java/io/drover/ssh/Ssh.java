package io.drover.ssh;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;
import io.drover.ssh.config.ConfigWarning;
import io.drover.ssh.config.HostConfig;
import io.drover.ssh.config.SshConfig;
import io.drover.ssh.internal.ConnectionPool;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * drover's SSH client: one per process. Resolves destinations through ssh_config exactly as OpenSSH does, verifies
 * host keys strictly unless told otherwise, authenticates with agent, keys, certificates or passwords, dials jump
 * hosts once and shares them, and caches one connection per destination. Thread-safe.
 *
 * <h2>Connections</h2>
 * One MINA client per {@code Ssh}, started on {@link Builder#build()}. {@link #connect} caches one authenticated
 * connection per destination string; concurrent callers share one dial; a closed or broken connection is dialed again
 * on the next {@code connect}. At most {@link Builder#maxConcurrentDials} TCP connects, key exchanges and
 * authentications run at once. Connect failures that may pass (refused, reset, no route, dropped before the key
 * exchange: a host booting, a bastion's {@code MaxStartups}) are retried {@code max(ConnectionAttempts - 1,
 * connectRetries)} times with the builder's backoff doubled each time (capped at 30 s). {@code ConnectTimeout} bounds
 * TCP connect, key exchange and authentication together. {@code ServerAliveInterval}/{@code ServerAliveCountMax}
 * send {@code keepalive@openssh.com} requests; after {@code CountMax} unanswered ones the connection is closed and
 * reported broken.
 *
 * <h2>Jump hosts</h2>
 * {@code ProxyJump a,b}: one authenticated connection per distinct jump chain, shared by every target behind it;
 * each target's SSH session runs inside a {@code direct-tcpip} channel of that connection (nothing listens on a local
 * port). The first hop is dialed with its own config (including its own ProxyJump), later hops through the earlier
 * ones, as {@code ssh -J} does. {@code ProxyCommand} runs {@code /bin/sh -c command} and speaks SSH over its
 * stdin/stdout.
 *
 * <h2>Key exchange: the cost of post-quantum</h2>
 * Unless the config sets {@code KexAlgorithms}, drover offers {@code mlkem768x25519-sha256}, then
 * {@code curve25519-sha256} (and its {@code @libssh.org} alias), and only then
 * {@code sntrup761x25519-sha512[@openssh.com]}, ECDH and DH. OpenSSH 9.x servers before 9.9 do not offer ML-KEM, so
 * against them this negotiates plain X25519. The trade-off: sntrup761 protects today's traffic against a future
 * quantum attacker ("harvest now, decrypt later"), but MINA's pure-Java Streamlined NTRU Prime costs several times
 * the client CPU of X25519. Measured by {@code KexCostTest} (client process CPU for a full connect: TCP, key exchange,
 * publickey authentication; 20 handshakes each, warm JIT, 2-core machine, local OpenSSH 9.2 sshd): curve25519-sha256
 * about 18 ms, ecdh-sha2-nistp256 about 20 ms, sntrup761x25519-sha512@openssh.com about 73 ms per handshake (cold JIT:
 * 42 ms vs 120-140 ms). At fleet scale that is minutes of CPU per 10,000 hosts. ML-KEM gives post-quantum protection
 * at X25519-like cost where the server supports it (OpenSSH 9.9+): {@code MlKemCostTest} (same measure, 30 handshakes
 * each, against an embedded MINA host in a JVM of its own) gave, warm, curve25519-sha256 9-10 ms and
 * mlkem768x25519-sha256 12 ms per handshake (sntrup761 about 96 ms). Users who need post-quantum protection against
 * older servers put {@code KexAlgorithms sntrup761x25519-sha512@openssh.com} first and pay the CPU.
 *
 * <h2>Ciphers: AES-GCM where the JVM makes it fast</h2>
 * Unless the config sets {@code Ciphers}, drover offers OpenSSH's set, but orders it by what costs least in this JVM:
 * {@code aes128-gcm@openssh.com} and {@code aes256-gcm@openssh.com} first when the C2 compiler runs the JDK's AES-GCM on
 * the CPU's AES and carry-less multiply instructions, {@code chacha20-poly1305@openssh.com} first (OpenSSH's order)
 * otherwise, e.g. in a C1-only JVM ({@code -XX:TieredStopAtLevel=1}), where AES-GCM runs in plain Java. Measured on
 * 100 MB streams (JDK 25, Xeon with AES-NI): AES-GCM with C2 7.1 s of client CPU per GB, MINA's pure-Java ChaCha20
 * 11.4 s (C1 or C2), AES-GCM under C1 33 s. Servers decrypt AES-GCM faster too. A {@code Ciphers} list the user wrote
 * (ssh_config or {@code -o}) is used as written.
 *
 * <h2>Host keys</h2>
 * Verified strictly by default; a refused key fails with {@link SshException.Kind#HOST_KEY} and a message naming the
 * known_hosts file and line and both fingerprints. {@code StrictHostKeyChecking no} must be asked for and is reported
 * per host as a {@code DroverEvent.Warning}.
 */
public final class Ssh implements Closeable {
    private final SshConfig config;
    private final ConnectionPool pool;

    private Ssh(Builder builder) {
        Map<String, String> options = new LinkedHashMap<>(builder.options);
        this.config = builder.noConfigFile
                ? SshConfig.load(Optional.empty(), options)
                : builder.configFile.isPresent()
                        ? SshConfig.load(builder.configFile, options)
                        : SshConfig.loadDefaults(options);
        for (ConfigWarning w : config.warnings()) {
            try {
                builder.listener.on(new DroverEvent.Warning(builder.clock.instant(), "*", w.toString()));
            } catch (RuntimeException ignored) {
                // listeners must not throw
            }
        }
        this.pool = new ConnectionPool(this::resolve, new ConnectionPool.Settings(builder.prompter, builder.listener,
                builder.maxConcurrentDials, builder.connectRetries, builder.retryBackoff, builder.clock));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Resolves a destination ({@code [user@]alias[:port]}) to the options {@code ssh -G} would print for it.
     *
     * @throws SshException of kind {@link SshException.Kind#CONFIG} when the config cannot be read or the destination
     *     is malformed (an {@link io.drover.ssh.config.SshConfigException} naming file:line where there is one)
     */
    public HostConfig resolve(String destination) {
        requireNonNull(destination, "destination is null");
        return config.resolve(destination);
    }

    /**
     * The literal names of the config's {@code Host} patterns (no wildcards, no negations), in file order; host
     * specs match globs against these.
     */
    public List<String> configHostNames() {
        return config.configHostNames();
    }

    /**
     * Returns the open connection to {@code destination}, dialing it (and its jump hosts, once each) when there is
     * none. Blocks until connected and authenticated; concurrent callers for one destination share one dial.
     * Transient connect failures are retried with backoff per the builder's settings.
     *
     * @throws SshException when the host cannot be reached, its key is not trusted, or authentication fails
     */
    public SshConnection connect(String destination) {
        requireNonNull(destination, "destination is null");
        return pool.connect(destination);
    }

    /** Closes every cached connection and the client. Idempotent. */
    @Override
    public void close() {
        pool.close();
    }

    /** Settings for an {@link Ssh}. Defaults behave like the {@code ssh} command. */
    public static final class Builder {
        Optional<Path> configFile = Optional.empty();
        boolean noConfigFile;
        final Map<String, String> options = new LinkedHashMap<>();
        Prompter prompter = Prompter.BATCH;
        EventListener listener = EventListener.NONE;
        int maxConcurrentDials = 64;
        int connectRetries = 0;
        Duration retryBackoff = Duration.ofMillis(500);
        InstantSource clock = InstantSource.system();

        private Builder() {}

        /** Reads this file instead of {@code ~/.ssh/config} (like {@code ssh -F}). */
        public Builder configFile(Path file) {
            this.configFile = Optional.of(requireNonNull(file, "file is null"));
            return this;
        }

        /** Reads no user config file at all (like {@code ssh -F none}). */
        public Builder noConfigFile() {
            this.noConfigFile = true;
            return this;
        }

        /**
         * An option as {@code ssh -o Keyword=value} gives it: applied before every config file, so it wins.
         */
        public Builder option(String keyword, String value) {
            options.put(requireNonNull(keyword, "keyword is null"), requireNonNull(value, "value is null"));
            return this;
        }

        /** Who to ask for passphrases and passwords; {@link Prompter#BATCH} (the default) asks no one. */
        public Builder prompter(Prompter prompter) {
            this.prompter = requireNonNull(prompter, "prompter is null");
            return this;
        }

        /**
     * Receives dial, retry and warning events. Config warnings (unknown keywords, naming file:line) are emitted once
     * on {@link #build()} with host {@code "*"}; host key notices and identity problems per host.
     */
        public Builder listener(EventListener listener) {
            this.listener = requireNonNull(listener, "listener is null");
            return this;
        }

        /**
         * How many TCP connects and handshakes may be in progress at once (so a bastion's MaxStartups holds). Jump
         * targets do not count against their bastion: they share its one connection. sshd still counts a
         * connection as unauthenticated for a moment after the client saw authentication succeed, so to never trip
         * {@code MaxStartups start:rate:full} on one host keep this at most {@code start - 2}, or allow retries.
         */
        public Builder maxConcurrentDials(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrentDials (" + n + ") must be at least 1");
            }
            this.maxConcurrentDials = n;
            return this;
        }

        /** How many times a refused or reset connect is retried (0 = no retry), waiting {@code backoff} doubled each time. */
        public Builder connectRetries(int retries, Duration backoff) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries (" + retries + ") must be 0 or more");
            }
            this.connectRetries = retries;
            this.retryBackoff = requireNonNull(backoff, "backoff is null");
            return this;
        }

        /** The clock stamped on events (default: the system clock). */
        public Builder clock(InstantSource clock) {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        public Ssh build() {
            return new Ssh(this);
        }
    }
}
