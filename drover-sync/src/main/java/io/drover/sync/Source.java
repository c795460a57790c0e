package io.drover.sync;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One local file, directory or symlink to send, and where it lands under the remote root.
 *
 * @param path the local path (a symlink is sent as a symlink, never followed)
 * @param target where it lands, relative to the remote root, with {@code /} separators: {@code ""} puts a
 *     directory's contents directly into the root; otherwise a normalized relative path without {@code .} or
 *     {@code ..} components
 */
public record Source(Path path, String target) {
    public Source {
        requireNonNull(path, "path is null");
        requireNonNull(target, "target is null");
        if (!target.isEmpty()) {
            if (target.startsWith("/") || target.endsWith("/")) {
                throw new SyncException("target (" + target + ") of " + path
                        + " must be relative, without a leading or trailing '/'");
            }
            for (String part : target.split("/", -1)) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    throw new SyncException("target (" + target + ") of " + path
                            + " must not contain empty, '.' or '..' components");
                }
            }
        }
    }

    /** The path under its own name (like {@code scp} and {@code rsync} without {@code -R}): {@code a/b/c} lands as {@code c}. */
    public static Source named(Path path) {
        Path name = path.toAbsolutePath().normalize().getFileName();
        if (name == null) {
            throw new SyncException("source " + path + " has no name (the file system root): give its contents as '/' "
                    + "with a trailing slash, or name a directory");
        }
        return new Source(path, name.toString());
    }

    /** A directory's contents, placed directly into the remote root ({@code rsync dir/}). */
    public static Source contentsOf(Path directory) {
        return new Source(directory, "");
    }

    /**
     * Parses a command line argument. With {@code relative}, the path as given is kept ({@code rsync -R}): a leading
     * {@code /} and {@code ./} are dropped, and a {@code /./} marks where the kept part starts
     * ({@code /srv/./app/conf} lands as {@code app/conf}). Without, a trailing {@code /} (or {@code /.}) sends a
     * directory's contents, anything else lands under its own name.
     */
    public static Source parse(String argument, boolean relative) {
        requireNonNull(argument, "argument is null");
        if (argument.isEmpty()) {
            throw new SyncException("empty source path");
        }
        Path path = Path.of(argument);
        if (!relative) {
            if (argument.endsWith("/") || argument.endsWith("/.") || argument.equals(".")) {
                return contentsOf(path);
            }
            return named(path);
        }
        String kept = argument;
        int marker = kept.lastIndexOf("/./");
        if (marker >= 0) {
            kept = kept.substring(marker + 3);
        }
        List<String> parts = new ArrayList<>();
        for (String part : kept.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new SyncException("source " + argument + ": '..' is not allowed with --relative (the remote "
                        + "layout would leave the root); use /./ to mark where the kept part starts");
            }
            parts.add(part);
        }
        return new Source(path, String.join("/", parts));
    }

    /** The top-level name this source occupies under the root, or empty for contents-of sources. */
    String topName() {
        int slash = target.indexOf('/');
        return slash < 0 ? target : target.substring(0, slash);
    }
}
