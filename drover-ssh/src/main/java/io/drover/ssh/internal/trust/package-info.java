/**
 * Trust material for the SSH connector, read the way OpenSSH reads it: known_hosts files and the host-key policy
 * ({@code StrictHostKeyChecking}), identity files and certificates, and the ssh-agent (over a JDK unix-domain socket,
 * also for agent forwarding). Internal: only {@code io.drover.ssh} uses these classes; they may expose MINA types.
 *
 * <p>Hashed known_hosts names ({@code HashKnownHosts yes}) are matched with drover's own HMAC-SHA1 ({@code Sha1},
 * two compressions per line and name) and remembered between runs by {@link io.drover.ssh.internal.trust.KnownHostsCache}
 * ({@code $XDG_CACHE_HOME/drover}), which never changes an answer.
 *
 * <p>Nothing here logs key material or passphrases.
 */
package io.drover.ssh.internal.trust;
