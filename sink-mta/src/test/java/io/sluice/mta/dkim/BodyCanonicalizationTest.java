package io.sluice.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The body canonicalizations, which skip eight bytes at a time, against the plain line-by-line
 * version ({@link LineByLineBody}) on bodies made of the bytes that matter: WSP, CR, LF, CRLF,
 * other controls, 8-bit bytes, and the neighbours of the scan's thresholds (0x1f, 0x21).
 */
class BodyCanonicalizationTest {

    private static final byte[][] PIECES = {
        {'a'},
        {'b'},
        {'z'},
        {' '},
        {' '},
        {'\t'},
        {'\r', '\n'},
        {'\r', '\n'},
        {'\r'},
        {'\n'},
        {0x1f},
        {0x21},
        {(byte) 0xc3, (byte) 0xa9},
        {0x00},
        {'x', 'y', 'z', 'z', 'y', 'x', 'q', 'r'}
    };

    @ParameterizedTest
    @EnumSource(Canonicalization.class)
    void agreesWithTheLineByLineVersionOnRandomBodies(Canonicalization c) {
        Random random = new Random(6376);
        for (int n = 0; n < 20_000; n++) {
            byte[] body = randomBody(random, random.nextInt(n % 10 == 0 ? 400 : 40));
            byte[] expected = LineByLineBody.canonical(c, body);

            assertThat(canonical(c, body, Long.MAX_VALUE))
                    .as("%s body %s", c, printable(body))
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Canonicalization.class)
    void aLimitDigestsAPrefixAndCountsTheWholeLength(Canonicalization c) {
        Random random = new Random(8463);
        for (int n = 0; n < 2_000; n++) {
            byte[] body = randomBody(random, random.nextInt(3000));
            byte[] expected = LineByLineBody.canonical(c, body);
            int limit = random.nextInt(expected.length + 1);
            ByteArrayOutputStream captured = new ByteArrayOutputStream();

            long length = c.digestBody(body, recorder(captured), limit);

            assertThat(length).isEqualTo(expected.length);
            assertThat(captured.toByteArray()).isEqualTo(Arrays.copyOf(expected, limit));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "10, RELAXED",
        "100, RELAXED",
        "10, SIMPLE",
        "100, SIMPLE",
    })
    void agreesOnTheBenchmarkBodies(int kb, Canonicalization c) {
        byte[] body = SignableMessage.parse(DkimSignBench.message(kb)).body();

        assertThat(canonical(c, body, Long.MAX_VALUE)).isEqualTo(LineByLineBody.canonical(c, body));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "RELAXED|' a  b\\t\\tc \\r\\n\\r\\n \\t\\r\\nd\\r\\n\\r\\n'|' a b c\\r\\n\\r\\n\\r\\nd\\r\\n'",
                "RELAXED|' \\r\\n\\r\\n'|''",
                "RELAXED|'x \\ry\\t'|'x \\ry\\r\\n'",
                "SIMPLE|'x \\r\\n\\r\\n'|'x \\r\\n'",
                "SIMPLE|''|'\\r\\n'",
            })
    void examples(Canonicalization c, String body, String expected) {
        byte[] canonical = canonical(c, unescape(body), Long.MAX_VALUE);

        assertThat(new String(canonical, StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(unescape(expected), StandardCharsets.ISO_8859_1));
    }

    private static byte[] randomBody(Random random, int pieces) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < pieces; i++) {
            byte[] piece = PIECES[random.nextInt(PIECES.length)];
            body.write(piece, 0, piece.length);
        }
        return body.toByteArray();
    }

    private static byte[] canonical(Canonicalization c, byte[] body, long limit) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        c.digestBody(body, recorder(captured), limit);
        return captured.toByteArray();
    }

    private static byte[] unescape(String s) {
        String text = s == null ? "" : s.replace("\\r", "\r").replace("\\n", "\n");
        return text.replace("\\t", "\t").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String printable(byte[] body) {
        return new String(body, StandardCharsets.ISO_8859_1)
                .replace("\r", "\\r")
                .replace("\n", "\\n")
                .replace("\t", "\\t");
    }

    private static MessageDigest recorder(ByteArrayOutputStream captured) {
        return new RecordingDigest(captured);
    }
}
