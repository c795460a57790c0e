package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/** What the known_hosts files say about a presented host key. A closed set; switch on it without default. */
public sealed interface HostKeyVerdict {

    /** The key is listed for the host. */
    record Known(KnownHostsEntry entry) implements HostKeyVerdict {
        public Known {
            requireNonNull(entry, "entry is null");
        }
    }

    /**
     * No key of the presented type is listed for the host.
     *
     * @param otherKeyTypes key types that are listed for the host (OpenSSH mentions them), possibly empty
     */
    record Unknown(List<String> otherKeyTypes) implements HostKeyVerdict {
        public Unknown {
            otherKeyTypes = List.copyOf(otherKeyTypes);
        }
    }

    /**
     * A different key of the presented type is listed for the host: possibly a man-in-the-middle.
     *
     * @param file where the listed key is
     * @param line its line
     * @param keyType the key type both keys have
     * @param expectedFingerprint the listed key's fingerprint
     * @param presentedFingerprint the presented key's fingerprint
     */
    record Changed(Path file, int line, String keyType, String expectedFingerprint, String presentedFingerprint)
            implements HostKeyVerdict {
        public Changed {
            requireNonNull(file, "file is null");
            requireNonNull(keyType, "keyType is null");
            requireNonNull(expectedFingerprint, "expectedFingerprint is null");
            requireNonNull(presentedFingerprint, "presentedFingerprint is null");
        }
    }

    /**
     * The presented key (or the CA that signed its certificate) is marked {@code @revoked}.
     *
     * @param fingerprint the fingerprint of the revoked key
     */
    record Revoked(Path file, int line, String fingerprint) implements HostKeyVerdict {
        public Revoked {
            requireNonNull(file, "file is null");
            requireNonNull(fingerprint, "fingerprint is null");
        }
    }

    /**
     * The presented key is a host certificate signed by a CA listed {@code @cert-authority} for the host, valid now,
     * and naming the host among its principals.
     *
     * @param authority the {@code @cert-authority} line
     * @param certificateId the certificate's key id
     */
    record CertAuthorityMatch(KnownHostsEntry authority, String certificateId) implements HostKeyVerdict {
        public CertAuthorityMatch {
            requireNonNull(authority, "authority is null");
            requireNonNull(certificateId, "certificateId is null");
        }
    }
}
