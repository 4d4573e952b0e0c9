package io.sluice.bounce.arf;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.corpus.Corpora;
import io.sluice.bounce.corpus.FeedbackCorpusRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every complaint in arf/ yields its feedback type and original recipient as listed, through the
 * same runner {@code sluice conformance} uses.
 */
class FeedbackCorpusTest {

    private static final FeedbackReportParser PARSER = new FeedbackReportParser();

    private static List<FeedbackCorpusRun.Outcome> outcomes;

    @BeforeAll
    static void run() {
        outcomes = FeedbackCorpusRun.run(Corpora.require("arf"));
    }

    @Test
    void everyRowYieldsItsFeedbackTypeAndRecipient() {
        assertThat(outcomes)
                .filteredOn(o -> !o.agrees())
                .extracting(FeedbackCorpusRun.Outcome::describe)
                .isEmpty();
        assertThat(outcomes).hasSizeGreaterThan(20);
    }

    @Test
    void everyReportFileAgrees() {
        assertThat(FeedbackCorpusRun.agreement(outcomes).complete()).isTrue();
    }

    @Test
    void readsSourceIpAndOriginalMessage() throws IOException {
        Path file = Corpora.require("arf").resolve("mail").resolve("arf-19.eml");

        FeedbackReport report = PARSER.parse(Files.readAllBytes(file));

        assertThat(report.format()).isEqualTo("arf");
        assertThat(report.sourceIp()).isEqualTo("203.0.113.2");
        assertThat(report.originalMailFrom()).isEqualTo("sironeko@neko.example.com");
    }

    @Test
    void aBounceIsNotAComplaint() {
        byte[] bounce =
                "From: MAILER-DAEMON@example.com\nSubject: Undelivered Mail\n\n550 5.1.1 User unknown\n"
                        .getBytes();

        assertThat(PARSER.parse(bounce).report()).isFalse();
    }
}
