package io.drover.core.hosts;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One parsed {@code [user@]pattern[:port]} term of a host spec, with where it came from.
 *
 * @param offset where the term starts in {@code where.text()}
 */
record SpecTerm(Optional<String> user, NamePattern pattern, OptionalInt port, String text, Where where, int offset) {

    /** The target for one name this term denotes. */
    Target target(String name) {
        return new Target(name, user, port);
    }

    /** Whether this term, used as an exclusion, removes {@code t}: the name matches and so do user and port if given. */
    boolean excludes(Target t) {
        return (user.isEmpty() || user.equals(t.user()))
                && (port.isEmpty() || port.equals(t.port()))
                && pattern.matches(t.name());
    }
}
