package io.drover.ssh.config;

/** OpenSSH's {@code StrictHostKeyChecking} values. {@code off} is a synonym of {@link #NO}. */
public enum StrictHostKeyChecking {
    /** Unknown and changed keys are refused (the default). */
    YES,
    /** Unknown keys are appended to the user known_hosts file; changed keys are refused. */
    ACCEPT_NEW,
    /** Unknown and changed keys are accepted; drover logs this per host. Must be asked for explicitly. */
    NO,
    /** Ask on the terminal; without one (batch mode) this behaves like {@link #YES}. */
    ASK;

    /** The value as {@code ssh -G} prints it ({@code true}, {@code accept-new}, {@code false}, {@code ask}). */
    public String sshG() {
        return switch (this) {
            case YES -> "true";
            case ACCEPT_NEW -> "accept-new";
            case NO -> "false";
            case ASK -> "ask";
        };
    }
}
