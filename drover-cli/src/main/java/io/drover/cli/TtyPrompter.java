package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.ssh.Prompter;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks on the controlling terminal ({@code /dev/tty}, as ssh does), so prompts work while stdin and stdout are
 * pipes. Secrets are read with echo off ({@code stty -echo}). Prompts are serialised. With {@code --ask-pass} the
 * password is asked once up front and given to every password prompt.
 */
final class TtyPrompter implements Prompter {
    private static final File TTY = new File("/dev/tty");
    private final char[] password;

    private TtyPrompter(char[] password) {
        this.password = password;
    }

    /** A prompter for key passphrases and other questions; {@link Prompter#BATCH} when there is no terminal. */
    static Prompter forEnv(CliEnv env) {
        return env.interactive() && TTY.canRead() ? new TtyPrompter(null) : Prompter.BATCH;
    }

    /**
     * Asks for the password now, once.
     *
     * @throws UsageException when there is no terminal to ask on
     */
    static Prompter askingPasswordOnce(CliEnv env) {
        if (!env.interactive() || !TTY.canRead()) {
            throw new UsageException("--ask-pass needs a terminal to ask on (/dev/tty); there is none");
        }
        Optional<char[]> pw = readTty("Password: ", false);
        if (pw.isEmpty()) {
            throw new UsageException("--ask-pass: no password given");
        }
        return new TtyPrompter(pw.get());
    }

    @Override
    public synchronized Optional<char[]> ask(String prompt, boolean echo) {
        if (password != null && !echo && prompt.toLowerCase(java.util.Locale.ROOT).contains("password")) {
            return Optional.of(Arrays.copyOf(password, password.length));
        }
        return readTty(prompt, echo);
    }

    private static Optional<char[]> readTty(String prompt, boolean echo) {
        try (OutputStream out = new FileOutputStream(TTY);
                BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(TTY), UTF_8))) {
            out.write(prompt.getBytes(UTF_8));
            out.flush();
            if (!echo) {
                stty("-echo");
            }
            try {
                String line = in.readLine();
                return line == null ? Optional.empty() : Optional.of(line.toCharArray());
            } finally {
                if (!echo) {
                    stty("echo");
                    out.write('\n');
                    out.flush();
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void stty(String mode) {
        try {
            Process p = new ProcessBuilder("stty", mode).redirectInput(TTY)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no stty: the answer is echoed, which the user sees happen
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
