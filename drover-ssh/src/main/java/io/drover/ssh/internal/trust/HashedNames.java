package io.drover.ssh.internal.trust;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hashed host fields ({@code |1|salt|hash}, {@code HashKnownHosts yes}) of known_hosts lines, decoded once, and
 * matched against a name by HMAC-SHA1(salt, name) as OpenSSH does ({@code host_hash}). Each line's HMAC key states
 * ({@link Sha1#padStates}) are computed on the first {@link #scan} and kept, so a scan costs two SHA-1 compressions per
 * line and allocates nothing per line. Thread-safe.
 */
final class HashedNames {
    private static final int SALT = 20;
    private static final HashedNames EMPTY = new HashedNames(new byte[0], new int[0]);

    private final int size;
    private final byte[] salts;
    private final int[] hashes;
    private volatile int[] pads;
    private final LongAdder checks = new LongAdder();

    private HashedNames(byte[] salts, int[] hashes) {
        this.size = hashes.length / Sha1.STATE;
        this.salts = salts;
        this.hashes = hashes;
    }

    static HashedNames empty() {
        return EMPTY;
    }

    /**
     * Decodes the fields.
     *
     * @throws IllegalArgumentException naming the field when one is not {@code |1|base64(20 bytes)|base64(20 bytes)}
     */
    static HashedNames of(List<String> fields) {
        if (fields.isEmpty()) {
            return EMPTY;
        }
        byte[] salts = new byte[fields.size() * SALT];
        int[] hashes = new int[fields.size() * Sha1.STATE];
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i);
            byte[][] saltAndHash = KnownHostsEntry.parseHashed(field)
                    .orElseThrow(() -> new IllegalArgumentException("not a hashed host name: " + field));
            System.arraycopy(saltAndHash[0], 0, salts, i * SALT, SALT);
            Sha1.words(saltAndHash[1], 0, hashes, i * Sha1.STATE);
        }
        return new HashedNames(salts, hashes);
    }

    /** How many fields. */
    int size() {
        return size;
    }

    /** These fields followed by {@code more}'s. */
    HashedNames plus(HashedNames more) {
        if (more.size == 0) {
            return this;
        }
        if (size == 0) {
            return more;
        }
        byte[] s = Arrays.copyOf(salts, salts.length + more.salts.length);
        System.arraycopy(more.salts, 0, s, salts.length, more.salts.length);
        int[] h = Arrays.copyOf(hashes, hashes.length + more.hashes.length);
        System.arraycopy(more.hashes, 0, h, hashes.length, more.hashes.length);
        return new HashedNames(s, h);
    }

    /** A name made ready to be matched, with the scratch one matching thread needs. Not thread-safe. */
    static final class Probe {
        final String name;
        final int[] message;
        final int[] w = new int[Sha1.SCHEDULE];
        final int[] inner = new int[Sha1.STATE];
        final int[] digest = new int[Sha1.STATE];
        final int[] pads = new int[Sha1.PADS];

        Probe(String name) {
            this.name = requireNonNull(name, "name is null");
            this.message = Sha1.schedulesAfterOneBlock(name.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Whether field {@code i} is the hash of the probe's name. Costs four compressions when no scan has run yet (the
     * key's states are then computed for this call only), two after.
     */
    boolean matches(int i, Probe p) {
        checks.increment();
        int[] all = pads;
        if (all != null) {
            return matches(i, all, i * Sha1.PADS, p);
        }
        Sha1.padStates(salts, i * SALT, SALT, p.pads, 0, p.w);
        return matches(i, p.pads, 0, p);
    }

    private boolean matches(int i, int[] keyPads, int po, Probe p) {
        Sha1.hmac(keyPads, po, p.message, p.inner, p.digest, 0);
        int h = i * Sha1.STATE;
        int[] d = p.digest;
        // not secret: the hashes are in the file; no need for a constant-time comparison
        return d[0] == hashes[h] && d[1] == hashes[h + 1] && d[2] == hashes[h + 2] && d[3] == hashes[h + 3]
                && d[4] == hashes[h + 4];
    }

    /** Appends to {@code out} the indexes in {@code [from, to)} of the fields that hash the probe's name, ascending. */
    void scan(Probe p, int from, int to, IntList out) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + size + " fields");
        }
        checks.add(to - from);
        int[] all = pads();
        for (int i = from; i < to; i++) {
            if (matches(i, all, i * Sha1.PADS, p)) {
                out.add(i);
            }
        }
    }

    private int[] pads() {
        int[] all = pads;
        if (all == null) {
            synchronized (this) {
                all = pads;
                if (all == null) {
                    all = new int[size * Sha1.PADS];
                    int[] w = new int[Sha1.SCHEDULE];
                    for (int i = 0; i < size; i++) {
                        Sha1.padStates(salts, i * SALT, SALT, all, i * Sha1.PADS, w);
                    }
                    pads = all;
                }
            }
        }
        return all;
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
