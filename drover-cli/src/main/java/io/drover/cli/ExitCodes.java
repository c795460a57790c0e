package io.drover.cli;

import java.util.Collection;

/**
 * drover's documented exit codes (see {@code drover --help} and the man page).
 *
 * <p>When several apply, the most urgent wins: {@link #INTERRUPTED} over {@link #LOCK_LOST} over
 * {@link #UNREACHABLE} over {@link #FAILED}. Unreachable beats failed because on an unreachable host nothing is
 * known (the command may not have run at all), while a failure is a known answer; a script seeing 1 may trust that
 * every host was reached.
 */
public final class ExitCodes {
    /** Everything succeeded on every host. */
    public static final int OK = 0;
    /** A command failed (non-zero exit or signal), timed out, or was cancelled or skipped on at least one host. */
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

    /**
     * The exit code of a run whose hosts ended with {@code kinds} (outcome names as in run records: {@code ok failed
     * unreachable timed_out cancelled skipped}).
     */
    public static int of(Collection<String> kinds, boolean interrupted, boolean lockLost) {
        if (interrupted) {
            return INTERRUPTED;
        }
        if (lockLost) {
            return LOCK_LOST;
        }
        boolean failed = false;
        for (String k : kinds) {
            if (k.equals("unreachable")) {
                return UNREACHABLE;
            }
            if (!k.equals("ok")) {
                failed = true;
            }
        }
        return failed ? FAILED : OK;
    }
}
