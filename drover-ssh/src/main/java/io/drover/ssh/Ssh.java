package io.drover.ssh;

import static java.util.Objects.requireNonNull;

import io.drover.api.EventListener;
import io.drover.ssh.config.HostConfig;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * drover's SSH client: one per process. Resolves destinations through ssh_config exactly as OpenSSH does, verifies
 * host keys strictly unless told otherwise, authenticates with agent, keys, certificates or passwords, dials jump
 * hosts once and shares them, and caches one connection per destination. Thread-safe.
 *
 * <p>SKELETON: the implementation is being written (issue 3); signatures are the contract.
 */
public final class Ssh implements Closeable {
    private final Builder builder;

    private Ssh(Builder builder) {
        this.builder = builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Resolves a destination ({@code [user@]alias[:port]}) to the options {@code ssh -G} would print for it.
     *
     * @throws SshException of kind {@link SshException.Kind#CONFIG} when the config cannot be read
     */
    public HostConfig resolve(String destination) {
        requireNonNull(destination, "destination is null");
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * The literal names of the config's {@code Host} patterns (no wildcards, no negations), in file order; host
     * specs match globs against these.
     */
    public List<String> configHostNames() {
        throw new UnsupportedOperationException("not implemented yet");
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
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Closes every cached connection and the client. Idempotent. */
    @Override
    public void close() {}

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

        /** Receives dial, retry and warning events. */
        public Builder listener(EventListener listener) {
            this.listener = requireNonNull(listener, "listener is null");
            return this;
        }

        /** How many TCP connects and handshakes may be in progress at once (so a bastion's MaxStartups holds). */
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

        public Ssh build() {
            return new Ssh(this);
        }
    }
}
