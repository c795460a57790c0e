/**
 * drover's own ssh_config front-end. {@link io.drover.ssh.config.SshConfig} reads the files OpenSSH 9.2 would
 * read, with readconf.c's semantics, and resolves a destination to a {@link io.drover.ssh.config.HostConfig};
 * {@link io.drover.ssh.config.SshConfig#formatSshG} prints it exactly as {@code ssh -G} does. Errors are
 * {@link io.drover.ssh.config.SshConfigException}s naming file:line; tolerated oddities are
 * {@link io.drover.ssh.config.ConfigWarning}s.
 */
package io.drover.ssh.config;
