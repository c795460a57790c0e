package io.drover.ssh;

import java.util.Optional;

/**
 * Asks the user for secrets (key passphrases, passwords, keyboard-interactive answers). The CLI supplies one that
 * reads from the terminal; without one drover is in batch mode and fails authentication steps that need input.
 * Implementations must be thread-safe and serialise their prompts; answers are never logged.
 */
public interface Prompter {
    /** No terminal: every prompt is declined. */
    Prompter BATCH = (prompt, echo) -> Optional.empty();

    /**
     * @param prompt the text to show, e.g. {@code "Enter passphrase for key '/root/.ssh/id_ed25519': "}
     * @param echo whether the answer may be echoed (false for secrets)
     * @return the answer, or empty when the user declined or no terminal is available
     */
    Optional<char[]> ask(String prompt, boolean echo);
}
