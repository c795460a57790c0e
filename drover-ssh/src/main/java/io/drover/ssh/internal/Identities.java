package io.drover.ssh.internal;

import io.drover.ssh.Prompter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Identity files loaded once per process and shared by every connection: a passphrase is asked at most once per key
 * file (up to three tries), whatever the number of hosts. Missing files are reported once and skipped, as OpenSSH
 * does.
 */
final class Identities {
    private static final int PASSPHRASE_TRIES = 3;

    /** The keys of one file, or why there are none. */
    record Loaded(List<KeyPair> keys, String note) {
        Loaded {
            keys = List.copyOf(keys);
        }
    }

    private final Map<Path, CompletableFuture<Loaded>> cache = new ConcurrentHashMap<>();
    private final Prompter prompter;
    private final Consumer<String> warnings;

    Identities(Prompter prompter, Consumer<String> warnings) {
        this.prompter = prompter;
        this.warnings = warnings;
    }

    /** Loads (or returns the cached) keys of {@code file}; {@code batch} forbids asking for a passphrase. */
    Loaded load(Path file, boolean batch) {
        CompletableFuture<Loaded> mine = new CompletableFuture<>();
        CompletableFuture<Loaded> existing = cache.putIfAbsent(file, mine);
        if (existing != null) {
            Loaded l = existing.join();
            if (l.keys().isEmpty() && l.note().contains("passphrase") && !batch) {
                // a batch-mode caller could not ask; this caller may
                cache.remove(file, existing);
                return load(file, batch);
            }
            return l;
        }
        Loaded loaded = read(file, batch);
        mine.complete(loaded);
        return loaded;
    }

    private Loaded read(Path file, boolean batch) {
        if (!Files.exists(file)) {
            String note = "no such identity: " + file + ": No such file or directory";
            warnings.accept(note);
            return new Loaded(List.of(), note);
        }
        boolean[] wanted = new boolean[1];
        FilePasswordProvider passwords = new FilePasswordProvider() {
            @Override
            public String getPassword(SessionContext session, NamedResource resource, int retryIndex) {
                wanted[0] = true;
                if (batch) {
                    return null;
                }
                return prompter.ask("Enter passphrase for key '" + file + "': ", false)
                        .map(chars -> {
                            String s = CharBuffer.wrap(chars).toString();
                            Arrays.fill(chars, '\0');
                            return s;
                        })
                        .orElse(null);
            }

            @Override
            public ResourceDecodeResult handleDecodeAttemptResult(SessionContext session, NamedResource resource,
                    int retryIndex, String password, Exception err) {
                if (err == null) {
                    return ResourceDecodeResult.TERMINATE;
                }
                return password != null && retryIndex + 1 < PASSPHRASE_TRIES
                        ? ResourceDecodeResult.RETRY
                        : ResourceDecodeResult.IGNORE;
            }
        };
        PathResource resource = new PathResource(file);
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, resource, in, passwords);
            List<KeyPair> keys = new ArrayList<>();
            if (pairs != null) {
                pairs.forEach(keys::add);
            }
            if (keys.isEmpty()) {
                String note = wanted[0]
                        ? "key " + file + " is encrypted and " + (batch ? "BatchMode forbids asking for its passphrase"
                                : "no correct passphrase was given")
                        : "no usable key in " + file;
                warnings.accept(note);
                return new Loaded(List.of(), note);
            }
            return new Loaded(keys, "");
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), "no such identity: " + file);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String note = wanted[0]
                    ? "key " + file + " is encrypted and " + (batch ? "BatchMode forbids asking for its passphrase"
                            : "the passphrase was not accepted (" + e.getMessage() + ")")
                    : "cannot load identity " + file + ": " + e.getMessage();
            warnings.accept(note);
            return new Loaded(List.of(), note);
        }
    }
}
