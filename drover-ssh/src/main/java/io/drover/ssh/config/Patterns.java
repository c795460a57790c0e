package io.drover.ssh.config;

import java.util.Locale;

/** OpenSSH's match.c: {@code *} and {@code ?} wildcards, comma-separated lists with {@code !} negation. */
final class Patterns {
    private Patterns() {}

    /** match_pattern(3): true when {@code s} matches {@code pattern} entirely; case-sensitive. */
    static boolean match(String s, String pattern) {
        return match(s, 0, pattern, 0);
    }

    private static boolean match(String s, int si, String p, int pi) {
        while (true) {
            if (pi == p.length()) {
                return si == s.length();
            }
            char pc = p.charAt(pi);
            if (pc == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                char next = p.charAt(pi);
                for (; si < s.length(); si++) {
                    if (next != '?') {
                        if (s.charAt(si) == next && match(s, si + 1, p, pi + 1)) {
                            return true;
                        }
                    } else if (match(s, si, p, pi)) {
                        return true;
                    }
                }
                return false;
            }
            if (si == s.length()) {
                return false;
            }
            if (pc != '?' && pc != s.charAt(si)) {
                return false;
            }
            si++;
            pi++;
        }
    }

    /**
     * match_pattern_list(3): -1 when a negated sub-pattern matches, 1 when a positive one does, 0 otherwise.
     * With {@code lower}, upper-case pattern letters are lowered first.
     */
    static int matchList(String s, String patternList, boolean lower) {
        boolean positive = false;
        int i = 0;
        int len = patternList.length();
        while (i < len) {
            boolean negated = false;
            if (patternList.charAt(i) == '!') {
                negated = true;
                i++;
            }
            int end = patternList.indexOf(',', i);
            if (end < 0) {
                end = len;
            }
            String sub = patternList.substring(i, end);
            if (sub.length() >= 1023) {
                return 0;
            }
            if (lower) {
                sub = sub.toLowerCase(Locale.ROOT);
            }
            i = end < len ? end + 1 : end;
            if (match(s, sub)) {
                if (negated) {
                    return -1;
                }
                positive = true;
            }
        }
        return positive ? 1 : 0;
    }

    /** match_hostname(3): the host lower-cased, the list matched case-insensitively. */
    static int matchHostname(String host, String patternList) {
        return matchList(lowercase(host), patternList, true);
    }

    /** ASCII-only lower-casing, like C tolower() in the C locale. */
    static String lowercase(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, (char) (c + 32));
            }
        }
        return b == null ? s : b.toString();
    }
}
