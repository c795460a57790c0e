package io.drover.ssh.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * A channel's stdin that builds its {@code SSH_MSG_CHANNEL_DATA} packets itself in a few reused buffers, instead of
 * MINA's {@code ChannelOutputStream}, which allocates a fresh packet-sized array for every packet and queues packets
 * for the socket without limit (up to the remote window: 2 MiB per channel with OpenSSH). For a bulk upload to many
 * hosts those arrays were the controller's main garbage (every byte sent allocated once more) and the queued ones
 * its main live memory. Here each stream owns at most {@link #IN_FLIGHT} packet buffers: a write copies the caller's
 * bytes once into a free buffer (MINA encrypts the packet in place), hands it to the session, and gets it back when
 * the socket has taken it. A writer with no free buffer sleeps until {@link #WAKE_AT} are free again, so it fills
 * packets in runs instead of waking once per packet, and the socket always has packets queued meanwhile.
 *
 * <p>Semantics are those of {@code ChannelOutputStream}: bytes are buffered up to one packet until {@link #flush()}
 * (or a full packet, or an exhausted remote window) sends them; a write blocks while the remote window is closed;
 * {@link #close()} sends what is buffered, then EOF. One writer at a time (methods are synchronized); a failed write
 * (the connection broke, the channel closed) makes this and every later call throw. {@link #abort} (the channel
 * closed) wakes a waiting writer.
 */
final class ChannelStdin extends OutputStream {
    /** Packet buffers per stream: one being filled, the others queued for the socket. */
    static final int IN_FLIGHT = 8;
    /** A writer waiting for a buffer is woken when this many are free. */
    static final int WAKE_AT = IN_FLIGHT / 2;
    /** Bytes before the data: 5 reserved for the packet header, command, recipient, data length. */
    private static final int DATA_OFFSET = SshConstants.SSH_PACKET_HEADER_LEN + 1 + 4 + 4;
    /** Room after the data for padding (at most 255) and a MAC or AEAD tag (at most 64), so encoding never grows. */
    private static final int TRAILER = 255 + 64;

    private final AbstractChannel channel;
    private final Closeable eofSender;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    /** Buffers the socket has written (or that were never sent): free to fill. Guarded by {@link #lock}. */
    private final ArrayDeque<ByteArrayBuffer> free = new ArrayDeque<>(IN_FLIGHT);
    private boolean waiting;
    private volatile IOException failure;
    // the writer's own state (guarded by this)
    private RemoteWindow window;
    private Duration windowWait;
    private int packetSize;
    private int allocated;
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
                    start(len);
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
            throw new InterruptedIOException("interrupted while writing to channel " + channel.getChannelId());
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        ensureOpen();
        if (current != null && dataLength > 0) {
            try {
                send();
            } catch (IOException e) {
                fail(e);
                throw e;
            }
        }
    }

    /** Sends what is buffered, then EOF. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        eofSender.close();
    }

    /** The channel closed: a writer waiting for a buffer gives up, later writes fail. Any thread. */
    void abort() {
        fail(new IOException("channel " + channel.getChannelId() + " is closed"));
        lock.lock();
        try {
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a packet: waits for remote window, then for a free buffer with room for what is left to write (up to a
     * packet).
     */
    private void start(int wanted) throws IOException, InterruptedException {
        if (window == null) {
            window = channel.getRemoteWindow();
            windowWait = CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.getRequired(channel);
            packetSize = (int) Math.min(window.getPacketSize(), 1 << 20);
        }
        long space = window.waitForSpace(windowWait);
        limit = (int) Math.min(packetSize, space);
        ByteArrayBuffer b = take();
        int needed = DATA_OFFSET + Math.min(wanted, limit) + TRAILER;
        if (b.array().length < needed) {
            // grown to a full packet once writes are large; small writes (a protocol's lines) keep small buffers
            b = new ByteArrayBuffer(Math.max(needed, DATA_OFFSET + packetSize + TRAILER), false);
        }
        channel.getSession().prepareBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, b);
        b.putUInt(channel.getRecipient());
        b.putUInt(0); // the data length, set by send()
        current = b;
        dataLength = 0;
    }

    private ByteArrayBuffer take() throws IOException, InterruptedException {
        lock.lock();
        try {
            ByteArrayBuffer b = free.pollFirst();
            if (b == null && allocated < IN_FLIGHT) {
                allocated++;
                return new ByteArrayBuffer(256, false);
            }
            while (b == null) {
                ensureOpen();
                waiting = true;
                try {
                    returned.await();
                } finally {
                    waiting = false;
                }
                b = free.pollFirst();
            }
            return b;
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
        IoWriteFuture f;
        try {
            f = channel.writePacket(b);
        } catch (IOException | RuntimeException e) {
            giveBack(b);
            throw e;
        }
        f.addListener(done -> {
            if (!done.isWritten()) {
                Throwable t = done.getException();
                fail(t instanceof IOException io ? io : new IOException("write to the channel failed: " + t, t));
            }
            giveBack(b);
        });
    }

    private void giveBack(ByteArrayBuffer b) {
        lock.lock();
        try {
            free.addLast(b);
            if (waiting && (free.size() >= WAKE_AT || failure != null)) {
                returned.signal();
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
}
