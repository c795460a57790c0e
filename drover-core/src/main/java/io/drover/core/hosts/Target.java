package io.drover.core.hosts;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One host to connect to: a name (an ssh_config alias, a DNS name, an IPv4 address or an IPv6 literal without
 * brackets) with an optional user and port that override ssh_config. Equality is on all three parts, so
 * {@code web1} and {@code alice@web1} are different targets.
 *
 * @param name host name, ssh_config alias or IP address; IPv6 literals are held without brackets
 * @param user login name, empty to let ssh_config (or the caller's default) decide
 * @param port 1..65535, empty to let ssh_config (or the caller's default) decide
 */
public record Target(String name, Optional<String> user, OptionalInt port) {

    private static final Optional<String> NO_USER = Optional.empty();

    public Target {
        requireNonNull(name, "name is null");
        requireNonNull(user, "user is null");
        requireNonNull(port, "port is null");
        String problem = Names.hostNameProblem(name);
        if (problem != null) {
            throw new HostSpecException("invalid target " + Names.quote(name) + ": " + problem);
        }
        if (user.isPresent()) {
            String userProblem = Names.userProblem(user.get());
            if (userProblem != null) {
                throw new HostSpecException("invalid target user " + Names.quote(user.get()) + ": " + userProblem);
            }
        }
        if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
            throw new HostSpecException("port (" + port.getAsInt() + ") of target " + Names.quote(name)
                    + " must be between 1 and 65535");
        }
    }

    /** A target with only a name: user and port come from ssh_config. */
    public static Target of(String name) {
        return new Target(name, NO_USER, OptionalInt.empty());
    }

    /**
     * Parses one literal destination, {@code [user@]host[:port]} or {@code [user@][ipv6]:port} (a bare IPv6
     * address without port is accepted too). Ranges, globs, lists and files are not expanded here; use
     * {@link HostSpec} for those.
     *
     * @throws HostSpecException naming the bad part and what would be valid
     */
    public static Target parse(String destination) {
        requireNonNull(destination, "destination is null");
        SpecTerm term = SpecParser.parseTerm(destination, Where.spec(destination), 0);
        if (!term.pattern().isLiteral()) {
            throw new HostSpecException("destination " + Names.quote(destination)
                    + " holds a range or glob; a destination is one host like alice@web1:2222");
        }
        return term.target(term.pattern().literalText());
    }

    /**
     * The destination as a user would type it: {@code [user@]name[:port]}, with an IPv6 name in brackets when a
     * port follows ({@code root@[::1]:2222}). {@link #parse} reads it back to an equal target.
     */
    public String destination() {
        StringBuilder b = new StringBuilder(name.length() + 16);
        user.ifPresent(u -> b.append(u).append('@'));
        if (port.isPresent()) {
            if (name.indexOf(':') >= 0) {
                b.append('[').append(name).append(']');
            } else {
                b.append(name);
            }
            b.append(':').append(port.getAsInt());
        } else {
            b.append(name);
        }
        return b.toString();
    }

    /** The {@link #destination()}. */
    @Override
    public String toString() {
        return destination();
    }
}
