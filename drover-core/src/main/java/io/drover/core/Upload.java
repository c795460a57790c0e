package io.drover.core;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Copies a local file or directory tree to a host with {@link HostSession#upload(Upload)}, over SFTP.
 *
 * <ul>
 *   <li>{@code target} is the path the source becomes: a file is written at {@code target}; a directory's
 *       contents go into {@code target} (created when missing; remote files not in the source are left alone).
 *       Missing parent directories are created.
 *   <li>Every file is replaced atomically: written to a temporary name in the same remote directory
 *       ({@code .NAME.drover-XXXXXXXX}), given its mode and mtime, then renamed over the target with
 *       {@code mv -fT}. A reader sees the old file or the new one, never part of one; an interrupted upload leaves
 *       the old file intact (and at worst a temporary file beside it).
 *   <li>Modes: files get {@link #DEFAULT_FILE_MODE}, directories {@link #DEFAULT_DIR_MODE}, unless set or
 *       {@link Builder#preserveModes() preserved} (permission bits only: setuid, setgid and sticky are not copied).
 *   <li>Modification times are kept (SFTP carries whole seconds). Symbolic links are copied as links with the same
 *       target text, never followed.
 *   <li>Progress is reported as {@link io.drover.api.DroverEvent.BytesTransferred} events, at least every MiB.
 * </ul>
 */
public final class Upload {
    public static final int DEFAULT_FILE_MODE = 0644;

    public static final int DEFAULT_DIR_MODE = 0755;

    private final Path source;
    private final RemotePath target;
    private final int fileMode;
    private final int dirMode;
    private final boolean preserveModes;

    private Upload(Builder b) {
        this.source = b.source;
        this.target = b.target;
        this.fileMode = b.fileMode;
        this.dirMode = b.dirMode;
        this.preserveModes = b.preserveModes;
    }

    public static Upload of(Path source, RemotePath target) {
        return builder(source, target).build();
    }

    /** @throws IllegalArgumentException when {@code target} is not an absolute path */
    public static Upload of(Path source, String target) {
        return of(source, RemotePath.of(target));
    }

    public static Builder builder(Path source, RemotePath target) {
        return new Builder(source, target);
    }

    public Path source() {
        return source;
    }

    public RemotePath target() {
        return target;
    }

    /** Permission bits for files (ignored when preserving modes). */
    public int fileMode() {
        return fileMode;
    }

    /** Permission bits for directories (ignored when preserving modes). */
    public int dirMode() {
        return dirMode;
    }

    public boolean preserveModes() {
        return preserveModes;
    }

    @Override
    public String toString() {
        return "Upload[" + source + " -> " + target + "]";
    }

    static int checkMode(String name, int mode) {
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException(name + " (0" + Integer.toOctalString(mode)
                    + ") must be permission bits between 0 and 0777");
        }
        return mode;
    }

    /** Settings of an {@link Upload}. */
    public static final class Builder {
        private final Path source;
        private final RemotePath target;
        private int fileMode = DEFAULT_FILE_MODE;
        private int dirMode = DEFAULT_DIR_MODE;
        private boolean preserveModes;

        private Builder(Path source, RemotePath target) {
            this.source = requireNonNull(source, "source is null");
            this.target = requireNonNull(target, "target is null");
        }

        public Builder fileMode(int mode) {
            this.fileMode = checkMode("fileMode", mode);
            return this;
        }

        public Builder dirMode(int mode) {
            this.dirMode = checkMode("dirMode", mode);
            return this;
        }

        /** Gives remote files and directories the local ones' permission bits. */
        public Builder preserveModes() {
            this.preserveModes = true;
            return this;
        }

        public Upload build() {
            return new Upload(this);
        }
    }
}
