/**
 * Tar-stream upload and sync broadcast to many hosts, the cluster lock, and the orgalorg-style sync protocol.
 */
package io.drover.sync;
