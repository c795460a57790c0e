package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.Prompter;
import io.drover.ssh.config.HostConfig;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process-wide entry point for host keys: reads each set of known_hosts files once (1,000 hosts sharing
 * {@code ~/.ssh/known_hosts} parse it once), and builds the {@link HostKeyPolicy} and {@link HostKeyVerifierAdapter}
 * for a resolved {@link HostConfig}. Keys accepted during the run are visible to later connections at once.
 * Thread-safe; hold one per {@code Ssh}.
 */
public final class HostKeyTrust {
    private record PolicyKey(List<Path> files, Optional<Path> appendTo, String mode, boolean hash, boolean batch) {}

    private final Prompter prompter;
    private final InstantSource clock;
    private final Optional<KnownHostsCache> cache;
    private final ConcurrentHashMap<List<Path>, AtomicReference<KnownHosts>> snapshots = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PolicyKey, HostKeyPolicy> policies = new ConcurrentHashMap<>();

    /**
     * Remembers hashed known_hosts lookups between runs in the {@link KnownHostsCache#fromEnvironment cache the
     * environment names} ({@code $XDG_CACHE_HOME/drover}, by default {@code ~/.cache/drover}).
     */
    public HostKeyTrust(Prompter prompter, InstantSource clock) {
        this(prompter, clock, KnownHostsCache.fromEnvironment(System.getenv(), System.getProperty("user.home")));
    }

    /** With the given cache, or none. */
    HostKeyTrust(Prompter prompter, InstantSource clock, Optional<KnownHostsCache> cache) {
        this.prompter = requireNonNull(prompter, "prompter is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.cache = requireNonNull(cache, "cache is null");
    }

    /**
     * The policy for a host: its UserKnownHostsFile list then GlobalKnownHostsFile list, StrictHostKeyChecking,
     * HashKnownHosts, and BatchMode (which turns {@code ask} into a refusal, as in ssh).
     *
     * @throws io.drover.ssh.SshException of kind CONFIG naming the file when a known_hosts file cannot be read
     */
    public HostKeyPolicy policy(HostConfig config) {
        requireNonNull(config, "config is null");
        List<Path> files = new ArrayList<>(config.userKnownHostsFiles());
        files.addAll(config.globalKnownHostsFiles());
        Optional<Path> appendTo = config.userKnownHostsFiles().stream().findFirst();
        boolean hash = option(config, "hashknownhosts").map(v -> v.equalsIgnoreCase("yes")).orElse(false);
        PolicyKey key = new PolicyKey(
                List.copyOf(files), appendTo, config.strictHostKeyChecking().name(), hash, config.batchMode());
        return policies.computeIfAbsent(key, k -> {
            AtomicReference<KnownHosts> snapshot =
                    snapshots.computeIfAbsent(k.files(), f -> new AtomicReference<>(KnownHosts.load(f, cache)));
            HostKeyPolicy.Builder b = HostKeyPolicy.builder(snapshot)
                    .mode(config.strictHostKeyChecking())
                    .prompter(config.batchMode() ? Prompter.BATCH : prompter)
                    .hashNewEntries(hash)
                    .clock(clock);
            appendTo.ifPresent(b::appendTo);
            return b.build();
        });
    }

    /** The names a host's key is checked against: HostKeyAlias when set, else HostName and Port. */
    public static HostKeyTarget target(HostConfig config) {
        return HostKeyTarget.of(config.hostName(), config.port(), option(config, "hostkeyalias"));
    }

    /** A fresh verifier for one connection attempt to {@code config}'s host. */
    public HostKeyVerifierAdapter verifier(HostConfig config) {
        return new HostKeyVerifierAdapter(policy(config), target(config));
    }

    /**
     * The host-key algorithms to propose for {@code config}'s host, ordered as ssh orders them (see
     * {@link HostKeyAlgorithms#preferKnown}). Pass {@code reorder=false} when the user gave HostKeyAlgorithms as an
     * explicit list (no leading {@code +}/{@code -}), which ssh proposes verbatim.
     */
    public List<String> hostKeyAlgorithms(HostConfig config, boolean reorder) {
        if (!reorder) {
            return config.hostKeyAlgorithms();
        }
        return HostKeyAlgorithms.preferKnown(
                config.hostKeyAlgorithms(), policy(config).knownHosts(), target(config).hostKeyName());
    }

    private static Optional<String> option(HostConfig config, String keyword) {
        List<String> values = config.sshG().get(keyword.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
