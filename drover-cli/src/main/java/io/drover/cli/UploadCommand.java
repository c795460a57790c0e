package io.drover.cli;

import io.drover.sync.FileSync;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code drover upload}: add files to a directory on every host, each file replaced atomically. */
@Command(name = "upload", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Copy SRC... into the remote directory DEST on every host (created when missing). The files "
                + "are read once and sent as one tar stream to all hosts at once; each host extracts them beside "
                + "their place, and only when all arrived is each file renamed into place, so no file is ever seen "
                + "half-written. Files already in DEST that are not sent stay (use 'drover sync' to replace a whole "
                + "tree).",
            "Like rsync: 'SRC/' sends a directory's contents, 'SRC' the directory itself; --relative keeps the "
                + "paths as given."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover upload -H 'web[01-16]' nginx.conf /etc/nginx/ --sudo --then 'systemctl reload nginx'",
            "  drover upload -f hosts.txt tools/ /usr/local/bin --sudo --owner",
            "  drover upload -H 'db[1-3]' --relative etc/my.cnf.d/tuning.cnf /",
            "",
            "Exit codes: 0 all ok; 1 failed somewhere; 2 bad input; 3 a host unreachable; 4 the cluster lock "
                + "(--lock) was lost; 130 interrupted."
        })
final class UploadCommand extends FleetCommand {
    @Mixin
    SyncCommand.Transfer transfer;

    @Mixin
    ClusterLockOptions lock;

    @Mixin
    OutputOptions output;

    @Mixin
    LogOptions log;

    @Parameters(paramLabel = "SRC... DEST", arity = "0..*",
            description = "Local files and directories to send, then the remote directory (absolute) to put them in.")
    List<String> paths = new ArrayList<>();

    @Override
    public Integer call() {
        if (transfer.retryFailed == null && paths.size() < 2) {
            throw new UsageException("give what to send and where: drover upload SRC... DEST");
        }
        String dest = paths.isEmpty() ? null : paths.getLast();
        List<String> sources = paths.isEmpty() ? List.of() : paths.subList(0, paths.size() - 1);
        SyncCommand.Job job = new SyncCommand.Job(FileSync.Mode.UPLOAD, dest, List.copyOf(sources), Optional.empty(),
                false, false, "upload", paths);
        return transfer.execute(this, lock, output, log, job);
    }
}
