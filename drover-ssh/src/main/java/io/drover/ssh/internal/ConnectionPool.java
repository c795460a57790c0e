package io.drover.ssh.internal;

import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;
import io.drover.ssh.Prompter;
import io.drover.ssh.SshConnection;
import io.drover.ssh.SshException;
import io.drover.ssh.SshException.Kind;
import io.drover.ssh.config.HostConfig;
import io.drover.ssh.internal.trust.AgentSettings;
import io.drover.ssh.internal.trust.DroverAgentFactory;
import io.drover.ssh.internal.trust.HostKeyTrust;
import io.drover.ssh.internal.trust.HostKeyVerifierAdapter;
import io.drover.ssh.internal.trust.Identities;
import io.drover.ssh.internal.trust.IdentityProblem;
import io.drover.ssh.internal.trust.IdentitySet;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * The connections of one {@code Ssh}: one MINA client, a cache of authenticated connections (one per destination,
 * one per jump chain), dial concurrency bounded by a semaphore, retries with exponential backoff for transient
 * failures. Thread-safe; blocking methods are meant for virtual threads.
 */
public final class ConnectionPool implements AutoCloseable {
    private static final AttributeKey<SessionSetup> SETUP = new AttributeKey<>();
    private static final int MAX_JUMP_DEPTH = 16;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final ThreadLocal<Set<String>> DIALING = ThreadLocal.withInitial(HashSet::new);

    /** The builder's settings. */
    public record Settings(Prompter prompter, EventListener listener, int maxConcurrentDials, int connectRetries,
            Duration retryBackoff, InstantSource clock) {
        public Settings {
            requireNonNull(prompter, "prompter is null");
            requireNonNull(listener, "listener is null");
            requireNonNull(retryBackoff, "retryBackoff is null");
            requireNonNull(clock, "clock is null");
        }
    }

