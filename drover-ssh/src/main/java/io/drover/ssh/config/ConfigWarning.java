package io.drover.ssh.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Something in an ssh_config file that drover accepted but that deserves the user's attention, such as an unknown
 * keyword (OpenSSH refuses those; drover warns and goes on).
 *
 * @param file the file the line is in; {@code command-line} for {@code -o} options
 * @param line 1-based line number; 0 for {@code -o} options
 * @param message what is wrong and what would be valid
 */
public record ConfigWarning(Path file, int line, String message) {
    public ConfigWarning {
        requireNonNull(file, "file is null");
        requireNonNull(message, "message is null");
        if (line < 0) {
            throw new IllegalArgumentException("line (" + line + ") must not be negative");
        }
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
