package io.drover.ssh.internal;

import java.io.IOException;
import java.util.List;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.DefaultAuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthService;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * MINA's client user-auth service, except that when {@code publickey} is the first preferred method it starts with a
 * public-key request instead of a {@code none} request whose only use would be to learn the server's methods: one
 * round trip less per connection. The server's answer to that first request (FAILURE lists the methods that may
 * continue, with partial success) then drives the rest exactly as MINA's answer to {@code none} would: the next
 * key, then the next preferred method the server allows (keyboard-interactive, password), partial success included.
 *
 * <p>When the public-key method has nothing to send (no key at all, or none with a usable signature algorithm), the
 * service falls back to MINA's {@code none} request, so the other methods are tried only if the server offers them.
 * One difference remains: a server that would accept {@code none} itself (an account without a password under
 * {@code PermitEmptyPasswords}) never sees that request while a key is available.
 *
 * <p>MINA sends the first request together with the service request, as soon as the keys are established, which
 * is usually before it has read the server's EXT_INFO: the first public-key request is then plain {@code publickey}
 * (not OpenSSH's host-bound variant, which only matters to agent keys, and those are signed after a {@code PK_OK},
 * by which time EXT_INFO is known), and an RSA key's first algorithm is drover's first choice rather than one the
 * server listed; a server without it answers FAILURE and the next algorithm follows (one round trip more, where the
 * {@code none} request used to cost one always).
 *
 * <p>MINA calls {@link #process} from the session's I/O thread and the first request from {@code auth()}'s caller or
 * from the I/O thread; both hold this service's lock so the first reply sees the state the first request left.
 */
final class DroverUserAuthService extends ClientUserAuthService {
    private final Object lock = new Object();

    DroverUserAuthService(Session session) {
        super(session);
    }

    @Override
    protected IoWriteFuture sendInitialAuthRequest(ClientSession session, String service) throws IOException {
        synchronized (lock) {
            if (!clientMethods.isEmpty() && clientMethods.getFirst().equals(UserAuthPublicKey.NAME)) {
                // presume the server allows publickey; its first answer replaces this with what it really allows
                serverMethods = List.of(UserAuthPublicKey.NAME);
                // a future of our own: when the method sends nothing, MINA fails the future it is given
                AuthFuture first = new DefaultAuthFuture(service, new Object());
                try {
                    tryNext(SshConstants.SSH_MSG_USERAUTH_REQUEST, first);
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new SshException("starting public-key authentication failed: " + e.getMessage(), e);
                }
                if (!first.isDone()) {
                    return null; // a request is on its way; MINA ignores this method's result
                }
                serverMethods = null; // nothing was sent: ask the server with "none", as MINA does
            }
            return super.sendInitialAuthRequest(session, service);
        }
    }

    @Override
    public void process(int cmd, Buffer buffer) throws Exception {
        synchronized (lock) {
            super.process(cmd, buffer);
        }
    }
}
