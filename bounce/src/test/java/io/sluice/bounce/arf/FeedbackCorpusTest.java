package io.sluice.bounce.arf;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.corpus.Corpora;
import io.sluice.bounce.corpus.ManifestRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every complaint in arf/ yields its feedback type and original recipient as listed. */
class FeedbackCorpusTest {

    private static final FeedbackReportParser PARSER = new FeedbackReportParser();

    static Stream<ManifestRow> rows() {
        return ManifestRow.read(Corpora.require("arf").resolve("manifest.tsv")).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void yieldsFeedbackTypeAndRecipient(ManifestRow row) throws IOException {
        Path file = Corpora.require("arf").resolve("mail").resolve(row.file());

        FeedbackReport report = PARSER.parse(Files.readAllBytes(file));

        assertThat(report.report()).as(report.format()).isTrue();
        assertThat(report.feedbackType()).isEqualTo(row.get("feedback_type"));
        String expected = row.get("original_recipient");
        // sisimai's expectations fall back to the enclosed original's To when Original-Rcpt-To
        // is absent; KumoMTA's and mail-auth's report the RFC 5965 field alone.
        List<String> actual =
                row.get("origin").contains("sisimai")
                        ? report.recipients()
                        : report.originalRecipients();
        if (expected.isEmpty()) {
            assertThat(actual).isEmpty();
        } else {
            assertThat(actual).hasSizeGreaterThan(row.position());
            assertThat(actual.get(row.position())).isEqualToIgnoringCase(expected);
        }
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
