package io.drover.ssh.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Removes the one line {@code <marker><pid>} that drover's command wrapper writes before the user's command starts,
 * and exposes the pid. Lines before it (e.g. printed by the remote shell's rc files) pass through unchanged; after
 * it, reads go straight to the channel. Scanning gives up after {@value #SCAN_LIMIT} bytes without the marker.
 * One reader at a time, plus {@link #awaitPid} from any thread.
 */
final class MarkerFilterInputStream extends InputStream {
    static final int SCAN_LIMIT = 64 * 1024;

    private final InputStream in;
    private final byte[] marker;
    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<OptionalLong> pid = new CompletableFuture<>();
    private volatile boolean scanning = true;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private byte[] ready = new byte[0];
    private int readyPos;
    private int scanned;

    MarkerFilterInputStream(InputStream in, String marker) {
        this.in = in;
        this.marker = marker.getBytes(US_ASCII);
    }

    /**
     * The pid the wrapper reported, reading ahead (without losing data) when no reader has got that far; empty when
     * the marker never came or {@code timeout} passed.
     */
    OptionalLong awaitPid(Duration timeout) {
        if (!pid.isDone()) {
            Thread.ofVirtual().name("drover-pid-scan").start(() -> {
                lock.lock();
                try {
                    while (scanning && pump()) {
                        // pump until the marker, the scan limit or EOF
                    }
                } catch (IOException e) {
                    finishScan();
                } finally {
                    lock.unlock();
                }
            });
        }
        try {
            return pid.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        } catch (ExecutionException | TimeoutException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (true) {
                if (readyPos < ready.length) {
                    int n = Math.min(len, ready.length - readyPos);
                    System.arraycopy(ready, readyPos, b, off, n);
                    readyPos += n;
                    return n;
                }
                if (!scanning) {
                    break;
                }
                if (!pump() && readyPos >= ready.length) {
                    return -1;
                }
            }
        } finally {
            lock.unlock();
        }
        return in.read(b, off, len);
    }

    /** Reads one chunk while scanning; false at end of stream. Caller holds the lock. */
    private boolean pump() throws IOException {
        byte[] buf = new byte[8192];
        int n = in.read(buf);
        if (n < 0) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            line.writeTo(out);
            line.reset();
            append(out.toByteArray());
            finishScan();
            return false;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            if (!scanning) {
                out.write(buf, i, n - i);
                break;
            }
            byte c = buf[i];
            line.write(c);
            scanned++;
            if (c == '\n') {
                byte[] l = line.toByteArray();
                line.reset();
                if (!takeMarker(l)) {
                    out.write(l, 0, l.length);
                }
            } else if (scanned > SCAN_LIMIT) {
                line.writeTo(out);
                line.reset();
                finishScan();
            }
        }
        append(out.toByteArray());
        return true;
    }

    private boolean takeMarker(byte[] l) {
        int end = l.length - 1; // drop '\n'
        if (end > 0 && l[end - 1] == '\r') {
            end--;
        }
        if (end < marker.length) {
            return false;
        }
        for (int i = 0; i < marker.length; i++) {
            if (l[i] != marker[i]) {
                return false;
            }
        }
        String digits = new String(l, marker.length, end - marker.length, US_ASCII);
        if (!digits.matches("[0-9]{1,10}")) {
            return false;
        }
        scanning = false;
        pid.complete(OptionalLong.of(Long.parseLong(digits)));
        return true;
    }

    private void finishScan() {
        scanning = false;
        pid.complete(OptionalLong.empty());
    }

    private void append(byte[] more) {
        if (more.length == 0) {
            return;
        }
        int left = ready.length - readyPos;
        byte[] joined = new byte[left + more.length];
        System.arraycopy(ready, readyPos, joined, 0, left);
        System.arraycopy(more, 0, joined, left, more.length);
        ready = joined;
        readyPos = 0;
    }

    @Override
    public int available() throws IOException {
        if (!lock.tryLock()) {
            return 0; // another thread is reading ahead
        }
        try {
            int buffered = ready.length - readyPos;
            return buffered > 0 || scanning ? buffered : in.available();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
