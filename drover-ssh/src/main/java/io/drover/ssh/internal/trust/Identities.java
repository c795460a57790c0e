package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.Prompter;
import io.drover.ssh.config.HostConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Loads identity files and certificates the way ssh does, for the whole process: each key file is read and, when
 * encrypted, its passphrase asked once; the outcome is kept for the process lifetime, so 1,000 concurrent connections
 * using one encrypted key cause one prompt. Thread-safe; hold one per {@code Ssh}.
 *
 * <p>Formats: OpenSSH ({@code BEGIN OPENSSH PRIVATE KEY}), PEM ({@code BEGIN RSA/EC PRIVATE KEY}, also encrypted
 * legacy PEM) and PKCS#8 ({@code BEGIN PRIVATE KEY}, {@code BEGIN ENCRYPTED PRIVATE KEY}); ed25519, ecdsa
 * 256/384/521 and rsa keys. A wrong passphrase is asked again up to NumberOfPasswordPrompts times (3 by default), as
 * ssh does; an empty answer skips the key. Certificates come from {@code <key>-cert.pub} and from CertificateFile.
 *
 * <p>Secrets: the passphrase is read into a {@code char[]} that is zeroed after use. MINA's decoder takes the
 * passphrase as a {@link String}, which cannot be zeroed; it is dropped at once and left to the garbage collector.
 */
public final class Identities {

    /** The files ssh tries when the user names none; missing ones are not worth a warning (ssh only debug-logs). */
    private static final Set<String> DEFAULT_NAMES =
            Set.of("id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss", "id_dsa");

    private sealed interface Outcome {
        record Loaded(KeyPair keyPair) implements Outcome {}

        record Failed(IdentityProblem problem) implements Outcome {}
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile Outcome outcome;
    }

    /** Thrown inside MINA's password callback when no passphrase is available, to stop decoding. */
    private static final class NoPassphraseGiven extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean batch;

