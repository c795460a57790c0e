package io.drover.ssh.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * A MINA {@link IoSession} whose bytes travel over a pair of blocking streams instead of a TCP socket: the
 * {@code direct-tcpip} channel of a jump host's connection, or a ProxyCommand's stdin/stdout. One virtual thread
 * reads and hands data to the SSH session, one writes queued packets in order. No local port is opened.
 */
final class StreamIoSession extends AbstractCloseable implements IoSession {
    private static final AtomicLong IDS = new AtomicLong(1L << 40);

    /** What carries the bytes, and how to tear it down. */
    interface Pipe {
        InputStream in();

        OutputStream out();

        /** Releases the channel or process; called once, after both streams are closed. */
        void release();

        String describe();
    }

    private final long id = IDS.incrementAndGet();
    private final IoService service;
    private final IoHandler handler;
    private final Pipe pipe;
    private final SocketAddress local;
    private final SocketAddress remote;
    private final Map<Object, Object> attributes = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<PendingWrite> writes = new LinkedBlockingQueue<>();
    private final ReentrantLock readLock = new ReentrantLock();
    private final Condition readResumed = readLock.newCondition();
    private boolean readSuspended;
    private volatile Thread reader;
    private volatile Thread writer;

    /** A packet to write; {@code buffer == null} ends the writer after closing the output (EOF). */
    private record PendingWrite(Buffer buffer, WriteFuture future) {}

    private static final class WriteFuture extends AbstractIoWriteFuture {
        WriteFuture(Object id) {
            super(id, null);
        }
    }

    StreamIoSession(IoService service, IoHandler handler, Pipe pipe, SocketAddress local, SocketAddress remote) {
        super(pipe.describe());
        this.service = service;
        this.handler = handler;
        this.pipe = pipe;
        this.local = local;
        this.remote = remote;
    }

    /** Starts the reader and writer threads; call after {@code handler.sessionCreated(this)}. */
    void start() {
        writer = Thread.ofVirtual().name("drover-tunnel-write-" + id).start(this::writeLoop);
        reader = Thread.ofVirtual().name("drover-tunnel-read-" + id).start(this::readLoop);
    }

    private void readLoop() {
        byte[] buf = new byte[32 * 1024];
        try {
            InputStream in = pipe.in();
            while (!isClosing()) {
                awaitReadable();
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    handler.messageReceived(this, new ByteArrayBuffer(buf, 0, n));
                }
            }
        } catch (Throwable t) {
            if (!isClosing()) {
                try {
                    handler.exceptionCaught(this, t);
                } catch (Exception ignored) {
                    // the session closes below anyway
                }
            }
        }
        close(true);
    }

    private void awaitReadable() throws InterruptedException {
        readLock.lock();
        try {
            while (readSuspended && !isClosing()) {
                readResumed.await();
            }
        } finally {
            readLock.unlock();
        }
    }

    private void writeLoop() {
        OutputStream out = pipe.out();
        try {
            while (true) {
                PendingWrite w = writes.take();
                if (w.buffer() == null) {
                    closeQuietly(out);
                    return;
                }
                try {
                    Buffer b = w.buffer();
                    out.write(b.array(), b.rpos(), b.available());
                    if (writes.isEmpty()) {
                        out.flush();
                    }
                    w.future().setValue(Boolean.TRUE);
                } catch (IOException | RuntimeException e) {
                    w.future().setValue(e);
                    failPendingWrites(e);
                    close(true);
                    return;
                }
            }
        } catch (InterruptedException e) {
            failPendingWrites(new IOException("tunnel " + pipe.describe() + " closed"));
        }
    }

    private void failPendingWrites(Throwable cause) {
        PendingWrite w;
        while ((w = writes.poll()) != null) {
            if (w.future() != null) {
                w.future().setValue(cause);
            }
        }
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        if (isClosing()) {
            throw new IOException("tunnel " + pipe.describe() + " is closed");
        }
        WriteFuture future = new WriteFuture(id);
        writes.add(new PendingWrite(buffer, future));
        return future;
    }

    @Override
    protected void doCloseImmediately() {
        try {
            writes.add(new PendingWrite(null, null));
            Thread w = writer;
            if (w != null) {
                w.interrupt();
            }
            failPendingWrites(new IOException("tunnel " + pipe.describe() + " closed"));
            closeQuietly(pipe.out());
            closeQuietly(pipe.in());
            pipe.release();
            readLock.lock();
            try {
                readResumed.signalAll();
            } finally {
                readLock.unlock();
            }
        } finally {
            try {
                handler.sessionClosed(this);
            } catch (Exception ignored) {
                // the SSH session is closing itself
            }
            super.doCloseImmediately();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // best effort on teardown
        }
    }

    @Override
    public long getId() {
        return id;
    }

    @Override
    public SocketAddress getAcceptanceAddress() {
        return null;
    }

    @Override
    public Object getAttribute(Object key) {
        return attributes.get(key);
    }

    @Override
    public Object setAttribute(Object key, Object value) {
        return attributes.put(key, value);
    }

    @Override
    public Object setAttributeIfAbsent(Object key, Object value) {
        return attributes.putIfAbsent(key, value);
    }

    @Override
    public Object removeAttribute(Object key) {
        return attributes.remove(key);
    }

    @Override
    public IoService getService() {
        return service;
    }

    @Override
    public void shutdownOutputStream() {
        writes.add(new PendingWrite(null, null));
    }

    @Override
    public void suspendRead() {
        readLock.lock();
        try {
            readSuspended = true;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public void resumeRead() {
        readLock.lock();
        try {
            readSuspended = false;
            readResumed.signalAll();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public SocketAddress getRemoteAddress() {
        return remote;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return local;
    }

    @Override
    public String toString() {
        return "StreamIoSession[" + pipe.describe() + "]";
    }
}
