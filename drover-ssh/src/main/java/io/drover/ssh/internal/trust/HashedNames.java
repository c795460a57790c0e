package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hashed host fields ({@code |1|salt|hash}, {@code HashKnownHosts yes}) of known_hosts lines, matched against a
 * name by HMAC-SHA1(salt, name) as OpenSSH does ({@code host_hash}). The first {@link #scan} decodes every field once
 * and computes each line's HMAC key states ({@link Sha1#padStates}); from then on a scan costs two SHA-1 compressions
 * per line and allocates nothing per line. Until then (when a cache answers, no scan may ever run) single lines are
 * decoded as they are asked about. Thread-safe.
 */
final class HashedNames {
    private static final int SALT = 20;
    private static final HashedNames EMPTY = new HashedNames(new String[0]);

    /** Per line: the pad states ({@link Sha1#PADS} words) and the hash ({@link Sha1#STATE} words). */
    private record Tables(int[] pads, int[] hashes) {}

    private final String[] fields;
    private volatile Tables tables;
    private final LongAdder checks = new LongAdder();

    private HashedNames(String[] fields) {
        this.fields = fields;
    }

    /**
     * The fields, which must be {@code |1|base64(20 bytes)|base64(20 bytes)} (lines that are not were skipped when
     * the file was parsed).
     *
     * @throws IllegalArgumentException naming the first field that is not
     */
    static HashedNames of(List<String> fields) {
        if (fields.isEmpty()) {
            return EMPTY;
        }
        for (String f : fields) {
            if (!f.startsWith(KnownHostsEntry.HASH_MAGIC)) {
                throw new IllegalArgumentException("not a hashed host name: " + f);
            }
        }
        return new HashedNames(fields.toArray(String[]::new));
    }

    /** How many fields. */
    int size() {
        return fields.length;
    }

    private byte[][] decode(int i) {
        return KnownHostsEntry.parseHashed(fields[i])
                .orElseThrow(() -> new IllegalArgumentException("not a hashed host name: " + fields[i]));
    }

    /** A name made ready to be matched, with the scratch one matching thread needs. Not thread-safe. */
    static final class Probe {
        final String name;
        final int[] message;
        final int[] w = new int[Sha1.SCHEDULE];
        final int[] inner = new int[Sha1.STATE];
        final int[] digest = new int[Sha1.STATE];
        final int[] pads = new int[Sha1.PADS];
        final int[] hash = new int[Sha1.STATE];

        Probe(String name) {
            this.name = requireNonNull(name, "name is null");
            this.message = Sha1.schedulesAfterOneBlock(name.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Whether field {@code i} is the hash of the probe's name. Costs four compressions and a decoding when no scan has
     * run yet, two after.
     */
    boolean matches(int i, Probe p) {
        checks.increment();
        Tables t = tables;
        if (t != null) {
            return matches(t.pads(), i * Sha1.PADS, t.hashes(), i * Sha1.STATE, p);
        }
        byte[][] saltAndHash = decode(i);
        Sha1.padStates(saltAndHash[0], 0, SALT, p.pads, 0, p.w);
        Sha1.words(saltAndHash[1], 0, p.hash, 0);
        return matches(p.pads, 0, p.hash, 0, p);
    }

    private static boolean matches(int[] pads, int po, int[] hashes, int h, Probe p) {
        Sha1.hmac(pads, po, p.message, p.inner, p.digest, 0);
        int[] d = p.digest;
        // not secret: the hashes are in the file; no need for a constant-time comparison
        return d[0] == hashes[h] && d[1] == hashes[h + 1] && d[2] == hashes[h + 2] && d[3] == hashes[h + 3]
                && d[4] == hashes[h + 4];
    }

    /** Appends to {@code out} the indexes in {@code [from, to)} of the fields that hash the probe's name, ascending. */
    void scan(Probe p, int from, int to, IntList out) {
        if (from < 0 || to > fields.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + fields.length + " fields");
        }
        checks.add(to - from);
        Tables t = tables();
        int[] pads = t.pads();
        int[] hashes = t.hashes();
        for (int i = from; i < to; i++) {
            if (matches(pads, i * Sha1.PADS, hashes, i * Sha1.STATE, p)) {
                out.add(i);
            }
        }
    }

    private Tables tables() {
        Tables t = tables;
        if (t == null) {
            synchronized (this) {
                t = tables;
                if (t == null) {
                    int[] pads = new int[fields.length * Sha1.PADS];
                    int[] hashes = new int[fields.length * Sha1.STATE];
                    int[] w = new int[Sha1.SCHEDULE];
                    for (int i = 0; i < fields.length; i++) {
                        byte[][] saltAndHash = decode(i);
                        Sha1.padStates(saltAndHash[0], 0, SALT, pads, i * Sha1.PADS, w);
                        Sha1.words(saltAndHash[1], 0, hashes, i * Sha1.STATE);
                    }
                    tables = t = new Tables(pads, hashes);
                }
            }
        }
        return t;
    }

    /** How many (field, name) pairs were checked so far: what lookups cost, for tests and measurements. */
    long checks() {
        return checks.sum();
    }

    /** A growable list of ints, for match results (a handful per name). Not thread-safe. */
    static final class IntList {
        private int[] values = new int[4];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        int get(int i) {
            return values[i];
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
