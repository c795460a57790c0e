package io.drover.sync;

import java.util.List;

/** POSIX shell quoting for the scripts drover runs on hosts. */
final class Sh {
    private Sh() {}

    /** {@code s} as one single-quoted shell word; safe for any content, including quotes and newlines. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * A command line that runs {@code script} with POSIX {@code sh}, whatever the remote user's login shell is, with
     * {@code args} as {@code $1...}; {@code $0} is {@code name}. With {@code sudo}, the shell runs through
     * {@code sudo -n} (never prompts: a password-protected sudo fails at once with sudo's own message).
     */
    static String command(String name, String script, List<String> args, boolean sudo) {
        StringBuilder sb = new StringBuilder();
        if (sudo) {
            sb.append("sudo -n -- ");
        }
        sb.append("sh -c ").append(quote(script)).append(' ').append(quote(name));
        for (String a : args) {
            sb.append(' ').append(quote(a));
        }
        return sb.toString();
    }
}
