package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * Which names a host key is checked against.
 *
 * @param hostKeyName the name looked up in known_hosts and written there on accept: the HostKeyAlias when set, else
 *     the host name, as {@code [host]:port} when the port is not 22
 * @param principal the name a host certificate must list: the HostKeyAlias when set, else the host name
 */
public record HostKeyTarget(String hostKeyName, String principal) {
    public HostKeyTarget {
        requireNonNull(hostKeyName, "hostKeyName is null");
        requireNonNull(principal, "principal is null");
        if (hostKeyName.isEmpty()) {
            throw new IllegalArgumentException("hostKeyName is empty");
        }
    }

    /**
     * The names OpenSSH uses for {@code hostName:port} ({@code get_hostfile_hostname_ipaddr}). The host name is
     * lower-cased as ssh does; an alias is used as given.
     */
    public static HostKeyTarget of(String hostName, int port, Optional<String> hostKeyAlias) {
        requireNonNull(hostName, "hostName is null");
        requireNonNull(hostKeyAlias, "hostKeyAlias is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port (" + port + ") must be between 1 and 65535");
        }
        if (hostKeyAlias.isPresent()) {
            return new HostKeyTarget(hostKeyAlias.get(), hostKeyAlias.get());
        }
        String host = hostName.toLowerCase(Locale.ROOT);
        return new HostKeyTarget(port == 22 ? host : "[" + host + "]:" + port, host);
    }
}
