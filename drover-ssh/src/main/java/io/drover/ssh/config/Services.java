package io.drover.ssh.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** getservbyname(name, "tcp") from /etc/services, read once; "ssh" is 22 even without the file. */
final class Services {
    private Services() {}

    private static volatile Map<String, Integer> tcp;

    /** The TCP port of a service name, or -1. */
    static int tcpPort(String name) {
        Map<String, Integer> m = tcp;
        if (m == null) {
            m = load();
            tcp = m;
        }
        return m.getOrDefault(name, -1);
    }

    private static Map<String, Integer> load() {
        Map<String, Integer> m = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/services"), StandardCharsets.ISO_8859_1)) {
                int hash = line.indexOf('#');
                String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
                if (f.length < 2 || !f[1].endsWith("/tcp")) {
                    continue;
                }
                int port;
                try {
                    port = Integer.parseInt(f[1].substring(0, f[1].indexOf('/')));
                } catch (NumberFormatException e) {
                    continue;
                }
                for (int i = 0; i < f.length; i++) {
                    if (i != 1) {
                        m.putIfAbsent(f[i], port);
                    }
                }
            }
        } catch (IOException e) {
            // no services database: only the built-in name below
        }
        m.putIfAbsent("ssh", 22);
        return Map.copyOf(m);
    }
}
