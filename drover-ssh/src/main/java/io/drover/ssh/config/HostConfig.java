package io.drover.ssh.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options OpenSSH would use to connect to one alias, after ssh_config resolution (first value wins, tokens and
 * {@code ~} expanded, defaults filled in). This is what {@code ssh -G alias} prints; {@link #sshG()} holds every
 * line of that output in order, the typed fields the subset drover acts on.
 *
 * @param alias the name given on the command line ({@code %n})
 * @param hostName the address to dial ({@code %h})
 * @param proxyJump the jump hosts in order, first dialed first ({@code [user@]host[:port]} each); empty for none
 * @param proxyCommand a command whose stdin/stdout carry the connection, when set (and no ProxyJump)
 * @param connectTimeout empty means the system default (no explicit limit)
 * @param serverAliveInterval zero disables keepalive
 * @param sshG every {@code ssh -G} line as {@code keyword -> values}, keywords lower-case, in OpenSSH's order
 */
public record HostConfig(
        String alias,
        String hostName,
        int port,
        String user,
        List<Path> identityFiles,
        boolean identitiesOnly,
        Optional<String> identityAgent,
        List<Path> certificateFiles,
        List<String> proxyJump,
        Optional<String> proxyCommand,
        Optional<Duration> connectTimeout,
        int connectionAttempts,
        StrictHostKeyChecking strictHostKeyChecking,
        List<Path> userKnownHostsFiles,
        List<Path> globalKnownHostsFiles,
        List<String> hostKeyAlgorithms,
        List<String> kexAlgorithms,
        List<String> ciphers,
        List<String> macs,
        Duration serverAliveInterval,
        int serverAliveCountMax,
        boolean forwardAgent,
        boolean batchMode,
        Map<String, String> setEnv,
        List<String> sendEnv,
        boolean compression,
        List<String> preferredAuthentications,
        boolean passwordAuthentication,
        int numberOfPasswordPrompts,
        Map<String, List<String>> sshG) {

    public HostConfig {
        requireNonNull(alias, "alias is null");
        requireNonNull(hostName, "hostName is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port (" + port + ") must be between 1 and 65535");
        }
        requireNonNull(user, "user is null");
        identityFiles = List.copyOf(identityFiles);
        requireNonNull(identityAgent, "identityAgent is null");
        certificateFiles = List.copyOf(certificateFiles);
        proxyJump = List.copyOf(proxyJump);
        requireNonNull(proxyCommand, "proxyCommand is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(strictHostKeyChecking, "strictHostKeyChecking is null");
        userKnownHostsFiles = List.copyOf(userKnownHostsFiles);
        globalKnownHostsFiles = List.copyOf(globalKnownHostsFiles);
        hostKeyAlgorithms = List.copyOf(hostKeyAlgorithms);
        kexAlgorithms = List.copyOf(kexAlgorithms);
        ciphers = List.copyOf(ciphers);
        macs = List.copyOf(macs);
        requireNonNull(serverAliveInterval, "serverAliveInterval is null");
        setEnv = Map.copyOf(setEnv);
        sendEnv = List.copyOf(sendEnv);
        preferredAuthentications = List.copyOf(preferredAuthentications);
        sshG = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sshG));
    }
}
