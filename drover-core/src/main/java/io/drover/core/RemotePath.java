package io.drover.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * An absolute path on a remote unix host, never the controller's {@link java.nio.file.Path}. Kept in a normal
 * form: repeated {@code /} and {@code .} segments removed, no trailing {@code /} except for the root. {@code ..}
 * segments are kept as they are (they are resolved by the remote host, where symbolic links may change their
 * meaning).
 *
 * @param path the absolute path, e.g. {@code /srv/app/current}
 */
public record RemotePath(String path) {
    public RemotePath {
        requireNonNull(path, "path is null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("remote path (" + path + ") must be absolute, like /srv/app"
                    + (path.startsWith("~") ? " (~ is not expanded: use HostSession.home().resolve(...))" : ""));
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("remote path (" + path.replace("\0", "\\0") + ") must not contain NUL");
        }
        path = normalize(path);
    }

    /** @throws IllegalArgumentException when {@code path} is not absolute, naming it */
    public static RemotePath of(String path) {
        return new RemotePath(path);
    }

    /**
     * This path joined with a relative one ({@code "conf/app.yml"}).
     *
     * @throws IllegalArgumentException when {@code relative} is absolute or empty
     */
    public RemotePath resolve(String relative) {
        requireNonNull(relative, "relative is null");
        if (relative.isEmpty() || relative.startsWith("/")) {
            throw new IllegalArgumentException("relative path (" + relative + ") must be non-empty and not start with /");
        }
        return new RemotePath(path.equals("/") ? "/" + relative : path + "/" + relative);
    }

    /** The parent directory; empty for the root. */
    public Optional<RemotePath> parent() {
        if (path.equals("/")) {
            return Optional.empty();
        }
        int slash = path.lastIndexOf('/');
        return Optional.of(new RemotePath(slash == 0 ? "/" : path.substring(0, slash)));
    }

    /** The last segment ({@code "current"} for {@code /srv/app/current}); empty for the root. */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return path;
    }

    private static String normalize(String p) {
        StringBuilder sb = new StringBuilder(p.length());
        for (String segment : p.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            sb.append('/').append(segment);
        }
        return sb.isEmpty() ? "/" : sb.toString();
    }
}
