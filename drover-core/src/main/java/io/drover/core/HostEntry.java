package io.drover.core;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One host of a group: the name results and events use, the destination handed to {@code Ssh.connect}, and the
 * host's variables.
 */
record HostEntry(String name, String destination, Map<String, Object> vars) {
    HostEntry {
        requireNonNull(name, "name is null");
        requireNonNull(destination, "destination is null");
        vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars)); // values may be null (YAML ~)
    }
}
