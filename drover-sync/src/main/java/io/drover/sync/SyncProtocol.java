package io.drover.sync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.drover.api.Stream;
import io.drover.ssh.ExitStatus;
import io.drover.ssh.SshConnection;
import io.drover.ssh.SshException;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Runs a sync tool on several hosts at once and speaks orgalorg's sync protocol with it over its stdin and stdout.
 *
 * <p>To every tool drover writes, each line starting with a per-run prefix ({@code DROVER:<hex>}):
 * <pre>
 * PREFIX HELLO
 * PREFIX NODE host1
 * PREFIX NODE host2 CURRENT      (the host receiving the list is marked CURRENT)
 * PREFIX START
 * </pre>
 * A tool reads the prefix from the first line. When a tool prints {@code PREFIX SYNC text} on stdout, drover sends
 * {@code PREFIX SYNC host text} to every tool, the sender included, in one order for all; this is how tools build
 * cluster-wide barriers (each prints {@code SYNC step-1}, then waits until it has read as many
 * {@code SYNC ... step-1} lines as there were {@code NODE} lines). Other stdout lines and all of stderr are the
 * tool's output. A tool is done when it exits; its stdin stays open until then.
 *
 * <p>When one tool fails (exits non-zero, or its host is lost) while others still run, the others would wait at
 * their next barrier forever, so they are killed and reported as aborted.
 */
final class SyncProtocol {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String POISON = new String("end of outbox");

    /** How a host's tool ended. */
    sealed interface Outcome {
        record Ok() implements Outcome {}

        record Exited(ExitStatus status, HostCommand command) implements Outcome {}

        record Broken(SshException error) implements Outcome {}

        record Aborted(String reason) implements Outcome {}
    }

    private final Events events;
    private final String command;
    private final String prefix;
    private final Map<String, SshConnection> nodes = new LinkedHashMap<>();
    private final Object sendLock = new Object();
    private final List<Peer> peers = new ArrayList<>();
    private volatile String abortReason;

    SyncProtocol(Events events, String command) {
        this.events = requireNonNull(events, "events is null");
        this.command = requireNonNull(command, "command is null");
        byte[] nonce = new byte[6];
        RANDOM.nextBytes(nonce);
        this.prefix = "DROVER:" + HexFormat.of().formatHex(nonce);
    }

    String prefix() {
        return prefix;
    }

    void add(String host, SshConnection connection) {
        nodes.put(requireNonNull(host, "host is null"), requireNonNull(connection, "connection is null"));
    }

    private final class Peer {
        final String host;
        final LinkedBlockingQueue<String> outbox = new LinkedBlockingQueue<>();
        volatile HostCommand command;
        volatile boolean done;
        volatile boolean killed;
        volatile Outcome outcome;

        Peer(String host) {
            this.host = host;
        }
    }

    /**
     * Starts the tool on every node, relays until all have ended, and returns each node's outcome in node order.
     *
     * @param track called with each started command (so that a cancel can kill it); returns it
     * @param untrack called when a command has ended
     */
    Map<String, Outcome> run(UnaryOperator<HostCommand> track, Consumer<HostCommand> untrack,
            BooleanSupplier cancelled) throws InterruptedException {
        for (String host : nodes.keySet()) {
            Peer p = new Peer(host);
            p.outbox.add(prefix + " HELLO");
            for (String n : nodes.keySet()) {
                p.outbox.add(prefix + " NODE " + n + (n.equals(host) ? " CURRENT" : ""));
            }
            p.outbox.add(prefix + " START");
            peers.add(p);
        }
        List<Thread> threads = new ArrayList<>();
        for (Peer p : peers) {
            threads.add(Thread.ofVirtual().name("drover-synctool-" + p.host).start(() -> runPeer(p, track, untrack)));
        }
        InterruptedException interrupted = null;
        long deadline = Long.MAX_VALUE;
        for (Thread t : threads) {
            while (t.isAlive()) {
                if ((cancelled.getAsBoolean() || interrupted != null) && deadline == Long.MAX_VALUE) {
                    deadline = System.nanoTime() + FileSync.CANCEL_GRACE.toNanos();
                }
                long wait = Math.min(TimeUnit.MILLISECONDS.toNanos(200), deadline - System.nanoTime());
                if (wait <= 0) {
                    break;
                }
                try {
                    t.join(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    interrupted = e;
                    abort("interrupted");
                }
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (Peer p : peers) {
            Outcome o = p.outcome;
            outcomes.put(p.host, o != null ? o : new Outcome.Aborted(abortReason != null ? abortReason : "cancelled"));
        }
        return outcomes;
    }

    private void runPeer(Peer p, UnaryOperator<HostCommand> track, Consumer<HostCommand> untrack) {
        HostCommand c;
        try {
            c = track.apply(HostCommand.start(nodes.get(p.host), p.host, command, line -> fromTool(p, line),
                    line -> events.line(p.host, Stream.STDERR, line)));
        } catch (SshException e) {
            p.outcome = new Outcome.Broken(e);
            p.done = true;
            abort("the sync tool could not start on " + p.host);
            return;
        }
        p.command = c;
        if (abortReason != null) {
            p.killed = true;
            c.killAsync();
        }
        Thread writer = Thread.ofVirtual().name("drover-synctool-in-" + p.host).start(() -> write(p, c));
        Outcome outcome;
        try {
            ExitStatus status = c.await();
            outcome = status.success() ? new Outcome.Ok() : new Outcome.Exited(status, c);
        } catch (SshException e) {
            outcome = new Outcome.Broken(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Outcome.Aborted("interrupted");
        } finally {
            untrack.accept(c);
        }
        p.done = true;
        p.outbox.add(POISON);
        if (p.killed && !(outcome instanceof Outcome.Ok)) {
            outcome = new Outcome.Aborted(abortReason);
        } else if (!(outcome instanceof Outcome.Ok)) {
            abort("the sync tool failed on " + p.host);
        }
        p.outcome = outcome;
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills every tool still running; the first reason is kept. */
    private void abort(String reason) {
        synchronized (sendLock) {
            if (abortReason != null) {
                return;
            }
            abortReason = reason;
        }
        for (Peer p : peers) {
            HostCommand c = p.command;
            if (!p.done && c != null) {
                p.killed = true;
                c.killAsync();
            }
        }
    }

    private void fromTool(Peer p, String line) {
        if (line.startsWith(prefix + " ")) {
            String rest = line.substring(prefix.length() + 1);
            if (rest.equals("SYNC") || rest.startsWith("SYNC ")) {
                String text = rest.substring(4).stripLeading();
                broadcast(prefix + " SYNC " + p.host + (text.isEmpty() ? "" : " " + text));
                return;
            }
            events.warning(p.host, "unknown sync protocol message from the sync tool: " + rest);
            return;
        }
        events.line(p.host, Stream.STDOUT, line);
    }

    private void broadcast(String message) {
        synchronized (sendLock) {
            for (Peer p : peers) {
                if (!p.done) {
                    p.outbox.add(message);
                }
            }
        }
    }

    private void write(Peer p, HostCommand c) {
        OutputStream stdin = c.process().stdin();
        try {
            while (true) {
                String line = p.outbox.take();
                if (line == POISON) {
                    break;
                }
                stdin.write((line + "\n").getBytes(UTF_8));
                stdin.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the tool ended or its host is gone: its outcome says which
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
