package io.sluice.bounce.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.classify.SmtpReply;
import io.sluice.bounce.corpus.Corpora;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The parsers take bytes from anyone on the internet: they must answer "not a bounce" rather than
 * throw. A small deterministic mutation run here; the million-input fuzz of issue 8 is separate.
 */
class DsnParserRobustnessTest {

    private static final BounceClassifier CLASSIFIER = BounceClassifier.fromClasspath();
    private static final DsnParser DSN = new DsnParser(CLASSIFIER);
    private static final FeedbackReportParser ARF = new FeedbackReportParser();

    @Test
    void garbageIsNotABounce() {
        Random random = new Random(8);
        for (int i = 0; i < 500; i++) {
            byte[] junk = new byte[random.nextInt(4096)];
            random.nextBytes(junk);

            assertThat(DSN.parse(junk).bounce()).isFalse();
            assertThat(ARF.parse(junk).report()).isFalse();
            CLASSIFIER.classify(SmtpReply.parse(new String(junk, StandardCharsets.ISO_8859_1)));
        }
        assertThat(DSN.parse(new byte[0]).verdict()).isEqualTo("not a bounce: empty input");
        assertThat(DSN.parse(null).bounce()).isFalse();
    }

    @Test
    void mutatedCorpusMessagesNeverThrow() throws IOException {
        Path mail = Corpora.require("bounces").resolve("mail");
        List<Path> files;
        try (Stream<Path> s = Files.list(mail)) {
            files = s.sorted().limit(120).toList();
        }
        Random random = new Random(42);
        for (Path f : files) {
            byte[] original = Files.readAllBytes(f);
            for (int m = 0; m < 10; m++) {
                byte[] mutated = mutate(original, random);
                // Any answer is fine; an exception escaping is not.
                DSN.parse(mutated);
                ARF.parse(mutated);
            }
        }
    }

    @Test
    void pathologicalStructuresAreBounded() {
        StringBuilder nested = new StringBuilder("Content-Type: multipart/mixed; boundary=b0\n\n");
        for (int i = 1; i < 200; i++) {
            nested.append("--b")
                    .append(i - 1)
                    .append("\nContent-Type: multipart/mixed; boundary=b")
                    .append(i)
                    .append("\n\n");
        }
        String longLine =
                "Final-Recipient: rfc822;" + "a".repeat(200_000) + "@" + "b.".repeat(50_000);
        for (String input :
                List.of(
                        nested.toString(),
                        longLine,
                        "From: MAILER-DAEMON\n\n" + "<@>:".repeat(50_000))) {
            DSN.parse(input.getBytes(StandardCharsets.UTF_8));
            ARF.parse(input.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] mutate(byte[] in, Random random) {
        byte[] out = in.clone();
        int kind = random.nextInt(3);
        if (kind == 0 && out.length > 0) {
            for (int i = 0; i < 20; i++) {
                out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            }
            return out;
        }
        if (kind == 1 && out.length > 1) {
            int cut = random.nextInt(out.length);
            byte[] truncated = new byte[cut];
            System.arraycopy(out, 0, truncated, 0, cut);
            return truncated;
        }
        int from = out.length == 0 ? 0 : random.nextInt(out.length);
        byte[] doubled = new byte[out.length + (out.length - from)];
        System.arraycopy(out, 0, doubled, 0, out.length);
        System.arraycopy(out, from, doubled, out.length, out.length - from);
        return doubled;
    }
}
