package io.drover.ssh.internal.trust;

import static java.lang.Integer.rotateLeft;

/**
 * SHA-1's compression function (FIPS 180-4, section 6.1.2) over {@code int} words, and HMAC-SHA1 (RFC 2104) built on it
 * with a key's inner and outer padded states computed once: checking a name against a hashed known_hosts line then
 * costs two compressions and allocates nothing. Under the launcher's C1-only JIT the JDK's {@code Mac} has no SHA
 * intrinsic either, and adds key setup, two more compressions and allocation per line.
 *
 * <p>Words are big-endian, as SHA-1 reads its input. Stateless; callers bring their scratch arrays, so one thread's
 * scratch must not be shared with another's.
 */
final class Sha1 {
    /** Words in a state (and in a digest). */
    static final int STATE = 5;
    /** Words in a message block. */
    static final int BLOCK = 16;
    /** Words of one key's precomputed HMAC state: the inner pad's state, then the outer pad's. */
    static final int PADS = 2 * STATE;
    /** The scratch a compression needs: the message schedule. */
    static final int SCHEDULE = 80;

    private static final int[] IV = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    private static final int BLOCK_BYTES = 64;
    /** Bit length of an HMAC-SHA1 outer message: the 64-byte pad block and the 20-byte inner digest. */
    private static final int OUTER_BITS = (BLOCK_BYTES + 4 * STATE) * 8;

    private Sha1() {}

    /** SHA-1's initial state H(0) (a copy). */
    static int[] initialState() {
        return IV.clone();
    }

    /**
     * Compresses the 16-word block {@code block[bo..bo+16)} into the state {@code in[io..io+5)}, writing the new state
     * to {@code out[oo..oo+5)} ({@code out} may be {@code in}). {@code w} is scratch of at least {@link #SCHEDULE}
     * words.
     */
    static void compress(int[] in, int io, int[] block, int bo, int[] w, int[] out, int oo) {
        schedule(block, bo, w, 0);
        rounds(in, io, w, 0, out, oo);
    }

    /** Expands the 16-word block {@code block[bo..bo+16)} into SHA-1's 80-word message schedule at {@code w[wo..]}. */
    static void schedule(int[] block, int bo, int[] w, int wo) {
        System.arraycopy(block, bo, w, wo, BLOCK);
        for (int t = wo + BLOCK; t < wo + SCHEDULE; t++) {
            int x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
            w[t] = (x << 1) | (x >>> 31);
        }
    }

