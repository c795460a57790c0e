package io.drover.cli.runs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.drover.cli.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Run records on disk: one JSON file per run, {@code DIR/ID.json}, written atomically (temporary file, then
 * rename) and readable only by the user (they may hold environment values given with {@code --env}). Ids are UTC
 * timestamps to the millisecond ({@code 20250307-142501-123}) and sort in time order. Keeps the newest
 * {@value #KEEP} records. Thread-safe for one process; two processes get distinct ids.
 */
public final class RunStore {
    /** How many records are kept; older ones are deleted when a new one is written. */
    public static final int KEEP = 200;
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Path dir;
    private final InstantSource clock;
    private final int keep;

    public RunStore(Path dir, InstantSource clock) {
        this(dir, clock, KEEP);
    }

    RunStore(Path dir, InstantSource clock, int keep) {
        this.dir = requireNonNull(dir, "dir is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.keep = keep;
    }

    public Path directory() {
        return dir;
    }

    /**
     * The id for a run starting now: the clock's time, or a millisecond after the newest record when the clock is
     * behind it (so ids only grow); {@link #write} moves it on while it is taken.
     */
    public String newId() {
        return newId(clock.instant());
    }

    /** The id for a run that started at {@code started}, as {@link #newId()}. */
    public String newId(Instant started) {
        String id = ID.format(started);
        List<String> ids = ids();
        if (!ids.isEmpty() && ids.getFirst().compareTo(id) >= 0) {
            id = nextId(ids.getFirst());
        }
        return id;
    }

    /**
     * Writes {@code record} atomically as {@code DIR/ID.json} (never over another record: when its id is taken,
     * the next free millisecond is used) and deletes the oldest records beyond {@value #KEEP}.
     *
     * @return the record as stored (its id may differ from the one given)
     * @throws UncheckedIOException when the directory cannot be created or written
     */
    public RunRecord write(RunRecord record) {
        try {
            ensureDir();
            Path tmp = Files.createTempFile(dir, ".run-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                RunRecord r = record;
                while (true) {
                    Files.write(tmp, JSON.writeValueAsBytes(r));
                    try {
                        // a hard link is created atomically and never replaces an existing file
                        Files.createLink(dir.resolve(r.id() + ".json"), tmp);
                        break;
                    } catch (FileAlreadyExistsException e) {
                        r = r.withId(nextId(r.id()));
                    }
                }
                prune();
                return r;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | JacksonException e) {
            throw new UncheckedIOException("cannot write run record in " + dir + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static String nextId(String id) {
        try {
            Instant t = java.time.LocalDateTime.parse(id, DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"))
                    .toInstant(ZoneOffset.UTC);
            return ID.format(t.plusMillis(1));
        } catch (java.time.format.DateTimeParseException e) {
            return id + "-1";
        }
    }

    private void ensureDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
    }

    private void prune() throws IOException {
        List<String> ids = ids();
        for (int i = keep; i < ids.size(); i++) {
            Files.deleteIfExists(dir.resolve(ids.get(i) + ".json"));
        }
    }

    /** Every record's id, newest first. */
    public List<String> ids() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted(java.util.Comparator.reverseOrder())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list run records in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads the record {@code id}; empty when it does not exist or cannot be read. */
    public Optional<RunRecord> read(String id) {
        Path p = dir.resolve(id + ".json");
        try {
            return Optional.of(JSON.readValue(Files.readString(p, UTF_8), RunRecord.class));
        } catch (IOException | JacksonException e) {
            return Optional.empty();
        }
    }

    /** Up to {@code max} readable records, newest first. */
    public List<RunRecord> list(int max) {
        List<RunRecord> out = new ArrayList<>();
        for (String id : ids()) {
            if (out.size() >= max) {
                break;
            }
            read(id).ifPresent(out::add);
        }
        return out;
    }

    /**
     * As {@link #find(String)}, but {@code null} or {@code last} means the newest record of {@code command} (the
     * last {@code download} for {@code download --retry-failed}, whatever ran since).
     *
     * @throws UsageException naming the reference and what exists
     */
    public RunRecord find(String ref, String command) {
        if (ref != null && !ref.equals("last")) {
            return find(ref);
        }
        for (String id : ids()) {
            Optional<RunRecord> r = read(id);
            if (r.isPresent() && r.get().command().equals(command)) {
                return r.get();
            }
        }
        throw new UsageException("no " + command + " recorded yet in " + dir);
    }

    /**
     * The record a user means by {@code ref}: {@code null} or {@code last} for the newest, else an id or a prefix
     * of exactly one id.
     *
     * @throws UsageException naming the reference and what exists
     */
    public RunRecord find(String ref) {
        List<String> ids = ids();
        if (ids.isEmpty()) {
            throw new UsageException("no runs recorded yet in " + dir);
        }
        String id;
        if (ref == null || ref.equals("last")) {
            id = ids.getFirst();
        } else {
            List<String> matches = ids.stream().filter(i -> i.startsWith(ref)).toList();
            if (matches.isEmpty()) {
                throw new UsageException("no run '" + ref + "' in " + dir + " (newest: " + ids.getFirst()
                        + "; 'drover runs' lists them)");
            }
            if (matches.size() > 1 && !matches.contains(ref)) {
                throw new UsageException("run '" + ref + "' is ambiguous: " + matches.size() + " runs start with it ("
                        + String.join(", ", matches.subList(0, Math.min(5, matches.size())))
                        + (matches.size() > 5 ? ", ..." : "") + ")");
            }
            id = matches.contains(ref) ? ref : matches.getFirst();
        }
        return read(id).orElseThrow(() -> new UsageException("run record " + dir.resolve(id + ".json")
                + " cannot be read (corrupt or from a newer drover)"));
    }
}
