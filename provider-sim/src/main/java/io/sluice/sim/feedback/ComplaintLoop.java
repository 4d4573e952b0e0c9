package io.sluice.sim.feedback;

import io.sluice.sim.truth.Delivery;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's feedback loop: for a share of the marketing mail it accepted (a message with a
 * {@code List-Unsubscribe} header), it mails an ARF complaint report (RFC 5965: multipart/report,
 * report-type=feedback-report, Feedback-Type abuse, Original-Rcpt-To, the original headers) to the
 * sender's feedback address over SMTP. Which messages draw a complaint is decided by a hash of the
 * Message-ID and recipient, so a rerun complains about the same ones; a recipient whose local part
 * starts with {@value #COMPLAIN_PREFIX} always complains, so a test or a sample campaign can ask
 * for one. The enclosed headers start with the Return-Path the mailbox added at delivery (RFC 5321
 * section 4.4), as real providers' reports do. Reports are sent from one background thread so the
 * SMTP session that accepted the message is not held up.
 */
public final class ComplaintLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ComplaintLoop.class);

    /** Recipients with this local-part prefix complain about every marketing message. */
    public static final String COMPLAIN_PREFIX = "complain-";

    private final String provider;
    private final double share;
    private final InetSocketAddress feedbackServer;
    private final String feedbackAddress;
    private final ExecutorService sender =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "complaint-loop");
                        t.setDaemon(true);
                        return t;
                    });
    private final AtomicLong sent = new AtomicLong();

    /**
     * @param share of accepted marketing messages that draw a complaint, 0 to 1
     * @param feedbackServer where the reports are delivered (the sender's inbound MX)
     * @param feedbackAddress the RCPT TO of the reports
     */
    public ComplaintLoop(
            String provider,
            double share,
            InetSocketAddress feedbackServer,
            String feedbackAddress) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("complaint share must be from 0 to 1, was " + share);
        }
        this.provider = provider;
        this.share = share;
        this.feedbackServer = feedbackServer;
        this.feedbackAddress = feedbackAddress;
    }

    /** Whether this accepted message draws a complaint; the caller lowers reputation if so. */
    public boolean complains(Delivery d, String headers) {
        if (!headers.toLowerCase(Locale.ROOT).contains("\nlist-unsubscribe:")
                && !headers.toLowerCase(Locale.ROOT).startsWith("list-unsubscribe:")) {
            return false;
        }
        if (d.recipient().toLowerCase(Locale.ROOT).startsWith(COMPLAIN_PREFIX)) {
            return true;
        }
        int bucket = Math.floorMod((d.messageId() + "|" + d.recipient()).hashCode(), 10_000);
        return bucket < share * 10_000;
    }

    /** Sends the report in the background. */
    public void report(Delivery d, String headers) {
        sender.execute(
                () -> {
                    try {
                        send(d, headers);
                        sent.incrementAndGet();
                    } catch (IOException | MessagingException e) {
                        LOG.warn("complaint report for {} could not be sent", d.messageId(), e);
                    }
                });
    }

    public long sent() {
        return sent.get();
    }

    private void send(Delivery d, String headers) throws IOException, MessagingException {
        Properties p = new Properties();
        p.put("mail.smtp.host", feedbackServer.getAddress().getHostAddress());
        p.put("mail.smtp.port", Integer.toString(feedbackServer.getPort()));
        p.put("mail.smtp.localhost", "fbl." + provider + ".test");
        Session session = Session.getInstance(p);
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
        Transport.send(report);
    }

    private static String date(Delivery d) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(d.at().atZone(ZoneOffset.UTC));
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
