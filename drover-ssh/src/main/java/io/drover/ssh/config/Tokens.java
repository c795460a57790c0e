package io.drover.ssh.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** OpenSSH's misc.c expansions: {@code %x} tokens, {@code ${VAR}} and leading {@code ~}. */
final class Tokens {
    private Tokens() {}

    /** An expansion that OpenSSH would refuse; callers add file:line. */
    static final class ExpandException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExpandException(String message) {
            super(message);
        }
    }

    /**
     * vdollar_percent_expand(): {@code %%} is a percent sign, {@code %x} the value of key x (an unknown key is an
     * error), and with {@code dollar} {@code ${VAR}} the environment variable (an unset one is an error).
     */
    static String expand(String s, Map<Character, String> keys, boolean dollar, Map<String, String> env) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (dollar && c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                int end = s.indexOf('}', i + 2);
                if (end < 0) {
                    throw new ExpandException("environment variable '" + s.substring(i + 2)
                            + "' is missing its closing '}' in \"" + s + "\"");
                }
                String var = s.substring(i + 2, end);
                if (var.isEmpty()) {
                    throw new ExpandException("zero-length environment variable ${} in \"" + s + "\"");
                }
                String val = env.get(var);
                if (val == null) {
                    throw new ExpandException("environment variable ${" + var + "} has no value (in \"" + s + "\")");
                }
                out.append(val);
                i = end;
                continue;
            }
            if (c != '%' || keys == null) {
                out.append(c);
                continue;
            }
            i++;
            if (i >= s.length()) {
                throw new ExpandException("a lone '%' ends \"" + s + "\"; write %% for a percent sign");
            }
            char k = s.charAt(i);
            if (k == '%') {
                out.append('%');
                continue;
            }
            String repl = keys.get(k);
            if (repl == null) {
                throw new ExpandException("unknown token %" + k + " in \"" + s + "\"; valid here: %%"
                        + keys.keySet().stream().sorted().map(x -> " %" + x).reduce("", String::concat));
            }
            out.append(repl);
        }
        return out.toString();
    }

    /** dollar_expand() validation: null when {@code ${...}} is malformed or names an unset variable. */
    static String dollarOnly(String s, Map<String, String> env) {
        try {
            return expand(s, null, true, env);
        } catch (ExpandException e) {
            return null;
        }
    }

    /**
     * tilde_expand(): {@code ~} and {@code ~/path} become the home directory, {@code ~user/path} that user's
     * (from /etc/passwd); other strings are returned unchanged.
     */
    static String tilde(String filename, ConfigContext context) {
        if (!filename.startsWith("~")) {
            return filename;
        }
        String copy = filename.substring(1);
        String user = null;
        String path;
        if (copy.isEmpty()) {
            path = null;
        } else if (copy.charAt(0) == '/') {
            path = stripSlashes(copy);
        } else {
            int slash = copy.indexOf('/');
            if (slash >= 0) {
                user = copy.substring(0, slash);
                path = stripSlashes(copy.substring(slash));
            } else {
                user = copy;
                path = null;
            }
        }
        String dir;
        if (user == null || user.equals(context.localUser())) {
            dir = context.homeDir().toString();
        } else {
            dir = passwdHome(user);
            if (dir == null) {
                throw new ExpandException("no such user \"" + user + "\" for \"" + filename + "\"");
            }
        }
        boolean slash = dir.isEmpty() || !dir.endsWith("/");
        return dir + (slash ? "/" : "") + (path == null ? "" : path);
    }

    private static String stripSlashes(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '/') {
            i++;
        }
        return i == s.length() ? null : s.substring(i);
    }

    private static String passwdHome(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.ISO_8859_1)) {
                String[] f = line.split(":", -1);
                if (f.length >= 6 && f[0].equals(user)) {
                    return f[5];
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
