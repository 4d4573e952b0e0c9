package io.sluice.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.dsn.DsnParser;
import io.sluice.schema.FeedbackType;
import io.sluice.schema.InboundMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Inbound messages from the corpora (real bounces and reports) into feedback events. */
class InboundFeedbackTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final InboundFeedback FEEDBACK =
            new InboundFeedback(
                    new DsnParser(BounceClassifier.fromClasspath()), new FeedbackReportParser());

    @Test
    void aComplaintReportBecomesAComplaintAboutTheRecipientItNames() throws Exception {
        InboundFeedback.Result r =
                FEEDBACK.feedbackOf(inbound(corpus("arf/mail/arf-01.eml"), null, null), "t/0/7");

        assertThat(r.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getType()).isEqualTo(FeedbackType.COMPLAINT);
                            assertThat(e.getRecipient()).isEqualTo("redacted@example.net");
                            assertThat(e.getReportType()).isEqualTo("abuse");
                            assertThat(e.getFeedbackId()).isEqualTo("t/0/7#0");
                            assertThat(e.getReceivedAt()).isEqualTo(T0);
                        });
    }

    @Test
    void aHardBounceAtAReturnPathIsAboutTheRecipientTheReturnPathNames() throws Exception {
        byte[] bounce = corpus("bounces/mail/lhost-activehunter-01.eml");

        InboundFeedback.Result plain = FEEDBACK.feedbackOf(inbound(bounce, null, null), "t/0/8");
        InboundFeedback.Result verp =
                FEEDBACK.feedbackOf(inbound(bounce, "m-42", "reader@example.net"), "t/0/9");

        assertThat(plain.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getType()).isEqualTo(FeedbackType.BOUNCE);
                            assertThat(e.getRecipient()).isEqualTo("kijitora@example.org");
                            assertThat(e.getBounce().getBounceClass()).isEqualTo("hard");
                            assertThat(e.getBounce().getReason()).isEqualTo("userunknown");
                        });
        assertThat(verp.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getRecipient()).isEqualTo("reader@example.net");
                            assertThat(e.getMessageId()).isEqualTo("m-42");
                        });
    }

    @Test
    void ordinaryMailIsNeitherAndSaysSo() {
        byte[] mail =
                "From: a@example.com\r\nSubject: hello\r\n\r\nJust saying hi.\r\n"
                        .getBytes(StandardCharsets.US_ASCII);

        InboundFeedback.Result r = FEEDBACK.feedbackOf(inbound(mail, null, null), "t/0/10");

        assertThat(r.events()).isEmpty();
        assertThat(r.verdict()).startsWith("neither a feedback report");
    }

    private static InboundMessage inbound(byte[] content, String verpId, String verpRecipient) {
        return InboundMessage.newBuilder()
                .setReceivedAt(T0)
                .setClientIp("192.0.2.1")
                .setEnvelopeFrom("")
                .setEnvelopeRecipient("fbl@acme.example")
                .setVerpMessageId(verpId)
                .setVerpRecipient(verpRecipient)
                .setContent(ByteBuffer.wrap(content))
                .build();
    }

    private static byte[] corpus(String path) throws Exception {
        return Files.readAllBytes(
                Path.of(System.getProperty("sluice.corpora", "../shared/corpora"), path));
    }
}
