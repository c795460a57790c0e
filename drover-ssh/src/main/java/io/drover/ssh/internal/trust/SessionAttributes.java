package io.drover.ssh.internal.trust;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.session.Session;

/** Finds per-connection settings on a MINA session: its own attributes first, then the connect context. */
final class SessionAttributes {
    private SessionAttributes() {}

    /**
     * The value set with {@code session.setAttribute(key, v)}, else the one in the {@link AttributeRepository} given
     * to {@code client.connect(user, host, port, context, null)}, else null.
     */
    static <T> T find(Session session, AttributeRepository.AttributeKey<T> key) {
        if (session == null) {
            return null;
        }
        T v = session.getAttribute(key);
        if (v == null && session instanceof ClientSession cs && cs.getConnectionContext() != null) {
            v = cs.getConnectionContext().getAttribute(key);
        }
        return v;
    }
}
