package io.drover.cli.output;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.api.Stream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each host's output in its own files, {@code DIR/HOST.out} and {@code DIR/HOST.err} (both created, possibly
 * empty, for every host that ran), nothing on the screen but warnings, progress and the summary. A file is open
 * only while its host runs. Host names are used as file names with {@code /} replaced by {@code _}.
 */
public final class OutDirRenderer implements Renderer {
    private final Path dir;
    private final Screen screen;
    private final ConcurrentHashMap<String, HostFiles> open = new ConcurrentHashMap<>();
    private volatile IOException failure;

    /** The open files of one running host. */
    private final class HostFiles {
        final String host;
        Writer out;
        Writer err;
        boolean closed;

        HostFiles(String host) {
            this.host = host;
        }

        synchronized void write(Stream stream, String line) throws IOException {
            if (closed) {
                return;
            }
            Writer w;
            if (stream == Stream.STDOUT) {
                if (out == null) {
                    out = Files.newBufferedWriter(file(host, ".out"), UTF_8);
                }
                w = out;
            } else {
                if (err == null) {
                    err = Files.newBufferedWriter(file(host, ".err"), UTF_8);
                }
                w = err;
            }
            w.write(line);
            w.write('\n');
        }

        synchronized void close() throws IOException {
            closed = true;
            if (out != null) {
                out.close();
            } else {
                Files.write(file(host, ".out"), new byte[0]);
            }
            if (err != null) {
                err.close();
            } else {
                Files.write(file(host, ".err"), new byte[0]);
            }
        }
    }

    /**
     * @throws UncheckedIOException when {@code dir} cannot be created
     */
    public OutDirRenderer(Path dir, Screen screen) {
        this.dir = requireNonNull(dir, "dir is null");
        this.screen = requireNonNull(screen, "screen is null");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The file of {@code host} with {@code suffix} ({@code .out} or {@code .err}). */
    public Path file(String host, String suffix) {
        return dir.resolve(safeName(host) + suffix);
    }

    static String safeName(String host) {
        String s = host.replace('/', '_').replace('\0', '_');
        return s.equals(".") || s.equals("..") ? "_" + s : s;
    }

    @Override
    public void on(DroverEvent event) {
        try {
            switch (event) {
                case DroverEvent.OutputLine l -> open.computeIfAbsent(l.host(), HostFiles::new).write(l.stream(), l.line());
                case DroverEvent.TaskStarted s -> open.computeIfAbsent(s.host(), HostFiles::new);
                case DroverEvent.TaskEnded e -> close(e.host());
                case DroverEvent.DialStarted d -> {}
                case DroverEvent.DialEnded d -> {}
                case DroverEvent.BytesTransferred b -> {}
                case DroverEvent.Retry r -> {}
                case DroverEvent.Warning w -> {}
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    private void close(String host) throws IOException {
        HostFiles f = open.remove(host);
        if (f != null) {
            f.close();
        }
    }

    @Override
    public void finish(RunReport<?> report) {
        for (HostResult<?> r : report.results()) {
            try {
                close(r.host());
            } catch (IOException e) {
                failure = e;
            }
        }
        for (String host : java.util.List.copyOf(open.keySet())) {
            try {
                close(host);
            } catch (IOException e) {
                failure = e;
            }
        }
        IOException f = failure;
        if (f != null) {
            screen.err("drover: cannot write to " + dir + ": " + f + "\n");
        }
        screen.flush();
    }
}
