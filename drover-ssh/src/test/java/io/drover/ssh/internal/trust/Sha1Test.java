package io.drover.ssh.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * drover's own SHA-1 compression and HMAC-SHA1 (used to match hashed known_hosts names) against FIPS 180-4's and
 * RFC 2202's test vectors and against the JDK's {@code Mac} HmacSHA1 over random keys and names.
 */
class Sha1Test {

    /** Plain SHA-1 from the compression function: pads {@code m} and compresses its blocks from H(0). */
    private static String sha1(byte[] m) {
        int blocks = (m.length + 8) / 64 + 1;
        int[] words = new int[blocks * 16];
        for (int i = 0; i < m.length; i++) {
            words[i >> 2] |= (m[i] & 0xff) << (24 - 8 * (i & 3));
        }
        words[m.length >> 2] |= 0x80 << (24 - 8 * (m.length & 3));
        long bits = m.length * 8L;
        words[words.length - 2] = (int) (bits >>> 32);
        words[words.length - 1] = (int) bits;
        int[] state = Sha1.initialState();
        int[] w = new int[Sha1.SCHEDULE];
        for (int b = 0; b < blocks; b++) {
            Sha1.compress(state, 0, words, b * 16, w, state, 0);
        }
        return HexFormat.of().formatHex(Sha1.bytes(state, 0));
    }

    private static byte[] jdkHmac(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        return mac.doFinal(message);
    }

    private static byte[] ownHmac(byte[] key, String message) {
        int[] pads = new int[Sha1.PADS];
        int[] w = new int[Sha1.SCHEDULE];
        Sha1.padStates(key, 0, key.length, pads, 0, w);
        int[] out = new int[Sha1.STATE];
        Sha1.hmac(pads, 0, Sha1.schedulesAfterOneBlock(message.getBytes(StandardCharsets.UTF_8)),
                new int[Sha1.STATE], out, 0);
        return Sha1.bytes(out, 0);
    }

    @Test
    void compressionGivesFips180Digests() {
        // FIPS 180-4 examples (one block, two blocks) and the long-message vector (a million 'a')
        assertThat(sha1("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        assertThat(sha1(new byte[0])).isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        byte[] million = new byte[1_000_000];
        java.util.Arrays.fill(million, (byte) 'a');
        assertThat(sha1(million)).isEqualTo("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }

    @Test
    void hmacGivesRfc2202Digests() {
        byte[] key1 = new byte[20];
        java.util.Arrays.fill(key1, (byte) 0x0b);
        assertThat(HexFormat.of().formatHex(ownHmac(key1, "Hi There")))
                .isEqualTo("b617318655057264e28bc0b6fb378c8ef146be00");
        assertThat(HexFormat.of().formatHex(ownHmac("Jefe".getBytes(StandardCharsets.US_ASCII),
                        "what do ya want for nothing?")))
                .isEqualTo("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    @Property(tries = 400)
    void hmacAgreesWithTheJdksMac(
            @ForAll @Size(min = 1, max = 64) byte[] key, @ForAll("names") String name) throws Exception {
        assertThat(ownHmac(key, name)).isEqualTo(jdkHmac(key, name.getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> names() {
        // host names, [host]:port, any Unicode, and lengths around the one- and two-block boundaries (55/56, 119/120)
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcxyz0129.-[]:").ofMaxLength(40),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("ab").ofMinLength(50).ofMaxLength(130));
    }

    @Property(tries = 200)
    void compressOuterEqualsCompressOfTheOuterBlock(
            @ForAll @Size(value = 5) List<Integer> state, @ForAll @Size(value = 5) List<Integer> digest) {
        int[] in = state.stream().mapToInt(Integer::intValue).toArray();
        int[] block = new int[16];
        for (int i = 0; i < 5; i++) {
            block[i] = digest.get(i);
        }
        block[5] = 0x80000000;
        block[15] = (64 + 20) * 8;
        int[] expected = new int[5];
        Sha1.compress(in, 0, block, 0, new int[Sha1.SCHEDULE], expected, 0);
        int[] actual = new int[5];
        Sha1.compressOuter(in, 0, digest.stream().mapToInt(Integer::intValue).toArray(), actual, 0);
        assertThat(actual).isEqualTo(expected);
    }

    @Property(tries = 60)
    void scanFindsExactlyTheLinesHashingTheName(
            @ForAll @IntRange(min = 1, max = 300) int lines, @ForAll("names") String name, @ForAll long seed)
            throws Exception {
        Random random = new Random(seed);
        Base64.Encoder b64 = Base64.getEncoder();
        List<String> fields = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            byte[] salt = new byte[20];
            random.nextBytes(salt);
            boolean mine = random.nextInt(7) == 0;
            String hashedName = mine ? name : name + "x" + i;
            fields.add("|1|" + b64.encodeToString(salt) + "|"
                    + b64.encodeToString(jdkHmac(salt, hashedName.getBytes(StandardCharsets.UTF_8))));
            if (mine) {
                expected.add(i);
            }
        }
        HashedNames names = HashedNames.of(fields);
        // one by one before any scan (pad states computed per call), then by scan (states kept)
        List<Integer> oneByOne = new ArrayList<>();
        HashedNames.Probe probe = new HashedNames.Probe(name);
        for (int i = 0; i < lines; i++) {
            if (names.matches(i, probe)) {
                oneByOne.add(i);
            }
        }
        assertThat(oneByOne).isEqualTo(expected);
        HashedNames.IntList scanned = new HashedNames.IntList();
        names.scan(probe, 0, lines, scanned);
        assertThat(scanned.toArray()).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
        int from = random.nextInt(lines + 1);
        HashedNames.IntList tail = new HashedNames.IntList();
        names.scan(new HashedNames.Probe(name), from, lines, tail);
        assertThat(tail.toArray()).containsExactly(
                expected.stream().filter(i -> i >= from).mapToInt(Integer::intValue).toArray());
        assertThat(names.checks()).isEqualTo(2L * lines + (lines - from));
    }
}
