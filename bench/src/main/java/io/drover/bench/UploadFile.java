package io.drover.bench;

import io.drover.api.RunReport;
import io.drover.core.Group;
import io.drover.core.Upload;
import io.drover.ssh.Ssh;
import java.nio.file.Path;

/**
 * W3 until {@code drover upload} exists: one local file to every host with the library's {@link Upload} (SFTP, written
 * to a temporary name then renamed), over one {@link Group}. Arguments: {@code -F CONFIG -H SPEC --parallel N SOURCE
 * TARGET}. Prints the connect and upload times as JSON; exit status 0 when every host got the file.
 */
public final class UploadFile {
    private UploadFile() {}

    public static void main(String[] args) {
        BenchArgs a = BenchArgs.parse(args);
        if (a.rest.size() != 2) {
            throw new IllegalArgumentException("expected SOURCE TARGET, got " + a.rest);
        }
        Upload upload = Upload.of(Path.of(a.rest.get(0)), a.rest.get(1));
        boolean ok;
        try (Ssh ssh = a.ssh()) {
            long t0 = System.nanoTime();
            try (Group group = Group.builder(ssh).targets(a.targets()).dialConcurrency(a.parallel)
                    .maxInFlight(a.parallel).connect()) {
                double connect = BenchArgs.since(t0);
                long t1 = System.nanoTime();
                RunReport<Object> report = group.run("upload", host -> {
                    host.upload(upload);
                    return null;
                });
                ok = report.allOk();
                report.problems().stream().limit(5).forEach(p -> System.err.println("failed: " + p));
                System.out.println("{" + BenchArgs.json("connect_wall_s", connect) + ", "
                        + BenchArgs.json("upload_wall_s", BenchArgs.since(t1)) + ", \"failed\": "
                        + report.problems().size() + "}");
            }
        }
        System.exit(ok ? 0 : 1);
    }
}
