package io.drover.ssh.internal.trust;

import java.util.Locale;

/** OpenSSH's host pattern matching ({@code match.c}): {@code *}, {@code ?}, comma lists and {@code !negation}. */
final class HostPatterns {
    private HostPatterns() {}

    /**
     * Whether {@code name} matches the glob {@code pattern} ({@code *} any run, {@code ?} one character, everything
     * else literal). Runs in O(name * pattern) worst case, so hostile patterns cannot make it blow up.
     */
    static boolean glob(String name, String pattern) {
        int n = 0;
        int p = 0;
        int starP = -1;
        int starN = 0;
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                n++;
                p++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starN = n;
            } else if (starP >= 0) {
                p = starP + 1;
                n = ++starN;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** The outcome of matching a name against a comma-separated pattern list. */
    enum ListMatch {
        /** No positive pattern matched. */
        NO_MATCH,
        /** A positive pattern matched and no negated one did. */
        MATCH,
        /** A negated pattern matched: the list excludes the name whatever else matches. */
        NEGATED
    }

    /**
     * OpenSSH's {@code match_hostname}: the name and the patterns are compared lower-case; a matching {@code !pattern}
     * wins over any positive match.
     */
    static ListMatch hostList(String name, String patternList) {
        String lower = name.toLowerCase(Locale.ROOT);
        boolean positive = false;
        for (String sub : patternList.split(",", -1)) {
            boolean negated = sub.startsWith("!");
            String pattern = (negated ? sub.substring(1) : sub).toLowerCase(Locale.ROOT);
            if (glob(lower, pattern)) {
                if (negated) {
                    return ListMatch.NEGATED;
                }
                positive = true;
            }
        }
        return positive ? ListMatch.MATCH : ListMatch.NO_MATCH;
    }
}
