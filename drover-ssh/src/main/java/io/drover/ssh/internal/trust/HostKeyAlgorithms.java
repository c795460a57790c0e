package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Orders the client's host-key algorithm proposal the way ssh does ({@code order_hostkeyalgs}), so a server with
 * several host keys presents the one already in known_hosts instead of an unknown one.
 *
 * <p>ssh reorders only when the user did not set HostKeyAlgorithms, or set it with a leading {@code +} or {@code -};
 * with an explicit list it proposes that list verbatim. The caller decides which case applies.
 */
public final class HostKeyAlgorithms {
    private static final String CERT_SUFFIX = "-cert-v01@openssh.com";

    private HostKeyAlgorithms() {}

    /**
     * @param algorithms the proposal as configured (e.g. {@code ssh -G}'s hostkeyalgorithms), most preferred first
     * @param knownHosts the known_hosts files for the host
     * @param hostKeyName the name looked up there ({@link HostKeyTarget#hostKeyName()})
     * @return the proposal unchanged when a key of the first algorithm's type is already known; otherwise algorithms
     *     whose key type is known (and, when a {@code @cert-authority} applies, all certificate algorithms) first, the
     *     rest after, each group in configured order
     */
    public static List<String> preferKnown(List<String> algorithms, KnownHosts knownHosts, String hostKeyName) {
        requireNonNull(algorithms, "algorithms is null");
        requireNonNull(knownHosts, "knownHosts is null");
        requireNonNull(hostKeyName, "hostKeyName is null");
        if (algorithms.isEmpty()) {
            return List.of();
        }
        Set<String> known = Set.copyOf(knownHosts.knownKeyTypes(hostKeyName));
        if (known.contains(plainKeyType(algorithms.get(0)))) {
            return List.copyOf(algorithms);
        }
        boolean haveCa = knownHosts.hasCertAuthority(hostKeyName);
        List<String> first = new ArrayList<>();
        List<String> last = new ArrayList<>();
        for (String alg : algorithms) {
            if ((haveCa && alg.endsWith(CERT_SUFFIX)) || known.contains(plainKeyType(alg))) {
                first.add(alg);
            } else {
                last.add(alg);
            }
        }
        first.addAll(last);
        return List.copyOf(first);
    }

    /**
     * The key type an algorithm uses: certificate algorithms map to their certified key type, the RSA signature
     * algorithms ({@code rsa-sha2-256}, {@code rsa-sha2-512}) to {@code ssh-rsa}.
     */
    static String plainKeyType(String algorithm) {
        String a = algorithm;
        if (a.endsWith(CERT_SUFFIX)) {
            a = a.substring(0, a.length() - CERT_SUFFIX.length());
            if (a.startsWith("sk-")) {
                a = a + "@openssh.com";
            }
        }
        if (a.equals("rsa-sha2-256") || a.equals("rsa-sha2-512")) {
            return "ssh-rsa";
        }
        return a;
    }
}
