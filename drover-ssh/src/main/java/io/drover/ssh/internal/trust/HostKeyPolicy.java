package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import io.drover.ssh.Prompter;
import io.drover.ssh.SshException;
import io.drover.ssh.config.StrictHostKeyChecking;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies {@code StrictHostKeyChecking} to a presented host key. Thread-safe; one per distinct set of known_hosts
 * files and options.
 *
 * <ul>
 *   <li>A <b>changed</b> key (a different key of the same type listed for the host) is refused in every mode, naming
 *       file:line and both fingerprints. A <b>revoked</b> key or CA is refused in every mode.
 *   <li>An <b>unknown</b> key: {@code yes} refuses; {@code accept-new} appends it to the first UserKnownHostsFile
 *       (atomically, see {@link KnownHostsWriter}) and accepts with a notice; {@code ask} asks the {@link Prompter}
 *       ({@code yes}, {@code no} or the fingerprint, like ssh) and on yes records the key like accept-new, refusing
 *       when no one can be asked (batch mode); {@code no} accepts with a notice naming host and fingerprint and
 *       records nothing.
 * </ul>
 *
 * <p>Deliberate difference from ssh: with {@code StrictHostKeyChecking=no} ssh still connects to a host whose key
 * changed (disabling password authentication) and appends unknown keys. drover refuses changed keys in every mode
 * and, under {@code no}, records nothing, so a key listed in known_hosts is never overridden silently.
 */
public final class HostKeyPolicy {
    private static final int ASK_ATTEMPTS = 3;

    private final AtomicReference<KnownHosts> knownHosts;
    private final Optional<Path> appendTo;
    private final StrictHostKeyChecking mode;
    private final Prompter prompter;
    private final boolean hashNewEntries;
    private final InstantSource clock;

    private HostKeyPolicy(Builder b) {
        this.knownHosts = b.knownHosts;
        this.appendTo = b.appendTo;
        this.mode = b.mode;
        this.prompter = b.prompter;
        this.hashNewEntries = b.hashNewEntries;
        this.clock = b.clock;
    }

    public static Builder builder(KnownHosts knownHosts) {
        return new Builder(new AtomicReference<>(requireNonNull(knownHosts, "knownHosts is null")));
    }

    static Builder builder(AtomicReference<KnownHosts> shared) {
        return new Builder(shared);
    }

    /** The known_hosts snapshot this policy checks against (including keys it recorded). */
    public KnownHosts knownHosts() {
        return knownHosts.get();
    }

    public StrictHostKeyChecking mode() {
        return mode;
    }

    /**
     * Decides about {@code presented} for {@code target}. May block: to ask the prompter, or to append to known_hosts.
     * Never throws for a bad key; I/O trouble recording an accepted key becomes a notice.
     */
    public HostKeyDecision check(HostKeyTarget target, PublicKey presented) {
        requireNonNull(target, "target is null");
        requireNonNull(presented, "presented is null");
        HostKeyVerdict verdict = knownHosts.get().verify(target, presented, clock.instant());
        return switch (verdict) {
            case HostKeyVerdict.Known k -> new HostKeyDecision.Accepted(k, List.of());
            case HostKeyVerdict.CertAuthorityMatch m -> new HostKeyDecision.Accepted(m, List.of());
            case HostKeyVerdict.Changed c -> new HostKeyDecision.Refused(c, changedMessage(target, c));
            case HostKeyVerdict.Revoked r -> new HostKeyDecision.Refused(r, revokedMessage(target, r));
            case HostKeyVerdict.Unknown u -> unknown(target, presented, u);
        };
    }

