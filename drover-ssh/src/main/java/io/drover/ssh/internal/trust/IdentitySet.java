package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * The identities loaded for one host, in IdentityFile order.
 *
 * @param identities the keys that loaded, each with its certificates
 * @param agentCertificates certificates from CertificateFile that certify no loaded identity; the connector offers them
 *     with the matching agent key
 * @param namedPublicKeys the public key of every IdentityFile that has one (from the private key or from
 *     {@code <file>.pub}, also when the private key is missing), for IdentitiesOnly: only agent keys among these
 *     may be offered
 * @param problems warnings to emit (missing files, undecryptable keys, bad certificates); never fatal on their own
 */
public record IdentitySet(
        List<Identity> identities,
        List<OpenSshCertificate> agentCertificates,
        List<PublicKey> namedPublicKeys,
        List<IdentityProblem> problems) {

    public IdentitySet {
        identities = List.copyOf(identities);
        agentCertificates = List.copyOf(agentCertificates);
        namedPublicKeys = List.copyOf(namedPublicKeys);
        problems = List.copyOf(problems);
    }

    /**
     * One identity file that loaded.
     *
     * @param file the private key file
     * @param keyPair the decrypted key pair (cached for the process lifetime)
     * @param certificates certificates for this key: {@code <file>-cert.pub} and matching CertificateFile entries
     */
    public record Identity(Path file, KeyPair keyPair, List<OpenSshCertificate> certificates) {
        public Identity {
            requireNonNull(file, "file is null");
            requireNonNull(keyPair, "keyPair is null");
            certificates = List.copyOf(certificates);
        }

        @Override
        public String toString() {
            return "Identity[" + file + " " + Fingerprints.keyType(keyPair.getPublic()) + " "
                    + Fingerprints.sha256(keyPair.getPublic()) + ", " + certificates.size() + " certificate(s)]";
        }
    }

    /**
     * Key pairs for MINA ({@code session.addPublicKeyIdentity}) in ssh's order: for each file its plain key, then
     * each certificate paired with the same private key (MINA offers a pair whose public key is an
     * {@link OpenSshCertificate} as certificate authentication).
     */
    public List<KeyPair> keyPairs() {
        List<KeyPair> pairs = new ArrayList<>();
        for (Identity id : identities) {
            pairs.add(id.keyPair());
            for (OpenSshCertificate cert : id.certificates()) {
                pairs.add(new KeyPair(cert, id.keyPair().getPrivate()));
            }
        }
        return List.copyOf(pairs);
    }
}
