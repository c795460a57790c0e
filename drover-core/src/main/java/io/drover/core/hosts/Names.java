package io.drover.core.hosts;

/** Syntax of host names, IPv6 literals and user names, shared by specs, inventories and folding. */
final class Names {

    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_USER_LENGTH = 64;

    private Names() {}

    /** Letters, digits, {@code - . _}: the characters a host name or ssh_config alias may use. */
    static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** True when {@code s} is a non-empty run of name characters, i.e. something folding can take apart. */
    static boolean isPlainName(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isNameChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Returns null when {@code name} is a valid host name or IPv6 literal, else why not. */
    static String hostNameProblem(String name) {
        if (name.isEmpty()) {
            return "the host name is empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "the host name is longer than " + MAX_NAME_LENGTH + " characters";
        }
        if (name.indexOf(':') >= 0) {
            return isIpv6(name) ? null : "'" + name + "' is neither a host name nor an IPv6 address";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isNameChar(c)) {
                return "character " + describe(c) + " is not allowed in host name '" + name
                        + "' (host names use letters, digits, '-', '.' and '_')";
            }
        }
        char first = name.charAt(0);
        if (first == '-' || first == '.') {
            return "host name '" + name + "' starts with '" + first + "'; host names start with a letter, digit or '_'";
        }
        return null;
    }

    /** An IPv6 literal without brackets, optionally with a {@code %zone}: hex digits, ':' and '.', two colons at least. */
    static boolean isIpv6(String s) {
        int percent = s.indexOf('%');
        String address = percent < 0 ? s : s.substring(0, percent);
        if (percent >= 0) {
            String zone = s.substring(percent + 1);
            if (zone.isEmpty() || !isPlainName(zone)) {
                return false;
            }
        }
        int colons = 0;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == ':') {
                colons++;
            } else if (!(isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.')) {
                return false;
            }
        }
        return colons >= 2 && address.length() <= 45;
    }

    /** Returns null when {@code user} is a valid login name, else why not. */
    static String userProblem(String user) {
        if (user.isEmpty()) {
            return "the user name before '@' is empty";
        }
        if (user.length() > MAX_USER_LENGTH) {
            return "user name '" + user + "' is longer than " + MAX_USER_LENGTH + " characters";
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            boolean ok = isNameChar(c) || (c == '$' && i == user.length() - 1);
            if (!ok) {
                return "character " + describe(c) + " is not allowed in user name '" + user
                        + "' (user names use letters, digits, '-', '.' and '_')";
            }
        }
        if (user.charAt(0) == '-') {
            return "user name '" + user + "' starts with '-'";
        }
        return null;
    }

    /** A character as a reader can see it in an error message, control characters spelled out. */
    static String describe(char c) {
        if (c < 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
            return String.format("U+%04X", (int) c);
        }
        return "'" + c + "'";
    }

    /** {@code s} quoted for an error message, with control characters escaped and very long values cut. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 120) + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            if (b.length() > 100) {
                b.append("...");
                break;
            }
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
