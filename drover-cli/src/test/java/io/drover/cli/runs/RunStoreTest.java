package io.drover.cli.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    @TempDir
    Path dir;

    private static RunRecord record(String id, List<RunRecord.HostEntry> hosts) {
        return new RunRecord(RunRecord.VERSION, id, Instant.parse("2025-03-07T14:25:01.123Z"), 1234, "run",
                List.of("uname", "-r"),
                new RunRecord.Selection(List.of("web[1-3]"), List.of(), false, null, null, List.of("web2"), null),
                new RunRecord.Options("/tmp/ssh_config", null, null, List.of(), 10, "30s", null, true, "/srv",
                        List.of("A=1"), null, false, false, "10%", new RunRecord.Lock("/tmp/deploy.lock", "4000ms"),
                        null, null),
                false, 1, hosts);
    }

    private static final List<RunRecord.HostEntry> HOSTS = List.of(
            new RunRecord.HostEntry("web1", "web1", "ok", 0, null, 40, null),
            new RunRecord.HostEntry("web3", "alice@web3:2222", "failed", 2, null, 41, "exit 2"),
            new RunRecord.HostEntry("web4", "web4", "unreachable", null, null, 3, "Connection refused"));

    @Test
    void aRecordReadsBackAsWrittenAndOnlyItsOwnerCanReadIt() throws Exception {
        RunStore store = new RunStore(dir.resolve("runs"), InstantSource.fixed(Instant.parse("2025-03-07T14:25:01.123Z")));
        String id = store.newId();
        assertThat(id).isEqualTo("20250307-142501-123");
        RunRecord written = store.write(record(id, HOSTS));
        assertThat(written.id()).isEqualTo(id);
        assertThat(store.find(null)).isEqualTo(written);
        Path file = dir.resolve("runs/" + id + ".json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("runs")))).isEqualTo("rwx------");
        assertThat(Files.readString(file)).contains("\"exit_code\"").contains("\"duration_ms\"");
        try (var files = Files.list(dir.resolve("runs"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(id + ".json");
        }
    }

    @Test
    void recordsWithTheSameMillisecondGetDistinctSortableIds() {
        RunStore store = new RunStore(dir, InstantSource.fixed(Instant.parse("2025-03-07T14:25:01.999Z")));
        String a = store.write(record(store.newId(), HOSTS)).id();
        String b = store.write(record(store.newId(), HOSTS)).id();
        String c = store.write(record(store.newId(), HOSTS)).id();
        assertThat(List.of(a, b, c)).containsExactly("20250307-142501-999", "20250307-142502-000",
                "20250307-142502-001");
        assertThat(store.ids()).containsExactly(c, b, a);
    }

    @Test
    void runsAreFoundByIdPrefixOrLast() {
        RunStore store = new RunStore(dir, InstantSource.system());
        store.write(record("20250307-142501-123", HOSTS));
        store.write(record("20250307-150000-000", HOSTS));
        store.write(record("20250308-090000-000", HOSTS));
        assertThat(store.find("last").id()).isEqualTo("20250308-090000-000");
        assertThat(store.find("20250308").id()).isEqualTo("20250308-090000-000");
        assertThat(store.find("20250307-1425").id()).isEqualTo("20250307-142501-123");
        assertThatThrownBy(() -> store.find("20250307")).isInstanceOf(UsageException.class)
                .hasMessageContaining("ambiguous").hasMessageContaining("20250307-150000-000");
        assertThatThrownBy(() -> store.find("1999")).isInstanceOf(UsageException.class)
                .hasMessageContaining("no run '1999'");
    }

    @Test
    void theLastOfACommandIsItsNewestRecordWhateverRanSince() {
        RunStore store = new RunStore(dir, InstantSource.system());
        RunRecord run = record("20250307-142501-123", HOSTS);
        store.write(run);
        RunRecord sync = new RunRecord(RunRecord.VERSION, "20250307-150000-000", run.started(), 1, "sync",
                List.of("--root", "/srv/app", "dist/"), run.selection(), run.options(), false, 1, HOSTS);
        store.write(sync);
        store.write(record("20250308-090000-000", HOSTS));
        assertThat(store.find("last", "sync").id()).isEqualTo("20250307-150000-000");
        assertThat(store.find(null, "run").id()).isEqualTo("20250308-090000-000");
        assertThat(store.find("20250307-1425", "sync").id()).as("an id is taken as it is")
                .isEqualTo("20250307-142501-123");
        assertThatThrownBy(() -> store.find("last", "download")).isInstanceOf(UsageException.class)
                .hasMessageContaining("no download recorded yet");
    }

    @Test
    void noRunsYetIsAClearError() {
        assertThatThrownBy(() -> new RunStore(dir, InstantSource.system()).find(null))
                .isInstanceOf(UsageException.class).hasMessageContaining("no runs recorded yet");
    }

    @Test
    void onlyTheNewestRecordsAreKept() {
        RunStore store = new RunStore(dir, InstantSource.fixed(Instant.parse("2025-03-07T00:00:00Z")), 10);
        for (int i = 0; i < 15; i++) {
            store.write(record(store.newId(), List.of()));
        }
        List<String> ids = store.ids();
        assertThat(ids).hasSize(10);
        assertThat(ids.getFirst()).isEqualTo("20250307-000000-014");
        assertThat(ids.getLast()).isEqualTo("20250307-000000-005");
    }

    /** A record as drover wrote it before run records kept the cluster lock (no {@code lock} in the options). */
    static final String BEFORE_LOCKS_WERE_RECORDED = """
            {
              "version" : 1,
              "id" : "20261122-052850-745",
              "started" : "2026-11-22T05:28:50.745521583Z",
              "duration_ms" : 688,
              "command" : "run",
              "args" : [ "echo", "hi" ],
              "selection" : {
                "hosts" : [ "web1" ], "host_files" : [ ], "stdin_hosts" : false, "inventory" : null,
                "limit" : null, "exclude" : [ ], "retry_of" : null
              },
              "options" : {
                "ssh_config" : "none", "user" : null, "port" : 1, "ssh_options" : [ ], "parallel" : null,
                "timeout" : null, "connect_timeout" : "2000ms", "sudo" : true, "cd" : null, "env" : [ ],
                "stdin" : null, "pty" : false, "fail_fast" : false, "max_failures" : null
              },
              "interrupted" : false,
              "exit_code" : 3,
              "hosts" : [ {
                "host" : "web1", "destination" : "web1", "result" : "unreachable", "exit_code" : null,
                "signal" : null, "duration_ms" : 0, "error" : "Connection refused"
              } ]
            }
            """;

    @Test
    void aRecordWrittenBeforeLocksWereRecordedReadsAsAnUnlockedRun() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("20261122-052850-745.json"), BEFORE_LOCKS_WERE_RECORDED);
        RunRecord r = new RunStore(dir, InstantSource.system()).find("last");
        assertThat(r.options().lock()).isNull();
        assertThat(r.options().sudo()).isTrue();
        assertThat(r.options().connectTimeout()).isEqualTo("2000ms");
        assertThat(r.notOk()).containsExactly("web1");
    }

    @Test
    void theHostsToRetryAreEveryHostThatWasNotOkByDestination() {
        assertThat(record("x", HOSTS).notOk()).containsExactly("alice@web3:2222", "web4");
    }
}
