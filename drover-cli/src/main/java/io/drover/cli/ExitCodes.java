package io.drover.cli;

/** drover's documented exit codes (see {@code drover --help} and the man page). */
public final class ExitCodes {
    /** Everything succeeded on every host. */
    public static final int OK = 0;
    /** A command failed (non-zero exit or signal) on at least one host. */
    public static final int FAILED = 1;
    /** Usage error or bad input (options, host spec, config, plan); nothing was run. */
    public static final int USAGE = 2;
    /** At least one host was unreachable or refused authentication / its host key. */
    public static final int UNREACHABLE = 3;
    /** The cluster lock was lost while the run held it. */
    public static final int LOCK_LOST = 4;
    /** Interrupted (Ctrl-C / SIGINT). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
