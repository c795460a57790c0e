package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.SshException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

/**
 * An immutable snapshot of one or more known_hosts files (user files first, then global ones, as OpenSSH loads them),
 * with OpenSSH's lookup rules. Thread-safe.
 *
 * <p>Lines OpenSSH would skip (unknown marker, missing fields, bad base64, malformed hash) are skipped here too and
 * reported by {@link #problems()} with file:line; they never make loading fail. A missing file is an empty file. A file
 * that exists but cannot be read is an error naming it.
 */
public final class KnownHosts {

    /** A line that was skipped, with why. */
    public record Problem(Path file, int line, String message) {
        public Problem {
            requireNonNull(file, "file is null");
            requireNonNull(message, "message is null");
        }

        @Override
        public String toString() {
            return file + ":" + line + ": " + message;
        }
    }

    private final List<Path> files;
    private final List<KnownHostsEntry> entries;
    private final List<Problem> problems;
    /** Lines whose host field is a plain name list, by lower-case name: looked up, not scanned. */
    private final Map<String, List<Integer>> literal;
    /** Lines with patterns or negations, which must be matched one by one, in file order. */
    private final int[] patterns;
    /** The hashed lines of the entries as loaded (the first {@code hashed.entryCount()}): memoised, maybe cached. */
    private final HashedLookup hashed;
    /** Hashed lines added by {@link #plus} (keys accepted during the run), checked one by one. */
    private final HashedNames addedHashed;
    private final int[] addedHashedIndex;