        NoPassphraseGiven(boolean batch) {
            super("no passphrase given");
            this.batch = batch;
        }
    }

    private final Prompter prompter;
    private final Path defaultKeyDirectory;
    private final ConcurrentHashMap<Path, Slot> keys = new ConcurrentHashMap<>();

    /** @param prompter asked for passphrases; {@link Prompter#BATCH} when there is no terminal */
    public Identities(Prompter prompter) {
        this(prompter, Path.of(System.getProperty("user.home"), ".ssh"));
    }

    Identities(Prompter prompter, Path defaultKeyDirectory) {
        this.prompter = requireNonNull(prompter, "prompter is null");
        this.defaultKeyDirectory = requireNonNull(defaultKeyDirectory, "defaultKeyDirectory is null");
    }

    /**
     * The identities for a host: its IdentityFile list, CertificateFile list and NumberOfPasswordPrompts; with
     * BatchMode no one is asked.
     */
    public IdentitySet load(HostConfig config) {
        requireNonNull(config, "config is null");
        return load(config.identityFiles(), config.certificateFiles(), config.numberOfPasswordPrompts(),
                config.batchMode() ? Prompter.BATCH : prompter);
    }

    /**
     * Loads identity files (in order) and certificate files.
     *
     * @param passphraseAttempts how many times to ask for a passphrase before giving up on a key (at least 1 is used)
     * @param asker who to ask; pass {@link Prompter#BATCH} for batch mode
     */
    public IdentitySet load(List<Path> identityFiles, List<Path> certificateFiles, int passphraseAttempts,
            Prompter asker) {
        requireNonNull(identityFiles, "identityFiles is null");
        requireNonNull(certificateFiles, "certificateFiles is null");
        requireNonNull(asker, "asker is null");
        List<IdentityProblem> problems = new ArrayList<>();
        List<PublicKey> named = new ArrayList<>();
        List<Path> loadedFiles = new ArrayList<>();
        List<KeyPair> loadedPairs = new ArrayList<>();
        List<List<OpenSshCertificate>> loadedCerts = new ArrayList<>();

        for (Path given : identityFiles) {
            Path file = AgentSocket.expandHome(given.toString());
            Outcome outcome = key(file, Math.max(1, passphraseAttempts), asker);
            switch (outcome) {
                case Outcome.Loaded l -> {
                    loadedFiles.add(file);
                    loadedPairs.add(l.keyPair());
                    named.add(l.keyPair().getPublic());
                    List<OpenSshCertificate> certs = new ArrayList<>();
                    Path certFile = Path.of(file + "-cert.pub");
                    if (Files.exists(certFile)) {
                        certificate(certFile, problems).ifPresent(cert -> {
                            if (sameKey(cert.getCertPubKey(), l.keyPair().getPublic())) {
                                certs.add(cert);
                            } else {
                                problems.add(new IdentityProblem.BadCertificate(
                                        certFile, "it certifies another key than " + file));
                            }
                        });
                    }
                    loadedCerts.add(certs);
                }
                case Outcome.Failed f -> {
                    publicKeyFile(file).ifPresent(named::add);
                    boolean silent = f.problem() instanceof IdentityProblem.Missing && isDefault(file);
                    if (!silent) {
                        problems.add(f.problem());
                    }
                }
            }
        }

        List<OpenSshCertificate> forAgent = new ArrayList<>();
        for (Path givenCert : certificateFiles) {
            Path certFile = AgentSocket.expandHome(givenCert.toString());
            if (!Files.exists(certFile)) {
                problems.add(new IdentityProblem.Missing(certFile));
                continue;
            }
            certificate(certFile, problems).ifPresent(cert -> {
                for (int i = 0; i < loadedPairs.size(); i++) {
                    if (sameKey(cert.getCertPubKey(), loadedPairs.get(i).getPublic())) {
                        if (loadedCerts.get(i).stream().noneMatch(c -> sameKey(c, cert))) {
                            loadedCerts.get(i).add(cert);
                        }
                        return;
                    }
                }
                forAgent.add(cert);
            });
        }

        List<IdentitySet.Identity> identities = new ArrayList<>();
        for (int i = 0; i < loadedFiles.size(); i++) {
            identities.add(new IdentitySet.Identity(loadedFiles.get(i), loadedPairs.get(i), loadedCerts.get(i)));
        }
        return new IdentitySet(identities, forAgent, named, problems);
    }

    private boolean isDefault(Path file) {
        return DEFAULT_NAMES.contains(String.valueOf(file.getFileName()))
                && defaultKeyDirectory.toAbsolutePath().normalize().equals(
                        file.toAbsolutePath().normalize().getParent());
    }

    private Outcome key(Path file, int attempts, Prompter asker) {
        Path id = file.toAbsolutePath().normalize();
        Slot slot = keys.computeIfAbsent(id, p -> new Slot());
        Outcome cached = slot.outcome;
        if (cached != null) {
            return cached;
        }
        slot.lock.lock();
        try {
            if (slot.outcome != null) {
                return slot.outcome;
            }
            Outcome outcome = read(file, attempts, asker);
            if (cacheable(outcome)) {
                slot.outcome = outcome;
            }
            return outcome;
        } finally {
            slot.lock.unlock();
        }
    }

    /** Keep what cannot change by asking again; a missing file may appear, batch mode may be over later. */
    private static boolean cacheable(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Loaded l -> true;
            case Outcome.Failed f -> switch (f.problem()) {
                case IdentityProblem.WrongPassphrase w -> true;
                case IdentityProblem.NoPassphrase n -> !n.batch();
                case IdentityProblem.Unreadable u -> true;
                case IdentityProblem.Missing m -> false;
                case IdentityProblem.BadCertificate b -> false;
            };
        };
    }

    private static Outcome read(Path file, int attempts, Prompter asker) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Outcome.Failed(new IdentityProblem.Missing(file));
        } catch (IOException | RuntimeException e) {
            return new Outcome.Failed(new IdentityProblem.Unreadable(file, describe(e)));
        }
        try {
            String prompt = "Enter passphrase for key '" + file + "': ";
            for (int attempt = 1; ; attempt++) {
                PassphraseCallback callback = new PassphraseCallback(asker, prompt);
                try {
                    KeyPair pair = decode(file, bytes, callback);
                    if (pair == null) {
                        return new Outcome.Failed(new IdentityProblem.Unreadable(
                                file, "no private key in it (expected OpenSSH, PEM or PKCS#8)"));
                    }
                    return new Outcome.Loaded(pair);
                } catch (NoPassphraseGiven e) {
                    return new Outcome.Failed(new IdentityProblem.NoPassphrase(file, e.batch));
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    if (!callback.asked) {
                        return new Outcome.Failed(new IdentityProblem.Unreadable(
                                file, "not a private key drover can read (OpenSSH, PEM or PKCS#8 ed25519, ecdsa or"
                                        + " rsa): " + describe(e)));
                    }
                    if (attempt >= attempts) {
                        return new Outcome.Failed(new IdentityProblem.WrongPassphrase(file, attempt));
                    }
                } finally {
                    callback.clear();
                }
            }
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static KeyPair decode(Path file, byte[] bytes, FilePasswordProvider passwords)
            throws IOException, GeneralSecurityException {
        Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(
                null, NamedResource.ofName(file.toString()), new ByteArrayInputStream(bytes), passwords);
        if (pairs == null) {
            return null;
        }
        Iterator<KeyPair> it = pairs.iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** MINA's password callback backed by one prompt; remembers whether it was asked. Not thread-safe (per attempt). */
    private static final class PassphraseCallback implements FilePasswordProvider {
        private final Prompter asker;
        private final String prompt;
        private char[] answer;
        boolean asked;

        PassphraseCallback(Prompter asker, String prompt) {
            this.asker = asker;
            this.prompt = prompt;
        }

        @Override
        public String getPassword(org.apache.sshd.common.session.SessionContext session, NamedResource resource,
                int retryIndex) throws IOException {
            if (answer == null) {
                asked = true;
                Optional<char[]> given = asker.ask(prompt, false);
                if (given.isEmpty()) {
                    throw new NoPassphraseGiven(true);
                }
                answer = given.get();
                if (answer.length == 0) {
                    throw new NoPassphraseGiven(false);
                }
            }
            return new String(answer);
        }

        void clear() {
            if (answer != null) {
                Arrays.fill(answer, '\0');
            }
        }
    }

    private static Optional<OpenSshCertificate> certificate(Path certFile, List<IdentityProblem> problems) {
        try {
            String line = firstKeyLine(Files.readString(certFile, StandardCharsets.UTF_8));
            PublicKey key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), null);
            if (!(key instanceof OpenSshCertificate cert)) {
                problems.add(new IdentityProblem.BadCertificate(certFile, "it is a plain public key, not a certificate"));
                return Optional.empty();
            }
            if (cert.getType() != OpenSshCertificate.Type.USER) {
                problems.add(new IdentityProblem.BadCertificate(certFile, "it is a host certificate"));
                return Optional.empty();
            }
            return Optional.of(cert);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            problems.add(new IdentityProblem.BadCertificate(certFile, describe(e)));
            return Optional.empty();
        }
    }

    private static Optional<PublicKey> publicKeyFile(Path keyFile) {
        Path pub = Path.of(keyFile + ".pub");
        try {
            String line = firstKeyLine(Files.readString(pub, StandardCharsets.UTF_8));
            return Optional.ofNullable(PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), null));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String firstKeyLine(String text) throws IOException {
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                return l;
            }
        }
        throw new IOException("it is empty");
    }

    private static boolean sameKey(PublicKey a, PublicKey b) {
        return MessageDigest.isEqual(Fingerprints.blob(a), Fingerprints.blob(b));
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
