package io.sluice.sim.feedback;

import io.sluice.sim.profile.SenderRate;
import io.sluice.sim.truth.Delivery;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Properties;

/**
 * A provider's complaint feedback loop: for a share of the marketing mail it accepted (a message
 * with a {@code List-Unsubscribe} header), it mails an ARF complaint report (RFC 5965:
 * multipart/report, report-type=feedback-report, Feedback-Type abuse, Original-Rcpt-To, the
 * original headers) to the sender's feedback address through a {@link ReportMailer}. The share is
 * the profile's {@code feedback.complaint-rate} for the sending IP and domain, or one share for
 * all; which messages draw a complaint is decided by {@link Draw}, so a rerun complains about the
 * same ones; a recipient whose local part starts with {@value #COMPLAIN_PREFIX} always complains,
 * so a test or a sample campaign can ask for one. The enclosed headers start with the Return-Path
 * the mailbox added at delivery (RFC 5321 section 4.4), as real providers' reports do.
 */
public final class ComplaintLoop {

    /** Recipients with this local-part prefix complain about every marketing message. */
    public static final String COMPLAIN_PREFIX = "complain-";

    private final String provider;
    private final SenderRate rate;
    private final ReportMailer mailer;
    private final String feedbackAddress;

    /**
     * @param rate of accepted marketing messages that draw a complaint, per sender
     * @param mailer how the reports reach the sender's feedback server
     * @param feedbackAddress the RCPT TO of the reports
     */
    public ComplaintLoop(
            String provider, SenderRate rate, ReportMailer mailer, String feedbackAddress) {
        this.provider = provider;
        this.rate = rate;
        this.mailer = mailer;
        this.feedbackAddress = feedbackAddress;
    }

    /** Whether this accepted message draws a complaint; the caller lowers reputation if so. */
    public boolean complains(Delivery d, String headers) {
        String lower = headers.toLowerCase(Locale.ROOT);
        if (!lower.contains("\nlist-unsubscribe:") && !lower.startsWith("list-unsubscribe:")) {
            return false;
        }
        if (d.recipient().toLowerCase(Locale.ROOT).startsWith(COMPLAIN_PREFIX)) {
            return true;
        }
        return Draw.of(d, "complaint") < rate.forSender(d.clientIp(), Draw.senderDomain(d));
    }

    /** Queues the report. */
    public void report(Delivery d, String headers) {
        try {
            mailer.send(compose(d, headers), "fbl@" + provider + ".test", feedbackAddress);
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException("complaint report for " + d.messageId(), e);
        }
    }

    /** Reports a server took. */
    public long sent() {
        return mailer.sent();
    }

    private byte[] compose(Delivery d, String headers) throws IOException, MessagingException {
        Session session = Session.getInstance(new Properties());
        MimeMessage report = new MimeMessage(session);
        String from = "fbl@" + provider + ".test";
        report.setFrom(new InternetAddress(from));
        report.setRecipients(MimeMessage.RecipientType.TO, feedbackAddress);
        report.setSubject("FW: complaint about a message from " + d.mailFrom());

        MimeMultipart multipart = new MimeMultipart("report; report-type=feedback-report");
        MimeBodyPart human = new MimeBodyPart();
        human.setText(
                "This is an email abuse report for an email message received from IP "
                        + d.clientIp()
                        + " on "
                        + date(d)
                        + ".\r\n",
                "us-ascii");
        multipart.addBodyPart(human);

        String fields =
                "Feedback-Type: abuse\r\n"
                        + "User-Agent: "
                        + provider
                        + "-simulator/1.0\r\n"
                        + "Version: 1\r\n"
                        + "Original-Mail-From: <"
                        + d.mailFrom()
                        + ">\r\n"
                        + "Original-Rcpt-To: <"
                        + d.recipient()
                        + ">\r\n"
                        + "Arrival-Date: "
                        + date(d)
                        + "\r\n"
                        + "Source-IP: "
                        + d.clientIp()
                        + "\r\n"
                        + "Reported-Domain: "
                        + d.mailFrom().substring(d.mailFrom().lastIndexOf('@') + 1)
                        + "\r\n";
        MimeBodyPart machine =
                new MimeBodyPart(new InternetHeaders(), fields.getBytes(StandardCharsets.US_ASCII));
        machine.setHeader("Content-Type", "message/feedback-report");
        multipart.addBodyPart(machine);

        String enclosed =
                headers.regionMatches(true, 0, "Return-Path:", 0, 12)
                        ? headers
                        : "Return-Path: <" + d.mailFrom() + ">\r\n" + headers;
        MimeBodyPart original =
                new MimeBodyPart(
                        new InternetHeaders(), enclosed.getBytes(StandardCharsets.ISO_8859_1));
        original.setHeader("Content-Type", "text/rfc822-headers");
        multipart.addBodyPart(original);

        report.setContent(multipart);
        report.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.writeTo(out);
        return out.toByteArray();
    }

    private static String date(Delivery d) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(d.at().atZone(ZoneOffset.UTC));
    }
}
