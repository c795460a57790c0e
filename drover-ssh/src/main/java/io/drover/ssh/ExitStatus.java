package io.drover.ssh;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a remote command ended: an exit code, or the signal that killed it (name without {@code SIG}).
 * Exactly one of the two is present.
 */
public record ExitStatus(OptionalInt code, Optional<String> signal) {
    public ExitStatus {
        requireNonNull(code, "code is null");
        requireNonNull(signal, "signal is null");
        if (code.isPresent() == signal.isPresent()) {
            throw new IllegalArgumentException("exactly one of code (" + code + ") and signal (" + signal + ") must be set");
        }
    }

    public static ExitStatus code(int code) {
        return new ExitStatus(OptionalInt.of(code), Optional.empty());
    }

    public static ExitStatus signal(String name) {
        return new ExitStatus(OptionalInt.empty(), Optional.of(name));
    }

    public boolean success() {
        return code.isPresent() && code.getAsInt() == 0;
    }

    @Override
    public String toString() {
        return code.isPresent() ? "exit " + code.getAsInt() : "signal " + signal.orElseThrow();
    }
}