    /**
     * SHA-1's 80 rounds over a {@link #schedule} at {@code w[wo..wo+80)} from the state {@code in[io..io+5)}, the new
     * state to {@code out[oo..oo+5)}: a compression whose schedule is reused, as the one of a name is for every line.
     */
    static void rounds(int[] in, int io, int[] w, int wo, int[] out, int oo) {
        int a = in[io];
        int b = in[io + 1];
        int c = in[io + 2];
        int d = in[io + 3];
        int e = in[io + 4];
        // Five rounds per iteration so that the variables rotate by renaming instead of by moves.
        for (int t = wo; t < wo + 20; t += 5) {
            e += ((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + w[t] + 0x5A827999;
            b = (b << 30) | (b >>> 2);
            d += ((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + w[t + 1] + 0x5A827999;
            a = (a << 30) | (a >>> 2);
            c += ((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + w[t + 2] + 0x5A827999;
            e = (e << 30) | (e >>> 2);
            b += ((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + w[t + 3] + 0x5A827999;
            d = (d << 30) | (d >>> 2);
            a += ((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + w[t + 4] + 0x5A827999;
            c = (c << 30) | (c >>> 2);
        }
        for (int t = wo + 20; t < wo + 40; t += 5) {
            e += ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + w[t] + 0x6ED9EBA1;
            b = (b << 30) | (b >>> 2);
            d += ((e << 5) | (e >>> 27)) + (a ^ b ^ c) + w[t + 1] + 0x6ED9EBA1;
            a = (a << 30) | (a >>> 2);
            c += ((d << 5) | (d >>> 27)) + (e ^ a ^ b) + w[t + 2] + 0x6ED9EBA1;
            e = (e << 30) | (e >>> 2);
            b += ((c << 5) | (c >>> 27)) + (d ^ e ^ a) + w[t + 3] + 0x6ED9EBA1;
            d = (d << 30) | (d >>> 2);
            a += ((b << 5) | (b >>> 27)) + (c ^ d ^ e) + w[t + 4] + 0x6ED9EBA1;
            c = (c << 30) | (c >>> 2);
        }
        for (int t = wo + 40; t < wo + 60; t += 5) {
            e += ((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + w[t] + 0x8F1BBCDC;
            b = (b << 30) | (b >>> 2);
            d += ((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + w[t + 1] + 0x8F1BBCDC;
            a = (a << 30) | (a >>> 2);
            c += ((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + w[t + 2] + 0x8F1BBCDC;
            e = (e << 30) | (e >>> 2);
            b += ((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + w[t + 3] + 0x8F1BBCDC;
            d = (d << 30) | (d >>> 2);
            a += ((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + w[t + 4] + 0x8F1BBCDC;
            c = (c << 30) | (c >>> 2);
        }
        for (int t = wo + 60; t < wo + 80; t += 5) {
            e += ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + w[t] + 0xCA62C1D6;
            b = (b << 30) | (b >>> 2);
            d += ((e << 5) | (e >>> 27)) + (a ^ b ^ c) + w[t + 1] + 0xCA62C1D6;
            a = (a << 30) | (a >>> 2);
            c += ((d << 5) | (d >>> 27)) + (e ^ a ^ b) + w[t + 2] + 0xCA62C1D6;
            e = (e << 30) | (e >>> 2);
            b += ((c << 5) | (c >>> 27)) + (d ^ e ^ a) + w[t + 3] + 0xCA62C1D6;
            d = (d << 30) | (d >>> 2);
            a += ((b << 5) | (b >>> 27)) + (c ^ d ^ e) + w[t + 4] + 0xCA62C1D6;
            c = (c << 30) | (c >>> 2);
        }
        out[oo] = in[io] + a;
        out[oo + 1] = in[io + 1] + b;
        out[oo + 2] = in[io + 2] + c;
        out[oo + 3] = in[io + 3] + d;
        out[oo + 4] = in[io + 4] + e;
    }

    /**
     * {@link #compress} of the one block an HMAC-SHA1 outer hash reads after its key block: the 20-byte inner digest
     * {@code digest[0..5)}, then the {@code 0x80} byte, zeros and the bit length 672. The message schedule is kept in
     * 16 local variables rather than an array (a third less time under C1, where this is half of a hashed
     * known_hosts scan), hence the 80 rounds written out; generated, checked against {@code javax.crypto.Mac} by
     * {@code Sha1Test}. The new state goes to {@code out[oo..oo+5)}.
     */
    static void compressOuter(int[] in, int io, int[] digest, int[] out, int oo) {
        int w0 = digest[0];
        int w1 = digest[1];
        int w2 = digest[2];
        int w3 = digest[3];
        int w4 = digest[4];
        int w5 = 0x80000000;
        int w6 = 0;
        int w7 = 0;
        int w8 = 0;
        int w9 = 0;
        int w10 = 0;
        int w11 = 0;
        int w12 = 0;
        int w13 = 0;
        int w14 = 0;
        int w15 = OUTER_BITS;
        int a = in[io];
        int b = in[io + 1];
        int c = in[io + 2];
        int d = in[io + 3];
        int e = in[io + 4];
        e += rotateLeft(a, 5) + ((b & c) | (~b & d)) + w0 + 0x5A827999;
        b = rotateLeft(b, 30);
        d += rotateLeft(e, 5) + ((a & b) | (~a & c)) + w1 + 0x5A827999;
        a = rotateLeft(a, 30);
        c += rotateLeft(d, 5) + ((e & a) | (~e & b)) + w2 + 0x5A827999;
        e = rotateLeft(e, 30);
        b += rotateLeft(c, 5) + ((d & e) | (~d & a)) + w3 + 0x5A827999;
        d = rotateLeft(d, 30);
        a += rotateLeft(b, 5) + ((c & d) | (~c & e)) + w4 + 0x5A827999;
        c = rotateLeft(c, 30);
        e += rotateLeft(a, 5) + ((b & c) | (~b & d)) + w5 + 0x5A827999;
        b = rotateLeft(b, 30);
        d += rotateLeft(e, 5) + ((a & b) | (~a & c)) + w6 + 0x5A827999;
        a = rotateLeft(a, 30);
        c += rotateLeft(d, 5) + ((e & a) | (~e & b)) + w7 + 0x5A827999;
        e = rotateLeft(e, 30);
        b += rotateLeft(c, 5) + ((d & e) | (~d & a)) + w8 + 0x5A827999;
        d = rotateLeft(d, 30);
        a += rotateLeft(b, 5) + ((c & d) | (~c & e)) + w9 + 0x5A827999;
        c = rotateLeft(c, 30);
        e += rotateLeft(a, 5) + ((b & c) | (~b & d)) + w10 + 0x5A827999;
        b = rotateLeft(b, 30);
        d += rotateLeft(e, 5) + ((a & b) | (~a & c)) + w11 + 0x5A827999;
        a = rotateLeft(a, 30);
        c += rotateLeft(d, 5) + ((e & a) | (~e & b)) + w12 + 0x5A827999;
        e = rotateLeft(e, 30);
        b += rotateLeft(c, 5) + ((d & e) | (~d & a)) + w13 + 0x5A827999;
        d = rotateLeft(d, 30);
        a += rotateLeft(b, 5) + ((c & d) | (~c & e)) + w14 + 0x5A827999;
        c = rotateLeft(c, 30);
        e += rotateLeft(a, 5) + ((b & c) | (~b & d)) + w15 + 0x5A827999;
        b = rotateLeft(b, 30);
        w0 = rotateLeft(w13 ^ w8 ^ w2 ^ w0, 1);
        d += rotateLeft(e, 5) + ((a & b) | (~a & c)) + w0 + 0x5A827999;
        a = rotateLeft(a, 30);
        w1 = rotateLeft(w14 ^ w9 ^ w3 ^ w1, 1);
        c += rotateLeft(d, 5) + ((e & a) | (~e & b)) + w1 + 0x5A827999;
        e = rotateLeft(e, 30);
        w2 = rotateLeft(w15 ^ w10 ^ w4 ^ w2, 1);
        b += rotateLeft(c, 5) + ((d & e) | (~d & a)) + w2 + 0x5A827999;
        d = rotateLeft(d, 30);
        w3 = rotateLeft(w0 ^ w11 ^ w5 ^ w3, 1);
        a += rotateLeft(b, 5) + ((c & d) | (~c & e)) + w3 + 0x5A827999;
        c = rotateLeft(c, 30);
        w4 = rotateLeft(w1 ^ w12 ^ w6 ^ w4, 1);
        e += rotateLeft(a, 5) + (b ^ c ^ d) + w4 + 0x6ED9EBA1;
        b = rotateLeft(b, 30);
        w5 = rotateLeft(w2 ^ w13 ^ w7 ^ w5, 1);
        d += rotateLeft(e, 5) + (a ^ b ^ c) + w5 + 0x6ED9EBA1;
        a = rotateLeft(a, 30);
        w6 = rotateLeft(w3 ^ w14 ^ w8 ^ w6, 1);
        c += rotateLeft(d, 5) + (e ^ a ^ b) + w6 + 0x6ED9EBA1;
        e = rotateLeft(e, 30);
        w7 = rotateLeft(w4 ^ w15 ^ w9 ^ w7, 1);
        b += rotateLeft(c, 5) + (d ^ e ^ a) + w7 + 0x6ED9EBA1;
        d = rotateLeft(d, 30);
        w8 = rotateLeft(w5 ^ w0 ^ w10 ^ w8, 1);
        a += rotateLeft(b, 5) + (c ^ d ^ e) + w8 + 0x6ED9EBA1;
        c = rotateLeft(c, 30);
        w9 = rotateLeft(w6 ^ w1 ^ w11 ^ w9, 1);
        e += rotateLeft(a, 5) + (b ^ c ^ d) + w9 + 0x6ED9EBA1;
        b = rotateLeft(b, 30);
        w10 = rotateLeft(w7 ^ w2 ^ w12 ^ w10, 1);
        d += rotateLeft(e, 5) + (a ^ b ^ c) + w10 + 0x6ED9EBA1;
        a = rotateLeft(a, 30);
        w11 = rotateLeft(w8 ^ w3 ^ w13 ^ w11, 1);
        c += rotateLeft(d, 5) + (e ^ a ^ b) + w11 + 0x6ED9EBA1;
        e = rotateLeft(e, 30);
        w12 = rotateLeft(w9 ^ w4 ^ w14 ^ w12, 1);
        b += rotateLeft(c, 5) + (d ^ e ^ a) + w12 + 0x6ED9EBA1;
        d = rotateLeft(d, 30);
        w13 = rotateLeft(w10 ^ w5 ^ w15 ^ w13, 1);
        a += rotateLeft(b, 5) + (c ^ d ^ e) + w13 + 0x6ED9EBA1;
        c = rotateLeft(c, 30);
        w14 = rotateLeft(w11 ^ w6 ^ w0 ^ w14, 1);
        e += rotateLeft(a, 5) + (b ^ c ^ d) + w14 + 0x6ED9EBA1;
        b = rotateLeft(b, 30);
        w15 = rotateLeft(w12 ^ w7 ^ w1 ^ w15, 1);
        d += rotateLeft(e, 5) + (a ^ b ^ c) + w15 + 0x6ED9EBA1;
        a = rotateLeft(a, 30);
        w0 = rotateLeft(w13 ^ w8 ^ w2 ^ w0, 1);
        c += rotateLeft(d, 5) + (e ^ a ^ b) + w0 + 0x6ED9EBA1;
        e = rotateLeft(e, 30);
        w1 = rotateLeft(w14 ^ w9 ^ w3 ^ w1, 1);
        b += rotateLeft(c, 5) + (d ^ e ^ a) + w1 + 0x6ED9EBA1;
        d = rotateLeft(d, 30);
        w2 = rotateLeft(w15 ^ w10 ^ w4 ^ w2, 1);
        a += rotateLeft(b, 5) + (c ^ d ^ e) + w2 + 0x6ED9EBA1;
        c = rotateLeft(c, 30);
        w3 = rotateLeft(w0 ^ w11 ^ w5 ^ w3, 1);
        e += rotateLeft(a, 5) + (b ^ c ^ d) + w3 + 0x6ED9EBA1;
        b = rotateLeft(b, 30);
        w4 = rotateLeft(w1 ^ w12 ^ w6 ^ w4, 1);
        d += rotateLeft(e, 5) + (a ^ b ^ c) + w4 + 0x6ED9EBA1;
        a = rotateLeft(a, 30);
        w5 = rotateLeft(w2 ^ w13 ^ w7 ^ w5, 1);
        c += rotateLeft(d, 5) + (e ^ a ^ b) + w5 + 0x6ED9EBA1;
        e = rotateLeft(e, 30);
        w6 = rotateLeft(w3 ^ w14 ^ w8 ^ w6, 1);
        b += rotateLeft(c, 5) + (d ^ e ^ a) + w6 + 0x6ED9EBA1;
        d = rotateLeft(d, 30);
        w7 = rotateLeft(w4 ^ w15 ^ w9 ^ w7, 1);
        a += rotateLeft(b, 5) + (c ^ d ^ e) + w7 + 0x6ED9EBA1;
        c = rotateLeft(c, 30);
        w8 = rotateLeft(w5 ^ w0 ^ w10 ^ w8, 1);
        e += rotateLeft(a, 5) + ((b & c) | (b & d) | (c & d)) + w8 + 0x8F1BBCDC;
        b = rotateLeft(b, 30);
        w9 = rotateLeft(w6 ^ w1 ^ w11 ^ w9, 1);
        d += rotateLeft(e, 5) + ((a & b) | (a & c) | (b & c)) + w9 + 0x8F1BBCDC;
        a = rotateLeft(a, 30);
        w10 = rotateLeft(w7 ^ w2 ^ w12 ^ w10, 1);
        c += rotateLeft(d, 5) + ((e & a) | (e & b) | (a & b)) + w10 + 0x8F1BBCDC;
        e = rotateLeft(e, 30);
        w11 = rotateLeft(w8 ^ w3 ^ w13 ^ w11, 1);
        b += rotateLeft(c, 5) + ((d & e) | (d & a) | (e & a)) + w11 + 0x8F1BBCDC;
        d = rotateLeft(d, 30);
        w12 = rotateLeft(w9 ^ w4 ^ w14 ^ w12, 1);
        a += rotateLeft(b, 5) + ((c & d) | (c & e) | (d & e)) + w12 + 0x8F1BBCDC;
        c = rotateLeft(c, 30);
        w13 = rotateLeft(w10 ^ w5 ^ w15 ^ w13, 1);
        e += rotateLeft(a, 5) + ((b & c) | (b & d) | (c & d)) + w13 + 0x8F1BBCDC;
        b = rotateLeft(b, 30);
        w14 = rotateLeft(w11 ^ w6 ^ w0 ^ w14, 1);
        d += rotateLeft(e, 5) + ((a & b) | (a & c) | (b & c)) + w14 + 0x8F1BBCDC;
        a = rotateLeft(a, 30);
        w15 = rotateLeft(w12 ^ w7 ^ w1 ^ w15, 1);
        c += rotateLeft(d, 5) + ((e & a) | (e & b) | (a & b)) + w15 + 0x8F1BBCDC;
        e = rotateLeft(e, 30);
        w0 = rotateLeft(w13 ^ w8 ^ w2 ^ w0, 1);
        b += rotateLeft(c, 5) + ((d & e) | (d & a) | (e & a)) + w0 + 0x8F1BBCDC;
        d = rotateLeft(d, 30);
        w1 = rotateLeft(w14 ^ w9 ^ w3 ^ w1, 1);
        a += rotateLeft(b, 5) + ((c & d) | (c & e) | (d & e)) + w1 + 0x8F1BBCDC;
        c = rotateLeft(c, 30);
        w2 = rotateLeft(w15 ^ w10 ^ w4 ^ w2, 1);
        e += rotateLeft(a, 5) + ((b & c) | (b & d) | (c & d)) + w2 + 0x8F1BBCDC;
        b = rotateLeft(b, 30);
        w3 = rotateLeft(w0 ^ w11 ^ w5 ^ w3, 1);
        d += rotateLeft(e, 5) + ((a & b) | (a & c) | (b & c)) + w3 + 0x8F1BBCDC;
        a = rotateLeft(a, 30);
        w4 = rotateLeft(w1 ^ w12 ^ w6 ^ w4, 1);
        c += rotateLeft(d, 5) + ((e & a) | (e & b) | (a & b)) + w4 + 0x8F1BBCDC;
        e = rotateLeft(e, 30);
        w5 = rotateLeft(w2 ^ w13 ^ w7 ^ w5, 1);
        b += rotateLeft(c, 5) + ((d & e) | (d & a) | (e & a)) + w5 + 0x8F1BBCDC;
        d = rotateLeft(d, 30);
        w6 = rotateLeft(w3 ^ w14 ^ w8 ^ w6, 1);
        a += rotateLeft(b, 5) + ((c & d) | (c & e) | (d & e)) + w6 + 0x8F1BBCDC;
        c = rotateLeft(c, 30);
        w7 = rotateLeft(w4 ^ w15 ^ w9 ^ w7, 1);
        e += rotateLeft(a, 5) + ((b & c) | (b & d) | (c & d)) + w7 + 0x8F1BBCDC;
        b = rotateLeft(b, 30);
        w8 = rotateLeft(w5 ^ w0 ^ w10 ^ w8, 1);
        d += rotateLeft(e, 5) + ((a & b) | (a & c) | (b & c)) + w8 + 0x8F1BBCDC;
        a = rotateLeft(a, 30);
        w9 = rotateLeft(w6 ^ w1 ^ w11 ^ w9, 1);
        c += rotateLeft(d, 5) + ((e & a) | (e & b) | (a & b)) + w9 + 0x8F1BBCDC;
        e = rotateLeft(e, 30);
        w10 = rotateLeft(w7 ^ w2 ^ w12 ^ w10, 1);
        b += rotateLeft(c, 5) + ((d & e) | (d & a) | (e & a)) + w10 + 0x8F1BBCDC;
        d = rotateLeft(d, 30);
        w11 = rotateLeft(w8 ^ w3 ^ w13 ^ w11, 1);
        a += rotateLeft(b, 5) + ((c & d) | (c & e) | (d & e)) + w11 + 0x8F1BBCDC;
        c = rotateLeft(c, 30);
        w12 = rotateLeft(w9 ^ w4 ^ w14 ^ w12, 1);
        e += rotateLeft(a, 5) + (b ^ c ^ d) + w12 + 0xCA62C1D6;
        b = rotateLeft(b, 30);
        w13 = rotateLeft(w10 ^ w5 ^ w15 ^ w13, 1);
        d += rotateLeft(e, 5) + (a ^ b ^ c) + w13 + 0xCA62C1D6;
        a = rotateLeft(a, 30);
        w14 = rotateLeft(w11 ^ w6 ^ w0 ^ w14, 1);
        c += rotateLeft(d, 5) + (e ^ a ^ b) + w14 + 0xCA62C1D6;
        e = rotateLeft(e, 30);
        w15 = rotateLeft(w12 ^ w7 ^ w1 ^ w15, 1);
        b += rotateLeft(c, 5) + (d ^ e ^ a) + w15 + 0xCA62C1D6;
        d = rotateLeft(d, 30);
        w0 = rotateLeft(w13 ^ w8 ^ w2 ^ w0, 1);
        a += rotateLeft(b, 5) + (c ^ d ^ e) + w0 + 0xCA62C1D6;
        c = rotateLeft(c, 30);
        w1 = rotateLeft(w14 ^ w9 ^ w3 ^ w1, 1);
        e += rotateLeft(a, 5) + (b ^ c ^ d) + w1 + 0xCA62C1D6;
        b = rotateLeft(b, 30);
        w2 = rotateLeft(w15 ^ w10 ^ w4 ^ w2, 1);
        d += rotateLeft(e, 5) + (a ^ b ^ c) + w2 + 0xCA62C1D6;
        a = rotateLeft(a, 30);
        w3 = rotateLeft(w0 ^ w11 ^ w5 ^ w3, 1);
        c += rotateLeft(d, 5) + (e ^ a ^ b) + w3 + 0xCA62C1D6;
        e = rotateLeft(e, 30);
        w4 = rotateLeft(w1 ^ w12 ^ w6 ^ w4, 1);
        b += rotateLeft(c, 5) + (d ^ e ^ a) + w4 + 0xCA62C1D6;
        d = rotateLeft(d, 30);
        w5 = rotateLeft(w2 ^ w13 ^ w7 ^ w5, 1);
        a += rotateLeft(b, 5) + (c ^ d ^ e) + w5 + 0xCA62C1D6;
        c = rotateLeft(c, 30);
        w6 = rotateLeft(w3 ^ w14 ^ w8 ^ w6, 1);
        e += rotateLeft(a, 5) + (b ^ c ^ d) + w6 + 0xCA62C1D6;
        b = rotateLeft(b, 30);
        w7 = rotateLeft(w4 ^ w15 ^ w9 ^ w7, 1);
        d += rotateLeft(e, 5) + (a ^ b ^ c) + w7 + 0xCA62C1D6;
        a = rotateLeft(a, 30);
        w8 = rotateLeft(w5 ^ w0 ^ w10 ^ w8, 1);
        c += rotateLeft(d, 5) + (e ^ a ^ b) + w8 + 0xCA62C1D6;
        e = rotateLeft(e, 30);
        w9 = rotateLeft(w6 ^ w1 ^ w11 ^ w9, 1);
        b += rotateLeft(c, 5) + (d ^ e ^ a) + w9 + 0xCA62C1D6;
        d = rotateLeft(d, 30);
        w10 = rotateLeft(w7 ^ w2 ^ w12 ^ w10, 1);
        a += rotateLeft(b, 5) + (c ^ d ^ e) + w10 + 0xCA62C1D6;
        c = rotateLeft(c, 30);
        w11 = rotateLeft(w8 ^ w3 ^ w13 ^ w11, 1);
        e += rotateLeft(a, 5) + (b ^ c ^ d) + w11 + 0xCA62C1D6;
        b = rotateLeft(b, 30);
        w12 = rotateLeft(w9 ^ w4 ^ w14 ^ w12, 1);
        d += rotateLeft(e, 5) + (a ^ b ^ c) + w12 + 0xCA62C1D6;
        a = rotateLeft(a, 30);
        w13 = rotateLeft(w10 ^ w5 ^ w15 ^ w13, 1);
        c += rotateLeft(d, 5) + (e ^ a ^ b) + w13 + 0xCA62C1D6;
        e = rotateLeft(e, 30);
        w14 = rotateLeft(w11 ^ w6 ^ w0 ^ w14, 1);
        b += rotateLeft(c, 5) + (d ^ e ^ a) + w14 + 0xCA62C1D6;
        d = rotateLeft(d, 30);
        w15 = rotateLeft(w12 ^ w7 ^ w1 ^ w15, 1);
        a += rotateLeft(b, 5) + (c ^ d ^ e) + w15 + 0xCA62C1D6;
        c = rotateLeft(c, 30);
        out[oo] = in[io] + a;
        out[oo + 1] = in[io + 1] + b;
        out[oo + 2] = in[io + 2] + c;
        out[oo + 3] = in[io + 3] + d;
        out[oo + 4] = in[io + 4] + e;
    }

    /**
     * The HMAC-SHA1 state of {@code key[off..off+len)} (at most 64 bytes, as known_hosts salts and drover's cache keys
     * are): the state after the inner padded key block into {@code out[oo..oo+5)}, after the outer one into
     * {@code out[oo+5..oo+10)}.
     */
    static void padStates(byte[] key, int off, int len, int[] out, int oo, int[] w) {
        if (len < 0 || len > BLOCK_BYTES) {
            throw new IllegalArgumentException("HMAC key length (" + len + ") must be between 0 and 64 bytes");
        }
        int[] inner = new int[BLOCK];
        int[] outer = new int[BLOCK];
        for (int i = 0; i < BLOCK_BYTES; i++) {
            int k = i < len ? key[off + i] & 0xff : 0;
            int shift = 24 - 8 * (i & 3);
            inner[i >> 2] |= (k ^ 0x36) << shift;
            outer[i >> 2] |= (k ^ 0x5c) << shift;
        }
        compress(IV, 0, inner, 0, w, out, oo);
        compress(IV, 0, outer, 0, w, out, oo + STATE);
    }

    /**
     * The message schedules of the blocks SHA-1 reads after a 64-byte block for the message {@code m} ({@code m}, the
     * {@code 0x80} byte, zeros, and the bit length of the whole input, {@code 64 + m.length} bytes), 80 words per
     * block one after the other: what {@link #hmac} takes, computed once per message instead of once per key.
     */
    static int[] schedulesAfterOneBlock(byte[] m) {
        int blocks = (m.length + 8) / BLOCK_BYTES + 1;
        int[] words = new int[blocks * BLOCK];
        for (int i = 0; i < m.length; i++) {
            words[i >> 2] |= (m[i] & 0xff) << (24 - 8 * (i & 3));
        }
        words[m.length >> 2] |= 0x80 << (24 - 8 * (m.length & 3));
        long bits = (BLOCK_BYTES + (long) m.length) * 8;
        words[words.length - 2] = (int) (bits >>> 32);
        words[words.length - 1] = (int) bits;
        int[] schedules = new int[blocks * SCHEDULE];
        for (int i = 0; i < blocks; i++) {
            schedule(words, i * BLOCK, schedules, i * SCHEDULE);
        }
        return schedules;
    }

    /**
     * HMAC-SHA1 of a message, given the key's {@link #padStates} at {@code pads[po..po+10)} and the message as
     * {@link #schedulesAfterOneBlock}; the digest goes to {@code out[oo..oo+5)}. {@code inner} is a five-word scratch
     * for the inner digest. Allocates nothing.
     */
    static void hmac(int[] pads, int po, int[] schedules, int[] inner, int[] out, int oo) {
        int blocks = schedules.length / SCHEDULE;
        rounds(pads, po, schedules, 0, inner, 0);
        for (int i = 1; i < blocks; i++) {
            rounds(inner, 0, schedules, i * SCHEDULE, inner, 0);
        }
        compressOuter(pads, po + STATE, inner, out, oo);
    }

    /** The 20 bytes of a digest held as five big-endian words. */
    static byte[] bytes(int[] digest, int off) {
        byte[] out = new byte[4 * STATE];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (digest[off + (i >> 2)] >>> (24 - 8 * (i & 3)));
        }
        return out;
    }

    /** Five big-endian words of the 20 bytes at {@code b[off..off+20)}, into {@code out[oo..oo+5)}. */
    static void words(byte[] b, int off, int[] out, int oo) {
        for (int i = 0; i < STATE; i++) {
            int p = off + 4 * i;
            out[oo + i] = (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
        }
    }
}