    private HostKeyDecision unknown(HostKeyTarget target, PublicKey presented, HostKeyVerdict.Unknown verdict) {
        PublicKey plain = Fingerprints.plain(presented);
        String type = Fingerprints.displayType(Fingerprints.keyType(plain));
        String fp = Fingerprints.sha256(plain);
        String name = target.hostKeyName();
        return switch (mode) {
            case YES -> new HostKeyDecision.Refused(
                    verdict,
                    "Host key verification failed: no " + type + " host key is known for " + name + " ("
                            + fp + ") and StrictHostKeyChecking is yes" + otherTypes(verdict)
                            + ". Add the key to " + describeFiles() + " (e.g. ssh-keyscan, after checking the"
                            + " fingerprint) or use StrictHostKeyChecking=accept-new.");
            case NO -> new HostKeyDecision.Accepted(
                    verdict,
                    List.of("StrictHostKeyChecking=no: accepted the unverified " + type + " host key " + fp
                            + " of " + name + " without checking or recording it"));
            case ACCEPT_NEW -> record(target, plain, verdict);
            case ASK -> ask(target, plain, verdict, type, fp);
        };
    }

    private HostKeyDecision ask(
            HostKeyTarget target, PublicKey plain, HostKeyVerdict.Unknown verdict, String type, String fp) {
        String prompt = "The authenticity of host '" + target.hostKeyName() + "' can't be established.\n"
                + type + " key fingerprint is " + fp + "." + otherTypes(verdict) + "\n"
                + "Are you sure you want to continue connecting (yes/no/[fingerprint])? ";
        for (int attempt = 0; attempt < ASK_ATTEMPTS; attempt++) {
            Optional<char[]> answer = prompter.ask(prompt, true);
            if (answer.isEmpty()) {
                return new HostKeyDecision.Refused(
                        verdict,
                        "Host key verification failed: the " + type + " host key " + fp + " of "
                                + target.hostKeyName() + " is unknown, StrictHostKeyChecking is ask and there is no"
                                + " terminal to ask (batch mode)");
            }
            char[] chars = answer.get();
            String text = new String(chars).strip();
            Arrays.fill(chars, '\0');
            if (text.equalsIgnoreCase("yes") || text.equals(fp)) {
                return record(target, plain, verdict);
            }
            if (text.equalsIgnoreCase("no")) {
                return new HostKeyDecision.Refused(
                        verdict, "Host key verification failed: the user declined the " + type + " host key " + fp
                                + " of " + target.hostKeyName());
            }
            prompt = "Please type 'yes', 'no' or the fingerprint: ";
        }
        return new HostKeyDecision.Refused(
                verdict, "Host key verification failed: no valid answer for the " + type + " host key " + fp + " of "
                        + target.hostKeyName());
    }

    private HostKeyDecision record(HostKeyTarget target, PublicKey plain, HostKeyVerdict.Unknown verdict) {
        String type = Fingerprints.displayType(Fingerprints.keyType(plain));
        if (appendTo.isEmpty()) {
            return new HostKeyDecision.Accepted(
                    verdict, List.of("accepted the new " + type + " host key " + Fingerprints.sha256(plain)
                            + " of " + target.hostKeyName() + "; not recorded: no UserKnownHostsFile"));
        }
        Path file = appendTo.get();
        KnownHostsWriter.Outcome outcome;
        try {
            outcome = KnownHostsWriter.append(file, target.hostKeyName(), plain, hashNewEntries);
        } catch (SshException e) {
            return new HostKeyDecision.Accepted(
                    verdict, List.of("accepted the new " + type + " host key of " + target.hostKeyName()
                            + " but could not record it: " + e.getMessage()));
        }
        return switch (outcome) {
            case KnownHostsWriter.Outcome.Added a -> {
                knownHosts.updateAndGet(k -> k.plus(List.of(a.entry())));
                yield new HostKeyDecision.Accepted(
                        verdict, List.of("Permanently added '" + target.hostKeyName() + "' (" + type
                                + ") to the list of known hosts (" + a.entry().location() + ")."));
            }
            case KnownHostsWriter.Outcome.AlreadyListed l -> {
                knownHosts.updateAndGet(k -> k.plus(List.of(l.entry())));
                yield new HostKeyDecision.Accepted(new HostKeyVerdict.Known(l.entry()), List.of());
            }
            case KnownHostsWriter.Outcome.Conflict c -> switch (c.verdict()) {
                case HostKeyVerdict.Changed ch -> new HostKeyDecision.Refused(ch, changedMessage(target, ch));
                case HostKeyVerdict.Revoked r -> new HostKeyDecision.Refused(r, revokedMessage(target, r));
                case HostKeyVerdict.Known k -> new HostKeyDecision.Accepted(k, List.of());
                case HostKeyVerdict.CertAuthorityMatch m -> new HostKeyDecision.Accepted(m, List.of());
                case HostKeyVerdict.Unknown u -> new HostKeyDecision.Refused(
                        u, "Host key verification failed: could not record the key of " + target.hostKeyName());
            };
            case KnownHostsWriter.Outcome.NotRecorded n -> new HostKeyDecision.Accepted(
                    verdict, List.of("accepted the new " + type + " host key " + Fingerprints.sha256(plain)
                            + " of " + target.hostKeyName() + "; not recorded: " + n.reason()));
        };
    }

