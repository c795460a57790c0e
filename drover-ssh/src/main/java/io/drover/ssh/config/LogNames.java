package io.drover.ssh.config;

import java.util.List;

/** log.c's LogLevel and SyslogFacility names; printing uses the first name of a value, as OpenSSH does. */
final class LogNames {
    private LogNames() {}

    private static final List<String> LEVEL_NAMES =
            List.of("SILENT", "QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3");
    private static final List<Integer> LEVEL_VALUES = List.of(0, 0, 1, 2, 3, 4, 5, 5, 6, 7);
    static final String LEVELS = "QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG, DEBUG1, DEBUG2, DEBUG3";
    static final int INFO = 3;
    static final List<String> FACILITY_NAMES = List.of("DAEMON", "USER", "AUTH", "AUTHPRIV", "LOCAL0", "LOCAL1",
            "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7");
    static final String FACILITIES = String.join(", ", FACILITY_NAMES);

    /** The level of a (case-insensitive) name, or null. */
    static Integer level(String name) {
        for (int i = 0; i < LEVEL_NAMES.size(); i++) {
            if (LEVEL_NAMES.get(i).equalsIgnoreCase(name)) {
                return LEVEL_VALUES.get(i);
            }
        }
        return null;
    }

    static String levelName(int level) {
        return LEVEL_NAMES.get(LEVEL_VALUES.indexOf(level));
    }

    /** The canonical upper-case facility name, or null. */
    static String facility(String name) {
        for (String f : FACILITY_NAMES) {
            if (f.equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }
}
