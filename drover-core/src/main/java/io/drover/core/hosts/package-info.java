/**
 * Which hosts to run on: host specs, host files, Ansible inventories, and folding host names into ranges.
 *
 * <ul>
 *   <li>{@link io.drover.core.hosts.HostSpec} expands specs like {@code "alice@web[01-16]:2222,db*,@hosts.txt -x web07"}
 *       into an ordered list of {@link io.drover.core.hosts.Target}s without duplicates, refusing more than
 *       100,000 hosts before generating any.</li>
 *   <li>{@link io.drover.core.hosts.Inventory} reads Ansible INI and YAML inventories and selects hosts with
 *       Ansible patterns ({@code webservers:&prod:!web3}); each {@link io.drover.core.hosts.InventoryHost} has its
 *       variables and its connection target.</li>
 *   <li>{@link io.drover.core.hosts.HostRange} folds names into {@code wrk[1-20,25]} and expands them back.</li>
 * </ul>
 *
 * <p>Every bad input raises {@link io.drover.core.hosts.HostSpecException} (unchecked), whose message names the
 * value, where it was found ({@code file:line} or a column) and what would be valid.
 *
 * <pre>{@code
 * HostSpec spec = HostSpec.builder().sshConfigHosts(sshConfigHostNames).stdin(new InputStreamReader(System.in)).build();
 * List<Target> targets = spec.select().include("web[1-4]").includeFile(Path.of("extra.txt")).exclude("web3").expand();
 *
 * Inventory inventory = Inventory.load(Path.of("inventory/prod.ini"));
 * for (InventoryHost h : inventory.hosts("webservers:&eu")) {
 *     connect(h.target(), h.vars());
 * }
 *
 * String folded = HostRange.fold(failedHostNames); // "wrk[1-20,25]"
 * }</pre>
 */
package io.drover.core.hosts;
