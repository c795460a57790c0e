package io.drover.ssh.internal.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Runs the real OpenSSH tools (ssh-keygen, ssh-add, ssh-agent) for tests, with a deadline. */
final class Tools {
    private Tools() {}

    record Result(int exit, String out, String err) {}

    static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                    Path.of("/dev/null").toFile()));
            Process p = pb.start();
            if (!p.waitFor(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs a command that must succeed; returns its stdout. */
    static String ok(String... command) throws IOException, InterruptedException {
        return ok(Map.of(), command);
    }

    static String ok(Map<String, String> env, String... command) throws IOException, InterruptedException {
        Result r = run(env, command);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.exit() + ": " + r.err());
        }
        return r.out();
    }

    /** ssh-keygen -q -t TYPE [-b BITS] -N PASS -C COMMENT [extra] -f FILE; returns FILE. */
    static Path keygen(Path file, String type, int bits, String passphrase, String... extra)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type));
        if (bits > 0) {
            cmd.addAll(List.of("-b", Integer.toString(bits)));
        }
        cmd.addAll(List.of("-N", passphrase, "-C", "test@drover"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-f", file.toString()));
        ok(cmd.toArray(String[]::new));
        return file;
    }

    /** The public key in an OpenSSH {@code .pub} (or {@code -cert.pub}) file. */
    static PublicKey publicKey(Path pubFile) throws Exception {
        String line = Files.readString(pubFile, StandardCharsets.UTF_8).strip();
        return PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), null);
    }

    /** {@code type base64} of a {@code .pub} file, without the comment. */
    static String keyField(Path pubFile) throws IOException {
        String[] parts = Files.readString(pubFile).strip().split(" ");
        return parts[0] + " " + parts[1];
    }

    /** The fingerprint {@code ssh-keygen -lf} prints for a file. */
    static String sshKeygenFingerprint(Path pubFile) throws IOException, InterruptedException {
        return ok("ssh-keygen", "-lf", pubFile.toString()).split(" ")[1];
    }
}
