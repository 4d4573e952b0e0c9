package io.sluice.bounce.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.classify.Reason;
import io.sluice.bounce.classify.SmtpReply;
import io.sluice.bounce.corpus.Corpora;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    // Lines repeated thousands of times (ParserFuzzTest's HEADER_DUPLICATION) once cost time
    // quadratic in their number: unfolding copied the rest of a field at every line break, style
    // blocks were looked for 20,000 characters on from every opening tag, a folded DSN field was
    // joined line by line, and every recipient's paragraph scanned the text once per other
    // recipient. These check the verdicts on such input; the fuzz run checks the time.

    @Test
    void aFromFieldFoldedOverFiveThousandLinesLeavesTheVerdictAsItWas() throws IOException {
        // A DSN, and a notice without one, which the parser reads the From field of.
        String dsn = corpusMessage("rhost-google-05.eml");
        String notice = corpusMessage("lhost-exim-05.eml");
        String fold = "\t(Mail Delivery System)\n".repeat(5_000);
        String foldedDsn = afterLine(dsn, "From: MAILER-DAEMON", fold);
        String foldedNotice = afterLine(notice, "From: Mail Delivery System", fold);

        for (String message : List.of(dsn, foldedDsn, foldedDsn.replace("\n", "\r\n"))) {
            BounceReport report = parse(message);

            assertThat(report.verdict()).isEqualTo("rfc3464");
            assertThat(report.recipients())
                    .extracting(
                            BouncedRecipient::recipient,
                            BouncedRecipient::status,
                            BouncedRecipient::replyCode,
                            r -> r.classification().reason())
                    .containsExactly(
                            tuple("kijitora@google.example.com", "5.2.2", 552, Reason.MAILBOXFULL));
        }
        for (String message : List.of(notice, foldedNotice, foldedNotice.replace("\n", "\r\n"))) {
            BounceReport report = parse(message);

            assertThat(report.verdict()).isEqualTo("text");
            assertThat(report.recipients())
                    .extracting(
                            BouncedRecipient::recipient,
                            BouncedRecipient::replyCode,
                            r -> r.classification().reason())
                    .containsExactly(tuple("kijitora@neko.example.co.jp", 553, Reason.USERUNKNOWN));
        }
        assertThat(parse(foldedDsn)).isEqualTo(parse(dsn));
        assertThat(parse(foldedNotice)).isEqualTo(parse(notice));
    }

    @Test
    void aStyleTagRepeatedThousandsOfTimesLeavesTheVerdictAsItWas() throws IOException {
        String bounce = corpusMessage("rhost-aol-03.eml");
        String repeated =
                afterLine(
                        bounce,
                        "  <style type=3D\"text/css\" data-premailer",
                        "  <style type=3D\"text/css\" data-premailer=3D\"ignore\">@media screen {\n"
                                .repeat(800));

        for (String message : List.of(bounce, repeated)) {
            BounceReport report = parse(message);

            assertThat(report.verdict()).isEqualTo("rfc3464");
            assertThat(report.recipients())
                    .extracting(BouncedRecipient::recipient, BouncedRecipient::status)
                    .containsExactly(
                            tuple("sabineko@example.jp", "5.2.2"),
                            tuple("mikeneko@example.jp", "5.1.1"));
            assertThat(report.recipients())
                    .extracting(r -> r.classification().reason())
                    .containsExactly(Reason.MAILBOXFULL, Reason.USERUNKNOWN);
        }
    }

    @Test
    void aDiagnosticFoldedOverSixteenThousandLinesIsReadWhole() throws IOException {
        String folded =
                afterLine(
                        corpusMessage("rhost-google-05.eml"),
                        "Diagnostic-Code: smtp; 552-5.2.2",
                        "\t x\n".repeat(16_000));

        BounceReport report = parse(folded);

        assertThat(report.recipients()).hasSize(1);
        BouncedRecipient r = report.recipients().get(0);
        assertThat(r.recipient()).isEqualTo("kijitora@google.example.com");
        assertThat(r.status()).isEqualTo("5.2.2");
        assertThat(r.diagnostic())
                .startsWith("552-5.2.2 The recipient's inbox is out of storage space x x x")
                .endsWith(" x x x");
        assertThat(r.classification().reason()).isEqualTo(Reason.MAILBOXFULL);
    }

    @Test
    void eachOfAHundredRecipientsIsReadFromItsOwnParagraph() {
        StringBuilder text = new StringBuilder();
        StringBuilder fields = new StringBuilder("Reporting-MTA: dns; mx.example.org\n");
        for (int i = 0; i < 100; i++) {
            String reply =
                    i % 2 == 0
                            ? "550 5.1.1 <user%d@example.com>: Recipient address rejected: User unknown"
                            : "552 5.2.2 <user%d@example.com>: Mailbox full";
            text.append(
                    ("<user%d@example.com>: host mx.example.com said: "
                                    + reply
                                    + " (in reply to RCPT TO command)\n\n")
                            .formatted(i, i));
            fields.append(
                    "\nFinal-Recipient: rfc822; user%d@example.com\nAction: failed\nStatus: 5.0.0\n"
                            .formatted(i));
        }
        String message =
                "From: MAILER-DAEMON@mx.example.org\n"
                        + "Subject: Undelivered Mail Returned to Sender\n"
                        + "MIME-Version: 1.0\n"
                        + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
                        + "--b\nContent-Type: text/plain\n\n"
                        + text
                        + "For further assistance, please send mail to postmaster.\n".repeat(300)
                        + "\n--b\nContent-Type: message/delivery-status\n\n"
                        + fields
                        + "\n--b--\n";

        BounceReport report = DSN.parse(message.getBytes(StandardCharsets.US_ASCII));

        assertThat(report.verdict()).isEqualTo("rfc3464");
        assertThat(report.recipients()).hasSize(100);
        for (int i = 0; i < 100; i++) {
            BouncedRecipient r = report.recipients().get(i);
            assertThat(r.recipient()).isEqualTo("user" + i + "@example.com");
            assertThat(r.diagnostic()).contains("<user" + i + "@example.com>:");
            assertThat(r.classification().reason())
                    .as(r.recipient())
                    .isEqualTo(i % 2 == 0 ? Reason.USERUNKNOWN : Reason.MAILBOXFULL);
        }
    }

    @Test
    void aBoundaryLongerThanALineMayBeLeavesTheVerdictAsItWas() {
        // Jakarta Mail's boundary search costs the square of the boundary's length, and without a
        // boundary parameter it takes the first line starting with "--" for the boundary.
        String head =
                "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\nMIME-Version: 1.0\n"
                        + "Content-Type: multipart/report; report-type=delivery-status";
        String parts =
                "--b\nContent-Type: text/plain\n\nThe message could not be delivered.\n"
                        + "--b\nContent-Type: message/delivery-status\n\n"
                        + "Reporting-MTA: dns; mx.example.org\n\n"
                        + "Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n"
                        + "Diagnostic-Code: smtp; 550 5.1.1 <a@example.com>: User unknown\n--b--\n";
        String huge = "--boundary".repeat(10_000);
        String withBoundary = head + "; boundary=b\n\n" + parts;
        String guessed = head + "\n\n" + huge + "\n" + parts;
        // A boundary parameter longer than a line may be is none: the part is read as text, where
        // the fields are found as long as they lie within the 64 KiB of text read.
        String tooLongBoundary = "--boundary".repeat(2_000);
        String tooLong =
                head
                        + "; boundary=\""
                        + tooLongBoundary
                        + "\"\n\n--"
                        + tooLongBoundary
                        + "\n"
                        + parts;

        for (String message : List.of(withBoundary, guessed, tooLong)) {
            BounceReport report = parse(message);

            assertThat(report.verdict()).isEqualTo("rfc3464");
            assertThat(report.recipients())
                    .extracting(
                            BouncedRecipient::recipient,
                            BouncedRecipient::status,
                            r -> r.classification().reason())
                    .containsExactly(tuple("a@example.com", "5.1.1", Reason.USERUNKNOWN));
        }
        assertThat(parse(guessed)).isEqualTo(parse(withBoundary));
    }

    private static BounceReport parse(String message) {
        return DSN.parse(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String corpusMessage(String name) throws IOException {
        return Files.readString(
                Corpora.require("bounces").resolve("mail").resolve(name),
                StandardCharsets.ISO_8859_1);
    }

    /** {@code text} with {@code insert} after the line that starts with {@code start}. */
    private static String afterLine(String text, String start, String insert) {
        int at = text.indexOf("\n" + start) + 1;
        assertThat(at).as(start).isPositive();
        int end = text.indexOf('\n', at) + 1;
        return text.substring(0, end) + insert + text.substring(end);
    }
}