    private KnownHosts(List<Path> files, List<KnownHostsEntry> entries, List<Problem> problems, HashedLookup hashed) {
        this.files = List.copyOf(files);
        this.entries = List.copyOf(entries);
        this.problems = List.copyOf(problems);
        this.hashed = hashed;
        Map<String, List<Integer>> byName = new HashMap<>();
        int[] scan = new int[this.entries.size()];
        int scanCount = 0;
        List<String> added = new ArrayList<>();
        int[] addedIndex = new int[this.entries.size() - hashed.entryCount()];
        for (int i = 0; i < this.entries.size(); i++) {
            KnownHostsEntry e = this.entries.get(i);
            String hosts = e.hosts();
            if (e.hashed()) {
                if (i >= hashed.entryCount()) {
                    addedIndex[added.size()] = i;
                    added.add(hosts);
                }
                continue;
            }
            if (hosts.indexOf('*') >= 0 || hosts.indexOf('?') >= 0 || hosts.indexOf('!') >= 0) {
                scan[scanCount++] = i;
                continue;
            }
            for (String name : hosts.split(",", -1)) {
                List<Integer> at = byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>(1));
                if (at.isEmpty() || at.get(at.size() - 1) != i) {
                    at.add(i);
                }
            }
        }
        this.literal = byName;
        this.patterns = Arrays.copyOf(scan, scanCount);
        this.addedHashed = HashedNames.of(added);
        this.addedHashedIndex = Arrays.copyOf(addedIndex, added.size());
    }

    private static KnownHosts uncached(List<Path> files, List<KnownHostsEntry> entries, List<Problem> problems) {
        List<HashedLookup.Part> parts = List.of(new HashedLookup.Part(0, entries.size(), Optional.empty()));
        return new KnownHosts(files, entries, problems, HashedLookup.of(entries, parts));
    }

    /** No files, no entries: every key is unknown. */
    public static KnownHosts empty() {
        return uncached(List.of(), List.of(), List.of());
    }

    /**
     * Reads the files in order (UserKnownHostsFile entries first, then GlobalKnownHostsFile entries).
     *
     * @throws SshException of kind {@link SshException.Kind#CONFIG} naming the file when one exists but cannot be read
     */
    public static KnownHosts load(List<Path> files) {
        return load(files, Optional.empty());
    }

    /**
     * Reads the files in order, as {@link #load(List)}, remembering between runs in {@code cache} (when present) which
     * hashed lines name which hosts. The answers are the same with or without a cache.
     *
     * @throws SshException of kind {@link SshException.Kind#CONFIG} naming the file when one exists but cannot be read
     */
    public static KnownHosts load(List<Path> files, Optional<KnownHostsCache> cache) {
        requireNonNull(files, "files is null");
        requireNonNull(cache, "cache is null");
        List<KnownHostsEntry> entries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<HashedLookup.Part> parts = new ArrayList<>();
        for (Path file : files) {
            int start = entries.size();
            Optional<byte[]> content = readBytes(file);
            content.ifPresent(bytes -> parseInto(file, decode(bytes), entries, problems));
            Optional<KnownHostsCacheFile> cacheFile = Optional.empty();
            if (cache.isPresent() && content.isPresent()) {
                int[] hashedLines = entries.subList(start, entries.size()).stream()
                        .filter(KnownHostsEntry::hashed)
                        .mapToInt(KnownHostsEntry::line)
                        .toArray();
                cacheFile = cache.get().open(file, content.get(), hashedLines);
            }
            parts.add(new HashedLookup.Part(start, entries.size(), cacheFile));
        }
        return new KnownHosts(files, entries, problems, HashedLookup.of(entries, parts));
    }

    /** Parses known_hosts text as if read from {@code file}. */
    public static KnownHosts parse(Path file, String content) {
        List<KnownHostsEntry> entries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        parseInto(file, content, entries, problems);
        return uncached(List.of(file), entries, problems);
    }

    /**
     * The content of a known_hosts file, or empty when it does not exist.
     *
     * @throws SshException of kind CONFIG naming the file when it exists but cannot be read or is not text
     */
    static Optional<String> read(Path file) {
        return readBytes(file).map(KnownHosts::decode);
    }

    /**
     * The bytes of a known_hosts file, or empty when it does not exist.
     *
     * @throws SshException of kind CONFIG naming the file when it exists but cannot be read
     */
    private static Optional<byte[]> readBytes(Path file) {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new SshException(
                    SshException.Kind.CONFIG, "cannot read known_hosts file " + file + ": " + describe(e), e);
        }
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            // OpenSSH reads bytes; names are ASCII in practice. Keep going with a lossless single-byte reading.
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof IOException && "Is a directory".equals(e.getMessage())) {
            return "it is a directory";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void parseInto(Path file, String content, List<KnownHostsEntry> entries, List<Problem> problems) {
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            parseLine(file, i + 1, line).ifPresent(r -> {
                switch (r) {
                    case ParsedLine.Valid v -> entries.add(v.entry());
                    case ParsedLine.Invalid inv -> problems.add(new Problem(file, inv.line(), inv.message()));
                }
            });
        }
    }

    private sealed interface ParsedLine {
        record Valid(KnownHostsEntry entry) implements ParsedLine {}

        record Invalid(int line, String message) implements ParsedLine {}
    }

    private static Optional<ParsedLine> parseLine(Path file, int lineNo, String line) {
        List<String> tokens = tokens(line, 4);
        if (tokens.isEmpty() || tokens.get(0).startsWith("#")) {
            return Optional.empty();
        }
        KnownHostsEntry.Marker marker = KnownHostsEntry.Marker.NONE;
        if (tokens.get(0).startsWith("@")) {
            switch (tokens.get(0)) {
                case "@cert-authority" -> marker = KnownHostsEntry.Marker.CERT_AUTHORITY;
                case "@revoked" -> marker = KnownHostsEntry.Marker.REVOKED;
                default -> {
                    return invalid(lineNo, "unknown marker '" + tokens.get(0)
                            + "' (valid: @cert-authority, @revoked)");
                }
            }
            List<String> withMarker = tokens(line, 5);
            tokens = withMarker.subList(1, withMarker.size());
        }
        if (tokens.size() < 3) {
            return invalid(lineNo, "expected 'hosts keytype base64-key [comment]'");
        }
        String hosts = tokens.get(0);
        String keyType = tokens.get(1);
        if (hosts.startsWith("|") && KnownHostsEntry.parseHashed(hosts).isEmpty()) {
            return invalid(lineNo, "malformed hashed host name (expected |1|base64-salt|base64-hash)");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(tokens.get(2));
        } catch (IllegalArgumentException e) {
            return invalid(lineNo, "key is not valid base64");
        }
        String blobType = Fingerprints.blobType(blob);
        if (!blobType.equals(keyType)) {
            return invalid(lineNo, "key type '" + keyType + "' does not match the key data (" + blobType + ")");
        }
        String comment = tokens.size() > 3 ? tokens.get(3) : "";
        return Optional.of(new ParsedLine.Valid(
                new KnownHostsEntry(file, lineNo, marker, hosts, keyType, blob, comment)));
    }

    private static Optional<ParsedLine> invalid(int lineNo, String message) {
        return Optional.of(new ParsedLine.Invalid(lineNo, message));
    }

    /** Splits on blanks and tabs into at most {@code limit} fields; the last field keeps the rest of the line. */
    private static List<String> tokens(String line, int limit) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n && out.size() < limit - 1) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            int start = i;
            while (i < n && !isBlank(line.charAt(i))) {
                i++;
            }
            out.add(line.substring(start, i));
        }
        while (i < n && isBlank(line.charAt(i))) {
            i++;
        }
        if (i < n) {
            out.add(line.substring(i).strip());
        }
        return out;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** The files read, in order. */
    public List<Path> files() {
        return files;
    }

    /** Every valid line, in file order. */
    public List<KnownHostsEntry> entries() {
        return entries;
    }

    /** Lines that were skipped, with file:line and why. */
    public List<Problem> problems() {
        return problems;
    }

    /** Every line (any marker) that applies to {@code name}, in file order; what {@code ssh-keygen -F} lists. */
    public List<KnownHostsEntry> matching(String name) {
        requireNonNull(name, "name is null");
        // A plain name list matches exactly when it holds the name (case-insensitively), so those lines are found
        // through the index; hashed lines through HashedLookup (remembered per name, cached across runs); only
        // pattern lines and hashed lines accepted during this run are matched one by one.
        List<Integer> named = literal.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        int[] hashedAt = hashed.lookup(name);
        HashedNames.IntList found = new HashedNames.IntList();
        for (int i : named) {
            found.add(i);
        }
        for (int i : hashedAt) {
            found.add(i);
        }
        for (int i : patterns) {
            if (HostPatterns.hostList(name, entries.get(i).hosts()) == HostPatterns.ListMatch.MATCH) {
                found.add(i);
            }
        }
        if (addedHashed.size() > 0) {
            HashedNames.IntList added = new HashedNames.IntList();
            addedHashed.scan(new HashedNames.Probe(name), 0, addedHashed.size(), added);
            for (int k = 0; k < added.size(); k++) {
                found.add(addedHashedIndex[added.get(k)]);
            }
        }
        int[] order = found.toArray();
        Arrays.sort(order); // file order; a line is either named, hashed or a pattern list, never two of them
        List<KnownHostsEntry> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(entries.get(i));
        }
        return List.copyOf(out);
    }

    /**
     * How many (hashed line, name) pairs this snapshot (and those {@link #plus} made from it) checked by HMAC so far:
     * what hashed lookups cost, for tests and measurements.
     */
    long hashedChecks() {
        return hashed.checks() + addedHashed.checks();
    }

    /** This snapshot plus lines just appended to one of its files. */
    KnownHosts plus(List<KnownHostsEntry> added) {
        List<KnownHostsEntry> all = new ArrayList<>(entries);
        all.addAll(added);
        return new KnownHosts(files, all, problems, hashed);
    }

    /**
     * Checks a presented host key the way OpenSSH's {@code check_host_key} does: a host certificate signed by a
     * {@code @cert-authority} listed for the host, valid at {@code now} and naming {@code target.principal()}, is
     * trusted; otherwise (also for a certificate that fails those checks) the plain key is looked up. A revoked key or
     * CA wins over everything; a listed key of the same type that differs means {@link HostKeyVerdict.Changed}.
     */
    public HostKeyVerdict verify(HostKeyTarget target, PublicKey presented, Instant now) {
        requireNonNull(target, "target is null");
        requireNonNull(presented, "presented is null");
        requireNonNull(now, "now is null");
        List<KnownHostsEntry> forHost = matching(target.hostKeyName());
        PublicKey plain = Fingerprints.plain(presented);
        byte[] plainBlob = Fingerprints.blob(plain);

        List<byte[]> revocable = new ArrayList<>();
        revocable.add(plainBlob);
        if (presented instanceof OpenSshCertificate cert) {
            revocable.add(Fingerprints.blob(cert.getCaPubKey()));
        }
        for (KnownHostsEntry e : forHost) {
            if (e.marker() == KnownHostsEntry.Marker.REVOKED) {
                for (byte[] blob : revocable) {
                    if (e.hasKey(blob)) {
                        return new HostKeyVerdict.Revoked(e.file(), e.line(), e.fingerprint());
                    }
                }
            }
        }

        if (presented instanceof OpenSshCertificate cert) {
            byte[] caBlob = Fingerprints.blob(cert.getCaPubKey());
            for (KnownHostsEntry e : forHost) {
                if (e.marker() == KnownHostsEntry.Marker.CERT_AUTHORITY && e.hasKey(caBlob)) {
                    if (hostCertificateProblem(cert, target.principal(), now).isEmpty()) {
                        return new HostKeyVerdict.CertAuthorityMatch(e, cert.getId());
                    }
                    break; // invalid certificate: fall back to the plain key, as ssh does
                }
            }
        }

        String type = Fingerprints.blobType(plainBlob);
        KnownHostsEntry changed = null;
        LinkedHashSet<String> otherTypes = new LinkedHashSet<>();
        for (KnownHostsEntry e : forHost) {
            if (e.marker() != KnownHostsEntry.Marker.NONE) {
                continue;
            }
            if (e.hasKey(plainBlob)) {
                return new HostKeyVerdict.Known(e);
            }
            if (e.keyType().equals(type)) {
                if (changed == null) {
                    changed = e;
                }
            } else {
                otherTypes.add(e.keyType());
            }
        }
        if (changed != null) {
            return new HostKeyVerdict.Changed(
                    changed.file(), changed.line(), type, changed.fingerprint(), Fingerprints.sha256(plainBlob));
        }
        return new HostKeyVerdict.Unknown(List.copyOf(otherTypes));
    }

    /**
     * Why a host certificate is not acceptable for {@code principal} at {@code now} (OpenSSH's
     * {@code sshkey_cert_check_host}), or empty when it is: it must be a host certificate, inside its validity
     * window, list principals one of which matches (patterns allowed), carry no critical options, and bear a valid
     * signature by its CA.
     */
    public static Optional<String> hostCertificateProblem(OpenSshCertificate cert, String principal, Instant now) {
        if (cert.getType() != OpenSshCertificate.Type.HOST) {
            return Optional.of("certificate invalid: not a host certificate");
        }
        long t = now.getEpochSecond();
        if (Long.compareUnsigned(t, cert.getValidAfter()) < 0) {
            return Optional.of("certificate invalid: not yet valid");
        }
        if (Long.compareUnsigned(t, cert.getValidBefore()) >= 0) {
            return Optional.of("certificate invalid: expired");
        }
        if (cert.getPrincipals() == null || cert.getPrincipals().isEmpty()) {
            return Optional.of("certificate lacks principal list");
        }
        boolean listed = cert.getPrincipals().stream().anyMatch(p -> HostPatterns.glob(principal, p));
        if (!listed) {
            return Optional.of("certificate invalid: name '" + principal + "' is not a listed principal");
        }
        Map<String, String> critical = cert.getCriticalOptionsMap();
        if (critical != null && !critical.isEmpty()) {
            return Optional.of("certificate contains unsupported critical options " + critical.keySet());
        }
        if (!signatureValid(cert)) {
            return Optional.of("certificate signature by its CA does not verify");
        }
        return Optional.empty();
    }

    private static boolean signatureValid(OpenSshCertificate cert) {
        BuiltinSignatures factory = BuiltinSignatures.fromFactoryName(cert.getSignatureAlgorithm());
        if (factory == null || !factory.isSupported()) {
            return false;
        }
        try {
            Signature verifier = factory.create();
            verifier.initVerifier(null, cert.getCaPubKey());
            verifier.update(null, cert.getMessage());
            return verifier.verify(null, cert.getSignature());
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Key types (plain keys, no markers) listed for {@code name}, in file order without repeats; used to order the
     * host-key algorithm proposal as ssh does.
     */
    public List<String> knownKeyTypes(String name) {
        LinkedHashSet<String> types = new LinkedHashSet<>();
        for (KnownHostsEntry e : matching(name)) {
            if (e.marker() == KnownHostsEntry.Marker.NONE) {
                types.add(e.keyType());
            }
        }
        return List.copyOf(types);
    }

    /** Whether a {@code @cert-authority} line applies to {@code name}. */
    public boolean hasCertAuthority(String name) {
        return matching(name).stream().anyMatch(e -> e.marker() == KnownHostsEntry.Marker.CERT_AUTHORITY);
    }
}
