package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Why an identity or certificate file could not be used. A value, not an exception: like ssh, drover warns and goes
 * on with the other identities (the agent may still hold the key). Messages name the file and never contain key
 * material or passphrases.
 */
public sealed interface IdentityProblem {

    Path file();

    /** A sentence for the user, naming the file. */
    String message();

    /** The file does not exist ({@code ssh}: "no such identity"). */
    record Missing(Path file) implements IdentityProblem {
        public Missing {
            requireNonNull(file, "file is null");
        }

        @Override
        public String message() {
            return "no such identity: " + file + ": No such file or directory";
        }
    }

    /** The file exists but could not be read or is not a key in a format drover reads. */
    record Unreadable(Path file, String reason) implements IdentityProblem {
        public Unreadable {
            requireNonNull(file, "file is null");
            requireNonNull(reason, "reason is null");
        }

        @Override
        public String message() {
            return "cannot load identity " + file + ": " + reason;
        }
    }

    /**
     * The key is encrypted and no passphrase was given: no terminal (batch mode) or the user gave an empty answer.
     *
     * @param batch whether there was no one to ask
     */
    record NoPassphrase(Path file, boolean batch) implements IdentityProblem {
        public NoPassphrase {
            requireNonNull(file, "file is null");
        }

        @Override
        public String message() {
            return batch
                    ? "identity " + file + " is encrypted and there is no terminal to ask for its passphrase (batch"
                            + " mode); add it to ssh-agent (ssh-add " + file + ") or run with a terminal"
                    : "identity " + file + " is encrypted and no passphrase was given; skipped";
        }
    }

    /** Every passphrase tried failed to decrypt the key. */
    record WrongPassphrase(Path file, int attempts) implements IdentityProblem {
        public WrongPassphrase {
            requireNonNull(file, "file is null");
        }

        @Override
        public String message() {
            return "could not decrypt identity " + file + ": wrong passphrase (" + attempts + " attempt"
                    + (attempts == 1 ? "" : "s") + ")";
        }
    }

    /** A certificate file that is unreadable, not a user certificate, or certifies a key that is not the identity's. */
    record BadCertificate(Path file, String reason) implements IdentityProblem {
        public BadCertificate {
            requireNonNull(file, "file is null");
            requireNonNull(reason, "reason is null");
        }

        @Override
        public String message() {
            return "cannot use certificate " + file + ": " + reason;
        }
    }
}
