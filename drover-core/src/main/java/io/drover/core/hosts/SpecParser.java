package io.drover.core.hosts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Splits spec text into tokens and parses {@code [user@]host[:port]} terms. Stateless. */
final class SpecParser {

    private SpecParser() {}

    /** A token of spec text and where it starts (0-based offset into the text). */
    record Token(String text, int offset) {}

    /**
     * Splits on commas and whitespace outside brackets. With {@code comments}, a {@code #} outside brackets ends
     * the line. An unclosed bracket keeps the rest of the line in one token, for the term parser to report.
     */
    static List<Token> tokenize(String text, boolean comments) {
        List<Token> tokens = new ArrayList<>();
        boolean inBracket = false;
        int start = -1;
        int end = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!inBracket && comments && c == '#') {
                end = i;
                break;
            }
            boolean separator = !inBracket && (c == ',' || Character.isWhitespace(c));
            if (separator) {
                if (start >= 0) {
                    tokens.add(new Token(text.substring(start, i), start));
                    start = -1;
                }
                continue;
            }
            if (start < 0) {
                start = i;
            }
            if (c == '[') {
                inBracket = true;
            } else if (c == ']') {
                inBracket = false;
            }
        }
        if (start >= 0) {
            tokens.add(new Token(text.substring(start, end), start));
        }
        return tokens;
    }

    /** Parses {@code [user@]host[:port]} or {@code [user@][ipv6]:port}; host may hold ranges and globs. */
    static SpecTerm parseTerm(String text, Where where, int offset) {
        Optional<String> user = Optional.empty();
        int hostStart = 0;
        int at = text.indexOf('@');
        if (at >= 0) {
            int second = text.indexOf('@', at + 1);
            if (second >= 0) {
                throw where.fail(offset + second, "more than one '@' in " + Names.quote(text)
                        + "; expected [user@]host[:port]");
            }
            String u = text.substring(0, at);
            String problem = Names.userProblem(u);
            if (problem != null) {
                throw where.fail(offset, problem + " in " + Names.quote(text) + "; expected [user@]host[:port]");
            }
            user = Optional.of(u);
            hostStart = at + 1;
        }
        String h = text.substring(hostStart);
        int hostOffset = offset + hostStart;
        if (h.isEmpty()) {
            throw where.fail(hostOffset, "no host after '@' in " + Names.quote(text) + "; expected [user@]host[:port]");
        }
        if (h.charAt(0) == '[') {
            int close = h.indexOf(']');
            if (close > 0) {
                String inner = h.substring(1, close);
                if (inner.indexOf(':') >= 0 && Names.isIpv6(inner)) {
                    String rest = h.substring(close + 1);
                    OptionalInt port = OptionalInt.empty();
                    if (rest.startsWith(":")) {
                        port = parsePort(rest.substring(1), text, where, hostOffset + close + 2);
                    } else if (!rest.isEmpty()) {
                        throw where.fail(hostOffset + close + 1, "unexpected " + Names.quote(rest) + " after IPv6 address ["
                                + inner + "]; expected [" + inner + "] or [" + inner + "]:port");
                    }
                    return new SpecTerm(user, literal(inner), port, text, where, offset);
                }
            }
        }
        int colons = 0;
        int lastColon = -1;
        boolean inBracket = false;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c == '[') {
                inBracket = true;
            } else if (c == ']') {
                inBracket = false;
            } else if (c == ':' && !inBracket) {
                colons++;
                lastColon = i;
            }
        }
        if (colons == 0) {
            return new SpecTerm(user, NamePattern.parse(h, where, hostOffset), OptionalInt.empty(), text, where, offset);
        }
        if (colons == 1) {
            OptionalInt port = parsePort(h.substring(lastColon + 1), text, where, hostOffset + lastColon + 1);
            NamePattern pattern = NamePattern.parse(h.substring(0, lastColon), where, hostOffset);
            return new SpecTerm(user, pattern, port, text, where, offset);
        }
        if (Names.isIpv6(h)) {
            return new SpecTerm(user, literal(h), OptionalInt.empty(), text, where, offset);
        }
        throw where.fail(hostOffset, "too many ':' in " + Names.quote(text)
                + "; expected host:port, and an IPv6 address with a port in brackets like [::1]:2222");
    }

    private static NamePattern literal(String name) {
        return new NamePattern(List.of(new NamePattern.Literal(name)));
    }

    private static OptionalInt parsePort(String s, String text, Where where, int offset) {
        boolean digits = !s.isEmpty() && s.length() <= 5;
        for (int i = 0; digits && i < s.length(); i++) {
            digits = Names.isDigit(s.charAt(i));
        }
        int port = digits ? Integer.parseInt(s) : -1;
        if (port < 1 || port > 65535) {
            throw where.fail(offset, "port " + Names.quote(s) + " in " + Names.quote(text)
                    + " is not a number between 1 and 65535; expected [user@]host[:port]");
        }
        return OptionalInt.of(port);
    }
}
