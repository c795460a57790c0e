package io.drover.core;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One host of a group: the name results and events use, the destination handed to {@code Ssh.connect}, and the
 * host's variables.
 */
record HostEntry(String name, String destination, Map<String, String> vars) {
    HostEntry {
        requireNonNull(name, "name is null");
        requireNonNull(destination, "destination is null");
        vars = Map.copyOf(vars);
    }
}
