package io.drover.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Parsing of a remote {@code env} listing and {@code $VAR} expansion. Pure functions. */
public final class RemoteEnv {
    private RemoteEnv() {}

    /**
     * Parses the output of {@code env -0} (NUL-separated entries) or, when it holds no NUL, of plain {@code env}
     * (one {@code NAME=value} per line; a line without {@code =} continues the previous value, as a multi-line
     * value prints). Later duplicates win.
     */
    public static Map<String, String> parse(String output) {
        Map<String, String> env = new LinkedHashMap<>();
        boolean nul = output.indexOf('\0') >= 0;
        String[] entries = nul ? output.split("\0") : output.split("\n");
        String last = null;
        for (String e : entries) {
            int eq = e.indexOf('=');
            if (eq > 0 && isName(e.substring(0, eq))) {
                last = e.substring(0, eq);
                env.put(last, e.substring(eq + 1));
            } else if (!nul && last != null) {
                env.put(last, env.get(last) + "\n" + e);
            }
        }
        return env;
    }

    /** Whether {@code s} is a portable environment variable name: a letter or {@code _}, then letters, digits, {@code _}. */
    public static boolean isName(String s) {
        if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) && s.charAt(0) < 128 || s.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Replaces {@code $NAME} and {@code ${NAME}} by {@code lookup(NAME)}, or by the empty string when it returns
     * null (as a shell does). A {@code $} not followed by a name or {@code {} stays as it is; {@code $$} is one
     * literal {@code $}.
     *
     * @throws IllegalArgumentException when a {@code ${} is not closed or encloses something that is not a name
     */
    public static String expand(String text, Function<String, String> lookup) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 == text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = text.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
            } else if (n == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed ${ at index " + i + " in \"" + text + "\"");
                }
                String name = text.substring(i + 2, close);
                if (!isName(name)) {
                    throw new IllegalArgumentException("${" + name + "} at index " + i + " in \"" + text
                            + "\" is not a variable name (letters, digits and _, not starting with a digit)");
                }
                append(out, lookup.apply(name));
                i = close + 1;
            } else if (n == '_' || n < 128 && Character.isLetter(n)) {
                int j = i + 1;
                while (j < text.length() && text.charAt(j) < 128
                        && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
                    j++;
                }
                append(out, lookup.apply(text.substring(i + 1, j)));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void append(StringBuilder out, String value) {
        if (value != null) {
            out.append(value);
        }
    }
}
