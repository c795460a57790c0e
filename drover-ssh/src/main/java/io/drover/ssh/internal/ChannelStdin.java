package io.drover.ssh.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.ref.SoftReference;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * A channel's stdin that builds its {@code SSH_MSG_CHANNEL_DATA} packets itself in reused buffers, instead of MINA's
 * {@code ChannelOutputStream}, which allocates a fresh packet-sized array for every packet and queues packets for the
 * socket without limit (up to the remote window: 2 MiB per channel with OpenSSH, so 2 GiB for 1,000 hosts fed at
 * once). For a bulk upload to many hosts those arrays were the controller's main garbage (every byte sent was
 * allocated once more) and the queued ones its main live memory.
 *
 * <p>Here a write copies the caller's bytes once into a packet buffer (MINA encrypts the packet in place), hands it to
 * the session, and the buffer goes back to a process-wide {@link Pool} when the socket has taken it. Memory is
 * bounded twice: a stream has at most {@link #IN_FLIGHT} packets handed to the session and not yet written (a writer
 * at that limit sleeps until {@link #WAKE_AT} more are written, so it fills packets in runs rather than waking per
 * packet, and the socket always has packets queued meanwhile), and all streams together hold at most
 * {@link Pool#MAX_BUFFERS} buffers (about 64 MiB), however many channels write at once.
 *
 * <p>Packets carry at most {@link #MAX_DATA} bytes (OpenSSH's channel packet size; a server that allows larger
 * packets gets more of them). Semantics are those of {@code ChannelOutputStream}: bytes are buffered up to one packet
 * until {@link #flush()} (or a full packet, or an exhausted remote window) sends them; a write blocks while the remote
 * window is closed; {@link #close()} sends what is buffered, then EOF. One writer at a time (methods are
 * synchronized); a failed write (the connection broke, the channel closed) makes this and every later write and
 * flush throw, and {@link #close()} throw only if bytes it could not send were still buffered.
 * {@link #abort} (the channel closed) wakes a waiting writer.
 */
final class ChannelStdin extends OutputStream {
    /** Packets a stream may have handed to the session and not yet seen written. */
    static final int IN_FLIGHT = 16;
    /** A writer at {@link #IN_FLIGHT} is woken when this many of its packets have been written. */
    static final int WAKE_AT = IN_FLIGHT / 2;
    /** Data bytes per packet at most: OpenSSH's channel packet size. */
    static final int MAX_DATA = 32 * 1024;
    /** Bytes before the data: 5 reserved for the packet header, command, recipient, data length. */
    private static final int DATA_OFFSET = SshConstants.SSH_PACKET_HEADER_LEN + 1 + 4 + 4;
    /** Room after the data for padding (at most 255) and a MAC or AEAD tag (at most 64), so encoding never grows. */
    private static final int TRAILER = 255 + 64;
    private static final int BUFFER_SIZE = DATA_OFFSET + MAX_DATA + TRAILER;

    private final AbstractChannel channel;
    private final Closeable eofSender;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    /** Packets handed to the session and not yet written. Guarded by {@link #lock}. */
    private int inFlight;
    private boolean waiting;
    private volatile IOException failure;
    // the writer's own state (guarded by this)
    private RemoteWindow window;
    private Duration windowWait;
    private int packetSize;
    private ByteArrayBuffer current;
    private int dataLength;
    /** How many bytes the current packet may carry: the packet size, or less when the remote window is smaller. */
    private int limit;
    private boolean closed;

    /**
     * @param eofSender sends the channel's EOF when closed (MINA's own stdin stream of the channel, never written to)
     */
    ChannelStdin(AbstractChannel channel, Closeable eofSender) {
        this.channel = channel;
        this.eofSender = eofSender;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        try {
            while (len > 0) {
                if (current == null) {
                    start();
                }
                int n = Math.min(len, limit - dataLength);
                current.putRawBytes(b, off, n);
                dataLength += n;
                off += n;
                len -= n;
                if (dataLength == limit) {
                    send();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dropCurrent();
            throw new InterruptedIOException("interrupted while writing to channel " + channel.getChannelId());
        } catch (IOException e) {
            fail(e);
            dropCurrent();
            throw e;
        }
    }

    /** After a failure: the packet being filled is not sent, its buffer goes back to the pool. */
    private void dropCurrent() {
        if (current != null) {
            Pool.INSTANCE.give(current);
            current = null;
            dataLength = 0;
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        try {
            ensureOpen();
            if (current != null && dataLength > 0) {
                send();
            }
        } catch (IOException e) {
            // the caller learns here that the buffered bytes are lost; they are not reported again by close()
            fail(e);
            dropCurrent();
            throw e;
        }
    }

    /**
     * Sends what is buffered, then EOF. Idempotent. Closing after the channel closed (the command already exited) with
     * nothing buffered is not an error: there is nothing left to deliver. Buffered bytes that can no longer be sent
     * are.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        if (failure != null && (current == null || dataLength == 0)) {
            closed = true;
            dropCurrent();
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            dropCurrent();
        }
        eofSender.close();
    }

    /** The channel closed: a writer waiting for its packets to be written gives up, later writes fail. Any thread. */
    void abort() {
        fail(new IOException("channel " + channel.getChannelId() + " is closed"));
        lock.lock();
        try {
            written.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Starts a packet: waits for remote window, for this stream's packets in flight, then for a pooled buffer. */
    private void start() throws IOException, InterruptedException {
        if (window == null) {
            window = channel.getRemoteWindow();
            windowWait = CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.getRequired(channel);
            packetSize = (int) Math.min(window.getPacketSize(), MAX_DATA);
        }
        long space = window.waitForSpace(windowWait);
        limit = (int) Math.min(packetSize, space);
        awaitInFlightRoom();
        ByteArrayBuffer b = Pool.INSTANCE.take(this::ensureOpen);
        channel.getSession().prepareBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, b);
        b.putUInt(channel.getRecipient());
        b.putUInt(0); // the data length, set by send()
        current = b;
        dataLength = 0;
    }

    private void awaitInFlightRoom() throws IOException, InterruptedException {
        lock.lock();
        try {
            if (inFlight < IN_FLIGHT) {
                return;
            }
            waiting = true;
            try {
                while (inFlight > IN_FLIGHT - WAKE_AT) {
                    ensureOpen();
                    written.await();
                }
            } finally {
                waiting = false;
            }
        } finally {
            lock.unlock();
        }
    }

    private void send() throws IOException {
        ByteArrayBuffer b = current;
        current = null;
        int end = b.wpos();
        b.wpos(DATA_OFFSET - 4);
        b.putUInt(dataLength);
        b.wpos(end);
        window.consume(dataLength);
        dataLength = 0;
        lock.lock();
        try {
            inFlight++;
        } finally {
            lock.unlock();
        }
        IoWriteFuture f;
        try {
            f = channel.writePacket(b);
        } catch (IOException | RuntimeException e) {
            written(b);
            throw e;
        }
        f.addListener(done -> {
            if (!done.isWritten()) {
                Throwable t = done.getException();
                fail(t instanceof IOException io ? io : new IOException("write to the channel failed: " + t, t));
            }
            written(b);
        });
    }

    /** A packet left (or never reached) the socket: its buffer goes back to the pool, a waiting writer may go on. */
    private void written(ByteArrayBuffer b) {
        Pool.INSTANCE.give(b);
        lock.lock();
        try {
            inFlight--;
            if (waiting && (inFlight <= IN_FLIGHT - WAKE_AT || failure != null)) {
                written.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stdin of channel " + channel.getChannelId() + " is closed");
        }
        IOException f = failure;
        if (f != null) {
            throw new IOException(f.getMessage(), f);
        }
    }

    private void fail(IOException e) {
        if (failure == null) {
            failure = e;
        }
    }

    /**
     * Packet buffers shared by every stream in the process: at most {@link #MAX_BUFFERS} are taken at once (about
     * 64 MiB). Buffers given back are kept for reuse through soft references, so a finished transfer's buffers stay
     * until the heap needs the room (reusing them matters: allocating a packet buffer per packet was the churn this
     * class removes).
     */
    static final class Pool {
        static final int MAX_BUFFERS = 2048;
        static final Pool INSTANCE = new Pool();

        private final Semaphore permits = new Semaphore(MAX_BUFFERS, true);
        private final ConcurrentLinkedQueue<SoftReference<ByteArrayBuffer>> idle = new ConcurrentLinkedQueue<>();

        Pool() {}

        interface Check {
            void check() throws IOException;
        }

        /** A buffer, waiting while all {@link #MAX_BUFFERS} are taken; {@code open} is checked while waiting. */
        ByteArrayBuffer take(Check open) throws IOException, InterruptedException {
            while (!permits.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                open.check();
            }
            SoftReference<ByteArrayBuffer> ref;
            while ((ref = idle.poll()) != null) {
                ByteArrayBuffer b = ref.get();
                if (b != null) {
                    return b;
                }
            }
            return new ByteArrayBuffer(BUFFER_SIZE, false);
        }

        void give(ByteArrayBuffer b) {
            idle.offer(new SoftReference<>(b));
            permits.release();
        }

        /** Buffers taken and not given back (for tests). */
        int taken() {
            return MAX_BUFFERS - permits.availablePermits();
        }
    }
}
