package io.drover.ssh.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.ssh.SshException;
import io.drover.ssh.config.HostConfig;
import io.drover.ssh.config.StrictHostKeyChecking;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * A deliberately minimal, strict known_hosts check used until the full implementation lands: only plain
 * {@code host} / {@code [host]:port} entries (comma lists allowed) are understood; hashed entries, patterns and
 * markers are never matched, so they can only lead to a refusal. {@code StrictHostKeyChecking no} is the one way to
 * accept an unknown key; {@code accept-new} and {@code ask} behave as {@code yes} here.
 */
final class StopgapKnownHosts implements HostKeyPolicy {

    private record Entry(Path file, int line, String keyType, PublicKey key) {}

    @Override
    public Optional<String> check(HostConfig config, SocketAddress remote, PublicKey key) {
        String name = hostPort(config);
        List<Entry> entries = entries(config, name);
        for (Entry e : entries) {
            if (KeyUtils.compareKeys(e.key(), key)) {
                return Optional.empty();
            }
        }
        if (config.strictHostKeyChecking() == StrictHostKeyChecking.NO) {
            return Optional.empty();
        }
        String presented = KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
        for (Entry e : entries) {
            if (e.keyType().equals(KeyUtils.getKeyType(key))) {
                return Optional.of("host key for " + name + " has CHANGED: the server presented " + presented
                        + " but " + e.file() + ":" + e.line() + " has " + e.keyType() + " "
                        + KeyUtils.getFingerPrint(e.key()) + "; refusing to connect");
            }
        }
        return Optional.of("host key for " + name + " (" + presented + ") is not known in "
                + files(config) + " and StrictHostKeyChecking is "
                + config.strictHostKeyChecking().sshG() + "; add it to known_hosts after verifying it");
    }

    @Override
    public List<String> knownKeyTypes(HostConfig config) {
        return entries(config, hostPort(config)).stream().map(Entry::keyType).distinct().toList();
    }

    static String hostPort(HostConfig config) {
        return config.port() == 22 ? config.hostName() : "[" + config.hostName() + "]:" + config.port();
    }

    private static List<Path> files(HostConfig config) {
        List<Path> files = new ArrayList<>(config.userKnownHostsFiles());
        files.addAll(config.globalKnownHostsFiles());
        return files;
    }

    private static List<Entry> entries(HostConfig config, String name) {
        List<Entry> out = new ArrayList<>();
        for (Path file : files(config)) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(file, UTF_8);
            } catch (IOException e) {
                throw new SshException(SshException.Kind.CONFIG, "cannot read known_hosts file " + file + ": " + e, e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith("@") || line.startsWith("|")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                if (f.length < 3 || !Arrays.asList(f[0].split(",")).contains(name)) {
                    continue;
                }
                try {
                    PublicKey key = PublicKeyEntry.parsePublicKeyEntry(f[1] + " " + f[2]).resolvePublicKey(null, null, null);
                    if (key != null) {
                        out.add(new Entry(file, i + 1, f[1], key));
                    }
                } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                    // an unparseable entry trusts nothing
                }
            }
        }
        return out;
    }
}
