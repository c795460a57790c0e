package io.drover.cli;

/**
 * Configures slf4j-simple before the first logger exists: warnings only by default (MINA SSHD is chatty), info with
 * one {@code -v}, debug with two or more. Log lines go to standard error.
 */
final class Logging {
    private Logging() {}

    static void configure(String[] args) {
        int verbosity = 0;
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--verbose")) {
                verbosity++;
            } else if (a.matches("-v+")) {
                verbosity += a.length() - 1;
            }
        }
        String level = verbosity == 0 ? "warn" : verbosity == 1 ? "info" : "debug";
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", verbosity > 1 ? "true" : "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
