package io.drover.sync;

import java.util.List;

/**
 * The POSIX sh scripts drover runs on hosts for uploads and syncs. Each takes its inputs as arguments (never
 * spliced into the script text), so paths with any characters are safe.
 *
 * <p>Layout on a host, for a sync of {@code /srv/app} with run id {@code ID}: the tree is extracted into
 * {@code /srv/.drover-stage.app.ID} (same directory, so same file system), then switched in with two renames:
 * {@code app -> .drover-old.app.ID}, {@code .drover-stage.app.ID -> app}, and the old tree is removed. The next run
 * first repairs a switch interrupted between the two renames (root missing, an old tree beside it: it is renamed
 * back) and deletes leftovers of interrupted runs. For an upload into {@code DEST}, the stage is
 * {@code DEST/.drover-upload.ID} and each file or symlink is renamed into place on its own.
 */
final class Scripts {
    private Scripts() {}

    private static final String COMMON = """
            set -e
            mode=$1 root=$2 id=$3 owner=$4
            case $root in /?*) ;; *) echo "drover: remote root '$root' must be an absolute path" >&2; exit 2;; esac
            if [ "$mode" = sync ]; then
              parent=$(dirname -- "$root"); base=$(basename -- "$root")
              stage=.drover-stage.$base.$id old=.drover-old.$base.$id
            else
              stage=.drover-upload.$id
            fi
            """;

    /** Prepares the stage (repairing and cleaning up earlier runs first), then extracts the tar on stdin into it. */
    private static final String STAGE = COMMON + """
            if [ "$mode" = sync ]; then
              [ -d "$parent" ] || mkdir -p -- "$parent"
              cd -- "$parent"
              if [ ! -e "$base" ] && [ ! -L "$base" ]; then
                for o in .drover-old."$base".*; do
                  if [ -d "$o" ]; then
                    mv -- "$o" "$base"
                    echo "drover: restored $root from $parent/$o (left by an interrupted switch)" >&2
                    break
                  fi
                done
              fi
              for o in .drover-stage."$base".* .drover-old."$base".*; do
                if [ -e "$o" ] || [ -L "$o" ]; then rm -rf -- .drover-stage."$base".* .drover-old."$base".*; break; fi
              done
              if ! mkdir -- "$stage"; then
                [ -e "$stage" ] && echo "drover: $parent/$stage was just made by another drover: is $parent shared with another host (NFS, or a lab host without its own $parent)? Each host needs its own" >&2
                exit 1
              fi
              if [ -d "$base" ]; then
                chmod --reference="$base" -- "$stage" 2>/dev/null || :
                chown --reference="$base" -- "$stage" 2>/dev/null || :
              fi
            else
              [ -d "$root" ] || mkdir -p -- "$root"
              cd -- "$root"
              for o in .drover-upload.*; do
                if [ -e "$o" ] || [ -L "$o" ]; then rm -rf -- .drover-upload.*; break; fi
              done
              if ! mkdir -m 700 -- "$stage"; then
                [ -e "$stage" ] && echo "drover: $root/$stage was just made by another drover: is $root shared with another host (NFS, or a lab host without its own $root)? Each host needs its own" >&2
                exit 1
              fi
            fi
            if [ "$owner" = 1 ]; then own=--same-owner; else own=--no-same-owner; fi
            # GNU tar reads (and writes files) in records of 20 blocks by default: 10 KiB per system call. 128 KiB
            # records cut the extracting tar's CPU by a third. Other tars ignore TAR_OPTIONS.
            TAR_OPTIONS=--blocking-factor=256
            export TAR_OPTIONS
            exec tar -x -p $own -f - -C "$stage"
            """;

    /** Switches the staged tree in (sync) or renames every staged entry into place (upload). */
    private static final String PLACE = COMMON + """
            if [ "$mode" = sync ]; then
              cd -- "$parent"
              [ -d "$stage" ] || { echo "drover: the staged tree $parent/$stage is gone" >&2; exit 1; }
              if [ -e "$base" ] || [ -L "$base" ]; then mv -- "$base" "$old"; fi
              if ! mv -- "$stage" "$base"; then
                if [ -e "$old" ] || [ -L "$old" ]; then mv -- "$old" "$base"; fi
                echo "drover: could not switch $root (is it a mount point?); the old tree is in place" >&2
                exit 1
              fi
              rm -rf -- "$old"
            else
              cd -- "$root/$stage"
              flat=1
              for f in * .[!.]* ..?*; do
                if [ -d "$f" ] && [ ! -L "$f" ]; then flat=0; break; fi
              done
              if [ "$flat" = 1 ]; then
                # only files and symlinks (the common upload): rename each into place, no find and no extra shell
                for f in * .[!.]* ..?*; do
                  if [ -e "$f" ] || [ -L "$f" ]; then mv -fT -- "$f" "$root/$f"; fi
                done
              else
                find . -mindepth 1 -type d -exec sh -c 'for d; do mkdir -p -- "$0/$d"; done' "$root" {} +
                find . -mindepth 1 ! -type d -exec sh -c 'for f; do mv -fT -- "$f" "$0/$f"; done' "$root" {} +
                if [ "$owner" = 1 ]; then
                  find . -mindepth 1 -type d -exec sh -c 'for d; do chown --reference="$d" -- "$0/$d"; done' "$root" {} +
                fi
                find . -mindepth 1 -depth -type d -exec sh -c \\
                  'for d; do chmod --reference="$d" -- "$0/$d" && touch -r "$d" -- "$0/$d"; done' "$root" {} +
              fi
              cd -- "$root"
              rm -rf -- "$stage"
            fi
            """;

    /** Removes this run's stage (after a failure elsewhere, or a cancelled run). */
    private static final String DISCARD = COMMON + """
            if [ "$mode" = sync ]; then cd -- "$parent"; else cd -- "$root"; fi
            rm -rf -- "$stage"
            """;

    static String stage(FileSync.Mode mode, String root, String id, boolean owner, boolean sudo) {
        return Sh.command("drover-stage", STAGE, args(mode, root, id, owner), sudo);
    }

    static String place(FileSync.Mode mode, String root, String id, boolean owner, boolean sudo) {
        return Sh.command("drover-place", PLACE, args(mode, root, id, owner), sudo);
    }

    static String discard(FileSync.Mode mode, String root, String id, boolean sudo) {
        return Sh.command("drover-discard", DISCARD, args(mode, root, id, false), sudo);
    }

    /** {@code command} run by the login shell (as the user typed it) in {@code root}. */
    static String inRoot(String root, String command, boolean sudo) {
        String script = "cd -- " + Sh.quote(root) + " || exit 1\n" + command;
        return sudo ? "sudo -n -- sh -c " + Sh.quote(script) : script;
    }

    private static List<String> args(FileSync.Mode mode, String root, String id, boolean owner) {
        return List.of(mode == FileSync.Mode.SYNC ? "sync" : "upload", root, id, owner ? "1" : "0");
    }
}
