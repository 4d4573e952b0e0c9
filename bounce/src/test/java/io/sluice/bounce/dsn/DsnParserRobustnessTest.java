package io.sluice.bounce.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.classify.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parsers take bytes from anyone on the internet: they must answer "not a bounce" rather than
 * throw. Hand-made hostile inputs here; mutated corpus messages in ParserFuzzTest.
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
}
