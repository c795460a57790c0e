package io.drover.core;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Copies a remote file or directory tree to the controller with {@link HostSession#download(Download)}, over SFTP.
 * Every host of a group writes its own copy, named by {@link Naming} (by default {@code dest.HOST}). Local files are
 * written to a temporary name and renamed, so a reader never sees half a file. Modes default to
 * {@link Upload#DEFAULT_FILE_MODE} and {@link Upload#DEFAULT_DIR_MODE} unless set or preserved; modification times
 * are kept; symbolic links are copied as links. Progress is reported as
 * {@link io.drover.api.DroverEvent.BytesTransferred} events.
 */
public final class Download {

    /** Where each host's copy goes, for a destination {@code dest} and a source named {@code NAME}. */
    public enum Naming {
        /** {@code dest.HOST} (the default). */
        SUFFIX,
        /** {@code dest/HOST/NAME}. */
        DIRECTORY,
        /** {@code dest} itself: only for a task that runs on one host. */
        EXACT
    }

    private final RemotePath source;
    private final Path destination;
    private final Naming naming;
    private final int fileMode;
    private final int dirMode;
    private final boolean preserveModes;

    private Download(Builder b) {
        this.source = b.source;
        this.destination = b.destination;
        this.naming = b.naming;
        this.fileMode = b.fileMode;
        this.dirMode = b.dirMode;
        this.preserveModes = b.preserveModes;
    }

    public static Download of(RemotePath source, Path destination) {
        return builder(source, destination).build();
    }

    /** @throws IllegalArgumentException when {@code source} is not an absolute path */
    public static Download of(String source, Path destination) {
        return of(RemotePath.of(source), destination);
    }

    public static Builder builder(RemotePath source, Path destination) {
        return new Builder(source, destination);
    }

    public RemotePath source() {
        return source;
    }

    public Path destination() {
        return destination;
    }

    public Naming naming() {
        return naming;
    }

    public int fileMode() {
        return fileMode;
    }

    public int dirMode() {
        return dirMode;
    }

    public boolean preserveModes() {
        return preserveModes;
    }

    /** The local path {@code host}'s copy is written to. */
    public Path localPathFor(String host) {
        requireNonNull(host, "host is null");
        return switch (naming) {
            case SUFFIX -> destination.resolveSibling(destination.getFileName() + "." + host);
            case DIRECTORY -> destination.resolve(host).resolve(source.fileName().isEmpty() ? "root" : source.fileName());
            case EXACT -> destination;
        };
    }

    @Override
    public String toString() {
        return "Download[" + source + " -> " + destination + " (" + naming + ")]";
    }

    /** Settings of a {@link Download}. */
    public static final class Builder {
        private final RemotePath source;
        private final Path destination;
        private Naming naming = Naming.SUFFIX;
        private int fileMode = Upload.DEFAULT_FILE_MODE;
        private int dirMode = Upload.DEFAULT_DIR_MODE;
        private boolean preserveModes;

        private Builder(RemotePath source, Path destination) {
            this.source = requireNonNull(source, "source is null");
            this.destination = requireNonNull(destination, "destination is null");
            if (destination.getFileName() == null) {
                throw new IllegalArgumentException("destination (" + destination + ") must name a file or directory");
            }
        }

        public Builder naming(Naming naming) {
            this.naming = requireNonNull(naming, "naming is null");
            return this;
        }

        public Builder fileMode(int mode) {
            this.fileMode = Upload.checkMode("fileMode", mode);
            return this;
        }

        public Builder dirMode(int mode) {
            this.dirMode = Upload.checkMode("dirMode", mode);
            return this;
        }

        /** Gives local files and directories the remote ones' permission bits. */
        public Builder preserveModes() {
            this.preserveModes = true;
            return this;
        }

        public Download build() {
            return new Download(this);
        }
    }
}
