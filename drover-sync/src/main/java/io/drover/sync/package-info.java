/**
 * Files to many hosts at once, the cluster lock, and orgalorg's sync protocol.
 *
 * <h2>Upload and sync</h2>
 * {@link io.drover.sync.FileSync} reads local {@link io.drover.sync.Source}s once into one POSIX tar stream and
 * broadcasts it to every host (each host runs {@code tar -x} reading its channel). Memory is one window (8 MiB by
 * default) shared by all hosts, whatever their number or the size of the tree: the stream goes at the pace of the
 * slowest host, and a host that accepts nothing for the stall timeout is dropped ({@code TimedOut}) so the others
 * finish. On each host the files land in a stage beside their place and are put in place only after the whole
 * stream arrived: a sync replaces the root directory by two renames (the old tree survives any failure before
 * them; a switch cut between them is repaired by the next run); an upload renames each file into place.
 *
 * <pre>{@code
 * RunReport<Void> report = FileSync.sync(ssh)
 *         .hosts(List.of("web1", "web2"))
 *         .sources(List.of(Source.contentsOf(Path.of("build"))))
 *         .root("/srv/app")
 *         .then("systemctl reload app")
 *         .build()
 *         .run();
 * }</pre>
 *
 * <h2>Cluster lock</h2>
 * {@link io.drover.sync.ClusterLock#acquire} takes {@code flock} on a file on every host, all or nothing, failing at
 * once with a {@link io.drover.sync.ClusterLockException} that names the holder when another drover has it. The
 * remote holder processes answer a heartbeat; {@link io.drover.sync.ClusterLock#lost()} completes when a host stops
 * answering, a holder dies, or the lock file is replaced. Work done under the lock must stop then:
 *
 * <pre>{@code
 * try (ClusterLock lock = ClusterLock.acquire(ssh, hosts, LockOptions.builder().command("deploy v42").build())) {
 *     lock.lost().thenAccept(loss -> cancellation.cancel(loss.toString()));   // e.g. FileSync::cancel, a Group run
 *     ... the work ...
 *     if (lock.isLost()) { exit code 4 }
 * }
 * }</pre>
 *
 * <h2>Sync protocol</h2>
 * With {@link io.drover.sync.FileSync.Builder#syncTool}, a tool on every host is told the cluster's nodes and may
 * send {@code SYNC} lines that drover relays to all tools, for cluster-wide barriers (orgalorg's protocol; see
 * {@code SyncProtocol}).
 */
package io.drover.sync;
