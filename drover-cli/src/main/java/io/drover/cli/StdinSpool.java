package io.drover.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The data of {@code --stdin FILE|-}, read once into a private temporary file (mode 0600) that every host's
 * command then reads on its standard input: a pipe cannot be read twice, and a file that changes during the run
 * must not reach hosts in different versions. Deleted on close.
 */
final class StdinSpool implements AutoCloseable {
    private final Path file;

    private StdinSpool(Path file) {
        this.file = file;
    }

    /**
     * Copies {@code source} ({@code -} for {@code stdin}) into a new temporary file.
     *
     * @throws UsageException when the file cannot be read
     */
    static StdinSpool of(String source, InputStream stdin) {
        Path tmp;
        try {
            tmp = Files.createTempFile("drover-stdin-", ".spool",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for --stdin: " + e.getMessage(), e);
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
            if (source.equals("-")) {
                stdin.transferTo(out);
            } else {
                Path p = Path.of(source);
                if (Files.isDirectory(p)) {
                    throw new UsageException("cannot read --stdin " + source + ": it is a directory");
                }
                try (InputStream in = Files.newInputStream(p)) {
                    in.transferTo(out);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            delete(tmp);
            throw new UsageException("cannot read --stdin " + source + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            delete(tmp);
            throw new UsageException("cannot read --stdin " + source + ": permission denied");
        } catch (IOException e) {
            delete(tmp);
            throw new UsageException("cannot read --stdin " + source + ": " + e.getMessage());
        } catch (RuntimeException e) {
            delete(tmp);
            throw e;
        }
        return new StdinSpool(tmp);
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        delete(file);
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary file left behind is harmless
        }
    }
}
