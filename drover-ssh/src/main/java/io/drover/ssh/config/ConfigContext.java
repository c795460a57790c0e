package io.drover.ssh.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The facts about the local machine and user that ssh_config resolution depends on, injectable so tests are
 * hermetic. {@link #current()} reads them the way OpenSSH does.
 *
 * @param localUser the local login name ({@code %u}, {@code Match localuser})
 * @param uid the local numeric user id ({@code %i}; owner check of included files)
 * @param homeDir the passwd home directory: {@code ~} in file options and {@code %d}, like OpenSSH's
 *     {@code tilde_expand_filename}
 * @param includeHome {@code $HOME}: OpenSSH expands {@code ~} in {@code Include} through glob(3), which reads
 *     {@code $HOME}, and resolves relative user Includes against {@code ~/.ssh}
 * @param localHostName the local host name as gethostname(2) returns it ({@code %l}; {@code %L} is its first label)
 * @param systemConfig the system-wide file read after the user's one ({@code /etc/ssh/ssh_config}); relative
 *     Includes in it are resolved against its directory
 * @param environment variables for {@code ${VAR}} expansion and {@code $SHELL} for {@code Match exec}
 */
public record ConfigContext(
        String localUser,
        long uid,
        Path homeDir,
        Path includeHome,
        String localHostName,
        Path systemConfig,
        Map<String, String> environment) {

    public ConfigContext {
        requireNonNull(localUser, "localUser is null");
        requireNonNull(homeDir, "homeDir is null");
        requireNonNull(includeHome, "includeHome is null");
        requireNonNull(localHostName, "localHostName is null");
        requireNonNull(systemConfig, "systemConfig is null");
        environment = Map.copyOf(environment);
    }

    /** The running process's user, home, host name, environment and {@code /etc/ssh/ssh_config}. */
    public static ConfigContext current() {
        String user = System.getProperty("user.name");
        Path home = Path.of(System.getProperty("user.home"));
        Map<String, String> env = System.getenv();
        Path includeHome = env.containsKey("HOME") ? Path.of(env.get("HOME")) : home;
        return new ConfigContext(user, currentUid(), home, includeHome, currentHostName(),
                Path.of("/etc/ssh/ssh_config"), env);
    }

    public ConfigContext withHomeDir(Path homeDir) {
        return new ConfigContext(localUser, uid, homeDir, includeHome, localHostName, systemConfig, environment);
    }

    public ConfigContext withIncludeHome(Path includeHome) {
        return new ConfigContext(localUser, uid, homeDir, includeHome, localHostName, systemConfig, environment);
    }

    public ConfigContext withLocalUser(String localUser, long uid) {
        return new ConfigContext(localUser, uid, homeDir, includeHome, localHostName, systemConfig, environment);
    }

    public ConfigContext withLocalHostName(String localHostName) {
        return new ConfigContext(localUser, uid, homeDir, includeHome, localHostName, systemConfig, environment);
    }

    public ConfigContext withSystemConfig(Path systemConfig) {
        return new ConfigContext(localUser, uid, homeDir, includeHome, localHostName, systemConfig, environment);
    }

    public ConfigContext withEnvironment(Map<String, String> environment) {
        return new ConfigContext(localUser, uid, homeDir, includeHome, localHostName, systemConfig, environment);
    }

    private static long currentUid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return ((Number) uid).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static String currentHostName() {
        Path kernel = Path.of("/proc/sys/kernel/hostname");
        try {
            if (Files.isReadable(kernel)) {
                return Files.readString(kernel, StandardCharsets.UTF_8).strip();
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