    private final Function<String, HostConfig> resolver;
    private final Settings settings;
    private final DroverSshClient client;
    private final Semaphore dialPermits;
    private final Map<String, CompletableFuture<MinaConnection>> cache = new ConcurrentHashMap<>();
    private final HostKeyTrust hostKeys;
    private final Identities identities;
    private final DroverAgentFactory agents = new DroverAgentFactory();
    private final Set<String> warnedOnce = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public ConnectionPool(Function<String, HostConfig> resolver, Settings settings) {
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.dialPermits = new Semaphore(settings.maxConcurrentDials(), true);
        this.hostKeys = new HostKeyTrust(settings.prompter(), settings.clock());
        this.identities = new Identities(settings.prompter());
        this.client = DroverSshClient.create();
        client.setServerKeyVerifier(HostKeyVerifierAdapter.FROM_SESSION);
        client.setAgentFactory(agents);
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                if (session instanceof ClientSession cs && cs.getConnectionContext() != null) {
                    SessionSetup setup = cs.getConnectionContext().getAttribute(SETUP);
                    if (setup != null) {
                        setup.apply(cs);
                    }
                }
            }
        });
        client.start();
    }

    /** The open connection to {@code destination}, dialed (once, whatever the number of callers) when needed. */
    public SshConnection connect(String destination) {
        requireNonNull(destination, "destination is null");
        return cached(destination, destination, () -> resolver.apply(destination));
    }

    private MinaConnection cached(String key, String name, Supplier<HostConfig> config) {
        while (true) {
            if (closed) {
                throw new SshException(Kind.CONNECT, "cannot connect to " + name + ": the Ssh client is closed");
            }
            CompletableFuture<MinaConnection> existing = cache.get(key);
            if (existing != null) {
                if (DIALING.get().contains(key) && !existing.isDone()) {
                    throw new SshException(Kind.CONFIG, "ProxyJump loop: " + name + " is reached through itself");
                }
                MinaConnection c = await(existing, name);
                if (c.isOpen()) {
                    return c;
                }
                cache.remove(key, existing);
                continue;
            }
            CompletableFuture<MinaConnection> mine = new CompletableFuture<>();
            if (cache.putIfAbsent(key, mine) != null) {
                continue;
            }
            Set<String> dialing = DIALING.get();
            dialing.add(key);
            try {
                MinaConnection c = dial(name, config.get(), () -> cache.remove(key, mine));
                mine.complete(c);
                if (closed) {
                    c.close();
                }
                return c;
            } catch (RuntimeException | Error e) {
                cache.remove(key, mine);
                mine.completeExceptionally(e);
                throw e;
            } finally {
                dialing.remove(key);
            }
        }
    }

    private static MinaConnection await(CompletableFuture<MinaConnection> future, String name) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(Kind.CONNECT, "interrupted while waiting for the connection to " + name, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SshException se) {
                throw new SshException(se.kind(), se.getMessage(), se);
            }
            throw new SshException(Kind.CONNECT, "cannot connect to " + name + ": " + e.getCause(), e.getCause());
        }
    }

    private MinaConnection dial(String name, HostConfig config, Runnable evict) {
        long start = System.nanoTime();
        emit(new DroverEvent.DialStarted(now(), name));
        try {
            MinaConnection c = dialWithRetries(name, config, evict);
            emit(new DroverEvent.DialEnded(now(), name, Duration.ofNanos(System.nanoTime() - start), Optional.empty()));
            return c;
        } catch (SshException e) {
            emit(new DroverEvent.DialEnded(now(), name, Duration.ofNanos(System.nanoTime() - start),
                    Optional.of(e.getMessage())));
            throw e;
        }
    }

    private MinaConnection dialWithRetries(String name, HostConfig config, Runnable evict) {
        int attempts = Math.max(Math.max(1, config.connectionAttempts()), 1 + settings.connectRetries());
        Duration backoff = settings.retryBackoff();
        for (int attempt = 1;; attempt++) {
            try {
                return dialOnce(name, config, evict);
            } catch (TransientFailure t) {
                if (attempt >= attempts) {
                    throw t.failure;
                }
                emit(new DroverEvent.Retry(now(), name, attempt, backoff, t.failure.getMessage()));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SshException(Kind.CONNECT, "interrupted while waiting to retry " + name, e);
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** A failure worth retrying (refused, reset, dropped before key exchange). */
    private static final class TransientFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient SshException failure;

        TransientFailure(SshException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    private MinaConnection dialOnce(String name, HostConfig config, Runnable evict) {
        String where = config.user() + "@" + HostKeyTrust.target(config).hostKeyName();
        TunnelConnector.Tunnel tunnel = route(name, config);
        IdentitySet identitySet = identities.load(config);
        List<String> notes = new ArrayList<>();
        for (IdentityProblem problem : identitySet.problems()) {
            notes.add(problem.message());
            if (warnedOnce.add(problem.message())) {
                emit(new DroverEvent.Warning(now(), name, problem.message()));
            }
        }
        List<KeyPair> keys = identitySet.keyPairs();
        HostKeyVerifierAdapter verifier = hostKeys.verifier(config);
        SessionSetup setup = new SessionSetup(config, verifier, Algorithms.kex(config), Algorithms.ciphers(config),
                Algorithms.macs(config), Algorithms.signatures(config, hostKeys), Algorithms.compression(config),
                new PrompterInteraction(settings.prompter(), config), notes);
        try {
            dialPermits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(Kind.CONNECT, "interrupted while waiting to dial " + name, e);
        }
        // from here, not from the queue for a dial permit: at a thousand hosts the last ones wait longer for their
        // turn than any ConnectTimeout
        Deadline deadline = new Deadline(config.connectTimeout());
        ClientSession session = null;
        try {
            SocketAddress target;
            Map<AttributeKey<?>, Object> context = new LinkedHashMap<>();
            context.put(SETUP, setup);
            context.put(HostKeyVerifierAdapter.SESSION_KEY, verifier);
            context.put(DroverAgentFactory.SETTINGS, AgentSettings.of(config, identitySet, System.getenv()));
            context.put(DroverSshClient.PROPERTIES, (java.util.function.Consumer<ClientSession>) setup::applyProperties);
            if (tunnel != null) {
                context.put(TunnelConnector.TUNNEL, tunnel);
                target = InetSocketAddress.createUnresolved(config.hostName(), config.port());
            } else {
                target = resolveAddress(name, config);
            }
            ConnectFuture connecting = client.dial(config.user(), target, AttributeRepository.ofAttributesMap(context),
                    KeyIdentityProvider.wrapKeyPairs(keys));
            if (!awaitFuture(connecting, deadline)) {
                connecting.cancel();
                throw new TransientFailure(new SshException(Kind.CONNECT, "connect to " + where + " (" + name
                        + ") timed out after " + deadline.limitText() + " (" + deadline.source() + ")"));
            }
            if (!connecting.isConnected()) {
                throw classify(name, where, connecting.getException(), setup);
            }
            session = connecting.getClientSession();
            AuthFuture auth = session.auth();
            if (!awaitFuture(auth, deadline)) {
                auth.cancel();
                throw new TransientFailure(new SshException(Kind.CONNECT, "key exchange and authentication with "
                        + where + " (" + name + ") did not finish within " + deadline.limitText() + " (" + deadline.source()
                        + ")"));
            }
            if (!auth.isSuccess()) {
                throw classify(name, where, auth.getException(), setup);
            }
            MinaConnection connection = new MinaConnection(name, config, session, evict,
                    message -> emit(new DroverEvent.Warning(now(), name, message)));
            session = null;
            for (String notice : verifier.notices()) {
                emit(new DroverEvent.Warning(now(), name, notice));
            }
            return connection;
        } catch (IOException e) {
            throw classify(name, where, e, setup);
        } finally {
            dialPermits.release();
            if (session != null) {
                session.close(true);
            }
        }
    }

    private TunnelConnector.Tunnel route(String name, HostConfig config) {
        if (!config.proxyJump().isEmpty()) {
            if (DIALING.get().size() > MAX_JUMP_DEPTH) {
                throw new SshException(Kind.CONFIG, "ProxyJump chain of " + name + " is deeper than " + MAX_JUMP_DEPTH
                        + " hops (a loop?): " + config.proxyJump());
            }
            MinaConnection jump = jumpConnection(config.proxyJump());
            return Tunnels.directTcpip(jump, config.hostName(), config.port());
        }
        if (config.proxyCommand().isPresent()) {
            return Tunnels.proxyCommand(config.proxyCommand().get(), config.hostName(), config.port());
        }
        return null;
    }

    /**
     * The shared connection to the last hop of {@code chain}, itself reached through the hops before it (the first
     * hop is dialed with its own config, including its own ProxyJump, as OpenSSH does).
     */
    private MinaConnection jumpConnection(List<String> chain) {
        String last = chain.getLast();
        String key = "\u0000jump " + String.join(",", chain);
        return cached(key, last, () -> {
            HostConfig c = resolver.apply(last);
            return chain.size() > 1 ? HostConfigs.withProxyJump(c, chain.subList(0, chain.size() - 1)) : c;
        });
    }

    private static SocketAddress resolveAddress(String name, HostConfig config) {
        try {
            return new InetSocketAddress(InetAddress.getByName(config.hostName()), config.port());
        } catch (UnknownHostException e) {
            throw new SshException(Kind.CONNECT, "could not resolve hostname " + config.hostName()
                    + (config.hostName().equals(name) ? "" : " (for " + name + ")")
                    + ": no such host, and no Host entry of the ssh config gives it a HostName", e);
        }
    }

    private static boolean awaitFuture(org.apache.sshd.common.future.WaitableFuture future, Deadline deadline)
            throws IOException {
        try {
            return future.await(deadline.remainingMillis());
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private static RuntimeException classify(String name, String where, Throwable error, SessionSetup setup) {
        String host = where + (where.contains(name) ? "" : " (" + name + ")");
        if (setup.refusal() != null) {
            return new SshException(Kind.HOST_KEY, setup.refusal());
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return new SshException(Kind.CONNECT, "could not resolve hostname of " + host, error);
            }
            if (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException)) {
                Thread.currentThread().interrupt();
                return new SshException(Kind.CONNECT, "interrupted while connecting to " + host, error);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException) {
                return new TransientFailure(new SshException(Kind.CONNECT,
                        "cannot connect to " + host + ": " + message(t), error));
            }
            if (t instanceof SshChannelOpenException open) {
                return new TransientFailure(new SshException(Kind.CONNECT,
                        "jump host cannot open a connection to " + host + ": " + open.getMessage()
                                + " (reason " + open.getReasonCode() + ")", error));
            }
        }
        if (!setup.keyChecked()) {
            String why = error == null ? "connection closed" : message(error);
            if (why.contains("Unable to negotiate")) {
                return new SshException(Kind.CONNECT, "no common algorithm with " + host + ": " + why, error);
            }
            // dropped before the host key was even seen: refused, reset, MaxStartups, a host still booting
            boolean transientDrop = error == null || error instanceof EOFException
                    || error instanceof ClosedChannelException || error instanceof SocketException
                    || error instanceof org.apache.sshd.common.SshException || error instanceof IOException;
            SshException e = new SshException(Kind.CONNECT,
                    "connection to " + host + " closed before key exchange: " + why, error);
            return transientDrop ? new TransientFailure(e) : e;
        }
        String why = error == null ? "no authentication method succeeded" : message(error);
        String notes = setup.notes();
        return new SshException(Kind.AUTH, "authentication failed for " + host + ": " + why
                + (notes.isEmpty() ? "" : " (" + notes + ")"), error);
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private void emit(DroverEvent event) {
        try {
            settings.listener().on(event);
        } catch (RuntimeException ignored) {
            // listeners must not throw; a thrown exception does not affect the connection
        }
    }

    private java.time.Instant now() {
        return settings.clock().instant();
    }

    /** Closes every cached connection (jump hosts last) and stops the client. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<MinaConnection> all = new ArrayList<>();
        List<MinaConnection> jumps = new ArrayList<>();
        cache.forEach((key, future) -> {
            MinaConnection c = future.getNow(null);
            if (c != null) {
                (key.startsWith("\u0000") ? jumps : all).add(c);
            }
        });
        SshConnection.closeAll(all);
        SshConnection.closeAll(jumps); // after the connections through them
        cache.clear();
        try {
            client.stop();
            agents.close();
        } catch (IOException | RuntimeException ignored) {
            // stopping is best effort
        }
    }

    /**
     * A dial's deadline: ConnectTimeout, else {@link #DEFAULT_LIMIT}. OpenSSH without ConnectTimeout waits for the
     * system's TCP timeout and then, for a host that accepts the connection but never answers (frozen, overloaded),
     * forever; a fleet run must not hang on one such host.
     */
    private static final class Deadline {
        static final Duration DEFAULT_LIMIT = Duration.ofSeconds(30);

        private final Optional<Duration> configured;
        private final Duration limit;
        private final long end;

        Deadline(Optional<Duration> configured) {
            this.configured = configured;
            this.limit = configured.orElse(DEFAULT_LIMIT);
            this.end = System.nanoTime() + limit.toNanos();
        }

        String source() {
            return configured.isPresent() ? "ConnectTimeout" : "drover's default without ConnectTimeout";
        }

        long remainingMillis() {
            return Math.max(1, (end - System.nanoTime()) / 1_000_000);
        }

        String limitText() {
            return limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
        }
    }
}
