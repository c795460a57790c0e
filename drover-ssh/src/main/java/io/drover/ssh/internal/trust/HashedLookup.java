package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which hashed lines of a loaded {@link KnownHosts} name a host. Hashed names cannot be indexed, so a name is checked
 * against every hashed line ({@link HashedNames#scan}) unless it was looked up before: in this process (remembered
 * here, by name) or, for a file with a {@link KnownHostsCacheFile}, in an earlier run. Thread-safe.
 */
final class HashedLookup {
    /** Names remembered per process at most; beyond, lookups still work, they are just not remembered. */
    private static final int MEMO_LIMIT = 100_000;

    /** The lines of one file, and its cache if it has one. */
    record Part(int entryStart, int entryEnd, Optional<KnownHostsCacheFile> cache) {
        Part {
            requireNonNull(cache, "cache is null");
            if (entryStart < 0 || entryEnd < entryStart) {
                throw new IllegalArgumentException("entries [" + entryStart + ", " + entryEnd + ") is not a range");
            }
        }
    }

    private final int entryCount;
    private final HashedNames names;
    /** The index in the entry list of each hashed line, by ordinal. */
    private final int[] entryIndex;
    /** Per part: the first ordinal, the end ordinal (exclusive), and the cache. */
    private final int[] partStart;
    private final int[] partEnd;
    private final List<Optional<KnownHostsCacheFile>> caches;
    private final ConcurrentHashMap<String, int[]> memo = new ConcurrentHashMap<>();

    private HashedLookup(
            int entryCount,
            HashedNames names,
            int[] entryIndex,
            int[] partStart,
            int[] partEnd,
            List<Optional<KnownHostsCacheFile>> caches) {
        this.entryCount = entryCount;
        this.names = names;
        this.entryIndex = entryIndex;
        this.partStart = partStart;
        this.partEnd = partEnd;
        this.caches = caches;
    }

    /** The hashed lines among {@code entries}, in parts that cover the entries in order, one part per file. */
    static HashedLookup of(List<KnownHostsEntry> entries, List<Part> parts) {
        List<String> fields = new ArrayList<>();
        int[] index = new int[entries.size()];
        int[] starts = new int[parts.size()];
        int[] ends = new int[parts.size()];
        List<Optional<KnownHostsCacheFile>> caches = new ArrayList<>();
        int expected = 0;
        for (int p = 0; p < parts.size(); p++) {
            Part part = parts.get(p);
            if (part.entryStart() != expected || part.entryEnd() > entries.size()) {
                throw new IllegalArgumentException("parts must cover the " + entries.size()
                        + " entries in order; part " + p + " is [" + part.entryStart() + ", " + part.entryEnd() + ")");
            }
            starts[p] = fields.size();
            for (int i = part.entryStart(); i < part.entryEnd(); i++) {
                if (entries.get(i).hashed()) {
                    index[fields.size()] = i;
                    fields.add(entries.get(i).hosts());
                }
            }
            ends[p] = fields.size();
            caches.add(part.cache());
            expected = part.entryEnd();
        }
        if (expected != entries.size()) {
            throw new IllegalArgumentException("parts cover " + expected + " of " + entries.size() + " entries");
        }
        return new HashedLookup(
                entries.size(), HashedNames.of(fields), Arrays.copyOf(index, fields.size()), starts, ends,
                List.copyOf(caches));
    }

    /** The entries this covers: the first {@code entryCount()} of the snapshot. */
    int entryCount() {
        return entryCount;
    }

    /** How many (hashed line, name) pairs were checked by HMAC so far. */
    long checks() {
        return names.checks();
    }

    /** The indexes (in the entry list) of the hashed lines that name {@code name}, ascending. */
    int[] lookup(String name) {
        int[] known = memo.get(name);
        if (known != null) {
            return known;
        }
        if (names.size() == 0) {
            return new int[0];
        }
        HashedNames.Probe probe = new HashedNames.Probe(name);
        HashedNames.IntList ordinals = new HashedNames.IntList();
        for (int p = 0; p < partStart.length; p++) {
            Optional<KnownHostsCacheFile> cache = caches.get(p);
            if (cache.isPresent()) {
                cache.get().lookup(probe, names, partStart[p], partEnd[p], ordinals);
            } else {
                names.scan(probe, partStart[p], partEnd[p], ordinals);
            }
        }
        int[] found = new int[ordinals.size()];
        for (int i = 0; i < found.length; i++) {
            found[i] = entryIndex[ordinals.get(i)];
        }
        if (memo.size() < MEMO_LIMIT) {
            memo.putIfAbsent(name, found);
        }
        return found;
    }
}
