package io.drover.cli.output;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place drover's output goes through: standard output, standard error and the live status line, behind a
 * single lock so that lines are written whole (never cut by another host's line) and the status line is erased
 * before and redrawn after other output.
 *
 * <p>Text is appended to a buffer under the lock and written out when the buffer is full, by a flusher thread at
 * most every {@code flushMillis} (so a burst of lines from thousands of hosts becomes a few large writes), and on
 * {@link #flush()} / {@link #close()}. Appending a line copies its characters into the buffer: nothing is allocated
 * per line. Thread-safe.
 */
public final class Screen implements AutoCloseable {
    private static final int OUT_BUFFER = 1 << 16;
    private static final int ERR_BUFFER = 1 << 13;
    private static final char[] NEWLINE = {'\n'};
    private static final String ERASE = "\r\033[2K";

    private final Object lock = new Object();
    private final Writer out;
    private final Writer err;
    private final boolean outIsTerminal;
    private final boolean statusAllowed;
    private final int width;
    private final char[] outBuf = new char[OUT_BUFFER];
    private final char[] errBuf = new char[ERR_BUFFER];
    private int outLen;
    private int errLen;
    private String status = "";
    private boolean statusShown;
    private volatile boolean dirty;
    private volatile boolean closed;
    private final Thread flusher;
    private IOException failure;

    /**
     * @param out standard output
     * @param err standard error
     * @param outIsTerminal whether standard output shows on the same terminal as the status line (then the status
     *     line is erased around it)
     * @param statusAllowed whether a status line may be drawn on {@code err} (a terminal, not piped)
     * @param width terminal width in columns, for cutting the status line (80 when unknown)
     * @param flushMillis how often the flusher writes buffered output; 0 for no flusher (flush explicitly)
     */
    public Screen(Writer out, Writer err, boolean outIsTerminal, boolean statusAllowed, int width, int flushMillis) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.outIsTerminal = outIsTerminal;
        this.statusAllowed = statusAllowed;
        this.width = width > 10 ? width : 80;
        if (flushMillis > 0) {
            long nanos = TimeUnit.MILLISECONDS.toNanos(flushMillis);
            flusher = Thread.ofPlatform().daemon().name("drover-output").unstarted(() -> {
                while (!closed) {
                    if (!dirty) {
                        // idle: sleep until a writer marks the screen dirty (see markDirty)
                        LockSupport.park(this);
                        continue;
                    }
                    LockSupport.parkNanos(nanos);
                    flush();
                }
            });
            flusher.start();
        } else {
            flusher = null;
        }
    }

    /** A screen over two writers with no terminal and no flusher: for tests and non-interactive use. */
    public static Screen plain(Writer out, Writer err) {
        return new Screen(out, err, false, false, 80, 0);
    }

    /** Wakes the flusher on the first write after a flush; later writes of the burst only set the flag. */
    private void markDirty() {
        if (!dirty) {
            dirty = true;
            if (flusher != null) {
                LockSupport.unpark(flusher);
            }
        }
    }

    /** Whether a status line can be shown (standard error is a terminal). */
    public boolean statusAllowed() {
        return statusAllowed;
    }

    /** Appends {@code prefix + line + '\n'} to standard output as one unit. */
    public void outLine(char[] prefix, String line) {
        synchronized (lock) {
            appendOut(prefix, 0, prefix.length);
            appendOut(line);
            appendOut(NEWLINE, 0, 1);
        }
        markDirty();
    }

    /** Appends {@code line + '\n'} to standard output. */
    public void outLine(String line) {
        synchronized (lock) {
            appendOut(line);
            appendOut(NEWLINE, 0, 1);
        }
        markDirty();
    }

    /** Appends {@code text} (whole lines, with their newlines) to standard output as one unit. */
    public void out(CharSequence text) {
        synchronized (lock) {
            appendOut(text);
        }
        markDirty();
    }

    /** Appends {@code prefix + line + '\n'} to standard error as one unit. */
    public void errLine(char[] prefix, String line) {
        synchronized (lock) {
            appendErr(prefix, 0, prefix.length);
            appendErr(line);
            appendErr(NEWLINE, 0, 1);
        }
        markDirty();
    }

    /** Appends {@code text} (whole lines, with their newlines) to standard error as one unit. */
    public void err(CharSequence text) {
        synchronized (lock) {
            appendErr(text);
        }
        markDirty();
    }

    /** Sets the status line (one line, no newline) and draws it now; ignored when no status line is allowed. */
    public void status(String text) {
        if (!statusAllowed || closed) {
            return;
        }
        synchronized (lock) {
            status = text.length() >= width ? text.substring(0, width - 1) : text;
            try {
                writeBuffers();
                drawStatus();
                err.flush();
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /** Removes the status line for good (before the summary). */
    public void clearStatus() {
        synchronized (lock) {
            status = "";
            try {
                writeBuffers();
                if (statusShown) {
                    err.write(ERASE);
                    statusShown = false;
                }
                err.flush();
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /** Writes out everything buffered. */
    public void flush() {
        synchronized (lock) {
            dirty = false;
            try {
                writeBuffers();
                out.flush();
                if (!statusShown) {
                    drawStatus();
                }
                err.flush();
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /**
     * Stops the flusher, erases the status line and writes out everything buffered.
     *
     * @throws UncheckedIOException when a write failed (output closed early, disk full)
     */
    @Override
    public void close() {
        closed = true;
        if (flusher != null) {
            LockSupport.unpark(flusher);
            try {
                flusher.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clearStatus();
        flush();
        synchronized (lock) {
            if (failure != null && !isBrokenPipe(failure)) {
                throw new UncheckedIOException("cannot write output", failure);
            }
        }
    }

    private static boolean isBrokenPipe(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Broken pipe") || m.contains("Stream closed");
    }

    // --- under lock ---

    private void appendOut(char[] chars, int from, int len) {
        if (outLen + len > outBuf.length) {
            spillOut();
            if (len > outBuf.length) {
                writeOutDirect(chars, from, len);
                return;
            }
        }
        System.arraycopy(chars, from, outBuf, outLen, len);
        outLen += len;
    }

    private void appendOut(CharSequence s) {
        int len = s.length();
        if (outLen + len > outBuf.length) {
            spillOut();
            if (len > outBuf.length) {
                writeOutDirect(s);
                return;
            }
        }
        copy(s, outBuf, outLen);
        outLen += len;
    }

    private void appendErr(char[] chars, int from, int len) {
        if (errLen + len > errBuf.length) {
            spillErr();
            if (len > errBuf.length) {
                writeErrDirect(new String(chars, from, len));
                return;
            }
        }
        System.arraycopy(chars, from, errBuf, errLen, len);
        errLen += len;
    }

    private void appendErr(CharSequence s) {
        int len = s.length();
        if (errLen + len > errBuf.length) {
            spillErr();
            if (len > errBuf.length) {
                writeErrDirect(s);
                return;
            }
        }
        copy(s, errBuf, errLen);
        errLen += len;
    }

    private static void copy(CharSequence s, char[] dst, int at) {
        if (s instanceof String str) {
            str.getChars(0, str.length(), dst, at);
        } else if (s instanceof StringBuilder sb) {
            sb.getChars(0, sb.length(), dst, at);
        } else {
            for (int i = 0; i < s.length(); i++) {
                dst[at + i] = s.charAt(i);
            }
        }
    }

    private void spillOut() {
        try {
            eraseStatusFor(true);
            out.write(outBuf, 0, outLen);
            outLen = 0;
        } catch (IOException e) {
            failure = e;
            outLen = 0;
        }
    }

    private void spillErr() {
        try {
            eraseStatusFor(false);
            err.write(errBuf, 0, errLen);
            errLen = 0;
        } catch (IOException e) {
            failure = e;
            errLen = 0;
        }
    }

    private void writeOutDirect(char[] chars, int from, int len) {
        try {
            eraseStatusFor(true);
            out.write(chars, from, len);
        } catch (IOException e) {
            failure = e;
        }
    }

    private void writeOutDirect(CharSequence s) {
        try {
            eraseStatusFor(true);
            out.append(s);
        } catch (IOException e) {
            failure = e;
        }
    }

    private void writeErrDirect(CharSequence s) {
        try {
            eraseStatusFor(false);
            err.append(s);
        } catch (IOException e) {
            failure = e;
        }
    }

    private void writeBuffers() throws IOException {
        if (outLen > 0) {
            eraseStatusFor(true);
            out.write(outBuf, 0, outLen);
            outLen = 0;
            if (outIsTerminal) {
                out.flush();
            }
        }
        if (errLen > 0) {
            eraseStatusFor(false);
            err.write(errBuf, 0, errLen);
            errLen = 0;
        }
    }

    private void eraseStatusFor(boolean stdout) throws IOException {
        if (statusShown && (!stdout || outIsTerminal)) {
            err.write(ERASE);
            err.flush();
            statusShown = false;
        }
    }

    private void drawStatus() throws IOException {
        if (status.isEmpty()) {
            return;
        }
        err.write(ERASE);
        err.write(status);
        statusShown = true;
    }
}
