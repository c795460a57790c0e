package io.drover.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/** Cuts what is written into chunks of a fixed size and publishes each to a {@link Broadcast}. */
final class ChunkStream extends OutputStream {
    /** No reader is left: the producer should stop. */
    static final class NoReadersLeft extends IOException {
        private static final long serialVersionUID = 1L;

        NoReadersLeft() {
            super("no host is receiving any more");
        }
    }

    private final Broadcast broadcast;
    private final int size;
    private byte[] buf;
    private int used;
    private long total;

    ChunkStream(Broadcast broadcast, int size) {
        this.broadcast = broadcast;
        this.size = size;
        this.buf = new byte[size];
    }

    @Override
    public void write(int b) throws IOException {
        buf[used++] = (byte) b;
        if (used == size) {
            publish();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, size - used);
            System.arraycopy(b, off, buf, used, n);
            used += n;
            off += n;
            len -= n;
            if (used == size) {
                publish();
            }
        }
    }

    /** Publishes what is buffered as a (short) chunk. */
    @Override
    public void flush() throws IOException {
        if (used > 0) {
            byte[] tail = new byte[used];
            System.arraycopy(buf, 0, tail, 0, used);
            send(tail);
            used = 0;
        }
    }

    private void publish() throws IOException {
        byte[] full = buf;
        buf = new byte[size];
        used = 0;
        send(full);
    }

    private void send(byte[] chunk) throws IOException {
        try {
            if (!broadcast.publish(chunk)) {
                throw new NoReadersLeft();
            }
            total += chunk.length;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        }
    }

    /** Bytes published so far. */
    long total() {
        return total;
    }
}
