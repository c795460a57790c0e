package io.drover.core.hosts;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One host of an Ansible inventory.
 *
 * @param name the inventory host name ({@code inventory_hostname})
 * @param target where to connect: {@code ansible_host} (else the name), {@code ansible_port} and
 *     {@code ansible_user} (or their {@code ansible_ssh_*} forms) when set
 * @param vars the host's variables after Ansible's precedence (group vars of {@code all}, then of parent groups,
 *     then of child groups, then host vars); values are {@link String}, {@link Long} or
 *     {@link java.math.BigInteger}, {@link Double}, {@link Boolean}, {@code null}, or unmodifiable {@link List}s and
 *     {@link Map}s of those; iteration order is the order of definition
 * @param groups every group the host belongs to, directly or through {@code children}, in precedence order
 *     ({@code all} first)
 */
public record InventoryHost(String name, Target target, Map<String, Object> vars, List<String> groups) {

    public InventoryHost {
        requireNonNull(name, "name is null");
        requireNonNull(target, "target is null");
        requireNonNull(vars, "vars is null");
        vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars)); // Ansible vars may be null (None)
        groups = List.copyOf(groups);
    }
}