    private String describeFiles() {
        return appendTo.map(Path::toString).orElse("a known_hosts file");
    }

    private static String otherTypes(HostKeyVerdict.Unknown verdict) {
        if (verdict.otherKeyTypes().isEmpty()) {
            return "";
        }
        return " (keys of other types are already known for this host: "
                + String.join(", ", verdict.otherKeyTypes().stream()
                        .map(Fingerprints::displayType)
                        .toList())
                + ")";
    }

    static String changedMessage(HostKeyTarget target, HostKeyVerdict.Changed c) {
        String type = Fingerprints.displayType(c.keyType());
        return "REMOTE HOST IDENTIFICATION HAS CHANGED for " + target.hostKeyName() + ": it presented the " + type
                + " key " + c.presentedFingerprint() + " but " + c.file() + ":" + c.line() + " lists "
                + c.expectedFingerprint() + ". Someone could be eavesdropping (man-in-the-middle) or the host key"
                + " was replaced. If the change is expected, remove the old key: ssh-keygen -R '"
                + target.hostKeyName() + "' -f " + c.file();
    }

    static String revokedMessage(HostKeyTarget target, HostKeyVerdict.Revoked r) {
        return "Host key verification failed: the key presented by " + target.hostKeyName() + " (or the CA that"
                + " signed it), " + r.fingerprint() + ", is marked @revoked at " + r.file() + ":" + r.line();
    }

    /** Settings for a {@link HostKeyPolicy}. */
    public static final class Builder {
        private final AtomicReference<KnownHosts> knownHosts;
        private Optional<Path> appendTo = Optional.empty();
        private StrictHostKeyChecking mode = StrictHostKeyChecking.YES;
        private Prompter prompter = Prompter.BATCH;
        private boolean hashNewEntries;
        private InstantSource clock = InstantSource.system();

        private Builder(AtomicReference<KnownHosts> knownHosts) {
            this.knownHosts = knownHosts;
        }

        /** Where accepted new keys are recorded: the first UserKnownHostsFile. Without one nothing is recorded. */
        public Builder appendTo(Path file) {
            this.appendTo = Optional.of(requireNonNull(file, "file is null"));
            return this;
        }

        /** Defaults to {@link StrictHostKeyChecking#YES}. */
        public Builder mode(StrictHostKeyChecking mode) {
            this.mode = requireNonNull(mode, "mode is null");
            return this;
        }

        /** Asked under {@code ask}; {@link Prompter#BATCH} (the default) means refuse. */
        public Builder prompter(Prompter prompter) {
            this.prompter = requireNonNull(prompter, "prompter is null");
            return this;
        }

        /** Write new names hashed ({@code HashKnownHosts yes}). */
        public Builder hashNewEntries(boolean hash) {
            this.hashNewEntries = hash;
            return this;
        }

        /** The clock host certificates are checked against. */
        public Builder clock(InstantSource clock) {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        public HostKeyPolicy build() {
            return new HostKeyPolicy(this);
        }
    }

    @Override
    public String toString() {
        return "HostKeyPolicy[" + mode.name().toLowerCase(Locale.ROOT) + ", files=" + knownHosts.get().files() + "]";
    }
}
