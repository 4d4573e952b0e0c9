package io.sluice.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.dsn.DsnParser;
import io.sluice.bounce.verp.VerpAddress;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.schema.FeedbackType;
import io.sluice.schema.InboundMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
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

    private static final VerpKeys KEYS =
            new VerpKeys(
                    "k1",
                    Map.of(
                            "k1",
                            "feedback-test-key-feedback-test!"
                                    .getBytes(StandardCharsets.US_ASCII)));
    private static final InboundFeedback WITH_KEYS =
            new InboundFeedback(
                    new DsnParser(BounceClassifier.fromClasspath()),
                    new FeedbackReportParser(),
                    KEYS);

    @Test
    void aReportEnclosingOurReturnPathNamesTheMessageTheRealRecipientAndTheTenant()
            throws Exception {
        String verp =
                new VerpAddress("m-77", "reader@example.net", "acme")
                        .encode(KEYS, "bounces.acme.example");
        byte[] report = arfWith("Return-Path: <" + verp + ">", null);

        InboundFeedback.Result r = WITH_KEYS.feedbackOf(inbound(report, null, null), "t/0/11");

        assertThat(r.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getType()).isEqualTo(FeedbackType.COMPLAINT);
                            // The report redacted the recipient; the signed return path did not.
                            assertThat(e.getRecipient()).isEqualTo("reader@example.net");
                            assertThat(e.getMessageId()).isEqualTo("m-77");
                            assertThat(e.getTenant()).isEqualTo("acme");
                            assertThat(e.getMetadata())
                                    .containsEntry("tenant-from", "enclosed-return-path");
                        });
    }

    @Test
    void aForgedEnclosedReturnPathIsIgnoredAndTheFeedbackIdNamesTheTenant() throws Exception {
        String forged =
                new VerpAddress("m-77", "victim@example.net", "acme")
                        .encode(
                                new VerpKeys(
                                        "k1",
                                        Map.of(
                                                "k1",
                                                "some-other-key-some-other-key-!!"
                                                        .getBytes(StandardCharsets.US_ASCII))),
                                "bounces.acme.example");
        byte[] report =
                arfWith(
                        "Return-Path: <" + forged + ">",
                        "Feedback-ID: spring:globex:marketing:sluice");

        InboundFeedback.Result r = WITH_KEYS.feedbackOf(inbound(report, null, null), "t/0/12");

        assertThat(r.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getRecipient()).isEqualTo("redacted@example.net");
                            assertThat(e.getMessageId()).isNull();
                            assertThat(e.getTenant()).isEqualTo("globex");
                            assertThat(e.getMetadata()).containsEntry("tenant-from", "feedback-id");
                        });
    }

    @Test
    void anotherSendersFeedbackIdNamesNoTenant() throws Exception {
        byte[] report = arfWith(null, "Feedback-ID: 123:456:789:othersender");

        InboundFeedback.Result r = WITH_KEYS.feedbackOf(inbound(report, null, null), "t/0/13");

        assertThat(r.events()).singleElement().satisfies(e -> assertThat(e.getTenant()).isNull());
        assertThat(InboundFeedback.feedbackIdTenant("c:acme:marketing:sluice")).isEqualTo("acme");
        assertThat(InboundFeedback.feedbackIdTenant("c::marketing:sluice")).isNull();
        assertThat(InboundFeedback.feedbackIdTenant("acme")).isNull();
    }

    @Test
    void aBounceAtAReturnPathCarriesItsTenant() throws Exception {
        byte[] bounce = corpus("bounces/mail/lhost-activehunter-01.eml");
        InboundMessage m =
                InboundMessage.newBuilder(inbound(bounce, "m-42", "reader@example.net"))
                        .setVerpTenant("acme")
                        .build();

        InboundFeedback.Result r = FEEDBACK.feedbackOf(m, "t/0/14");

        assertThat(r.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getTenant()).isEqualTo("acme");
                            assertThat(e.getBounce().getBounceClass()).isEqualTo("hard");
                        });
    }

    /**
     * The corpus's arf-01 with the enclosed original's Return-Path replaced (or kept when null) and
     * a header added to the original (when not null).
     */
    private static byte[] arfWith(String returnPath, String extraHeader) throws Exception {
        String text = new String(corpus("arf/mail/arf-01.eml"), StandardCharsets.ISO_8859_1);
        String original = "Return-Path: <support@example.ed.jp>";
        assertThat(text).contains(original);
        String replacement = returnPath == null ? original : returnPath;
        if (extraHeader != null) {
            replacement = replacement + "\n" + extraHeader;
        }
        return text.replace(original, replacement).getBytes(StandardCharsets.ISO_8859_1);
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
