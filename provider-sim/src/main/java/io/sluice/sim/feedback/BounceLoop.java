package io.sluice.sim.feedback;

import io.sluice.sim.profile.Reply;
import io.sluice.sim.profile.SenderRate;
import io.sluice.sim.truth.Delivery;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A provider's out-of-band bounces: for a share of the mail it accepted (the profile's {@code
 * feedback.late-bounce-rate} for the sending IP and domain), the mailbox turns out dead after all,
 * and the provider mails an RFC 3464 delivery status notification with the null sender to the
 * message's return path exactly as MAIL FROM gave it, through the MX of the return path's domain.
 * That address is what ties the bounce to the message and recipient on Sluice's side: Sluice's
 * inbound server takes a DSN only at a VERP return path whose MAC verifies, and decodes the message
 * id and recipient from it.
 *
 * <p>No {@code Original-Envelope-Id}: RFC 3464 section 2.2.1 allows it only when the sender gave an
 * ENVID (RFC 3461), and the simulated servers do not offer the DSN extension. The original's header
 * section (with its Message-ID) is returned as the third part instead.
 */
public final class BounceLoop {

    /** Recipients with this local-part prefix are accepted, then bounce late (a test asks so). */
    public static final String BOUNCE_LATER_PREFIX = "bounce-later-";

    private static final DateTimeFormatter RFC_5322 =
            DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final String reportingHost;
    private final SenderRate rate;
    private final Reply reply;
    private final ReportMailer mailer;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param reportingHost the provider's MX host name: Reporting-MTA, HELO, the DSN's From
     * @param reply what the DSN says the mailbox answered: a 5xx reply whose text starts with the
     *     enhanced status code
     * @param mailer delivers to the MX of each return path's domain
     */
    public BounceLoop(
            String reportingHost, SenderRate rate, Reply reply, ReportMailer mailer, Clock clock) {
        if (!reply.permanent() || reply.status().isEmpty()) {
            throw new IllegalArgumentException(
                    "a late bounce needs a 5xx reply with an enhanced status code, was " + reply);
        }
        this.reportingHost = reportingHost;
        this.rate = rate;
        this.reply = reply;
        this.mailer = mailer;
        this.clock = clock;
    }

    /**
     * Whether this accepted message bounces late; mail with the null sender never does, a recipient
     * whose local part starts with {@value #BOUNCE_LATER_PREFIX} always does.
     */
    public boolean bounces(Delivery d) {
        if (d.mailFrom().isEmpty()) {
            return false;
        }
        return d.recipient().toLowerCase(java.util.Locale.ROOT).startsWith(BOUNCE_LATER_PREFIX)
                || Draw.of(d, "late-bounce") < rate.forSender(d.clientIp(), Draw.senderDomain(d));
    }

    /** Queues the DSN to the return path. */
    public void report(Delivery d, String headers) {
        mailer.send(compose(d, headers), "", d.mailFrom());
    }

    /** DSNs a server took. */
    public long sent() {
        return mailer.sent();
    }

    /** DSNs no server took. */
    public long failed() {
        return mailer.failed();
    }

    /**
     * RFC 3464 section 2: multipart/report; report-type=delivery-status, with a human-readable
     * part, the per-message fields (Reporting-MTA, Arrival-Date), the per-recipient fields
     * (Final-Recipient, Action, Status, Diagnostic-Code) and the original's header section as
     * text/rfc822-headers (RFC 6522 section 4).
     */
    byte[] compose(Delivery d, String headers) {
        String id = "dsn-" + sequence.incrementAndGet() + "-" + Long.toHexString(Draw.hash(d));
        String boundary = "=_" + id;
        String diagnostic =
                reply.code()
                        + " "
                        + reply.render(d.clientIp(), Draw.senderDomain(d), d.recipient());
        String text =
                "From: Mail Delivery Subsystem <MAILER-DAEMON@"
                        + reportingHost
                        + ">\r\n"
                        + "To: <"
                        + d.mailFrom()
                        + ">\r\n"
                        + "Date: "
                        + RFC_5322.format(clock.instant())
                        + "\r\n"
                        + "Subject: Undelivered Mail Returned to Sender\r\n"
                        + "Message-ID: <"
                        + id
                        + "@"
                        + reportingHost
                        + ">\r\n"
                        + "Auto-Submitted: auto-replied\r\n"
                        + "MIME-Version: 1.0\r\n"
                        + "Content-Type: multipart/report; report-type=delivery-status;\r\n"
                        + "\tboundary=\""
                        + boundary
                        + "\"\r\n"
                        + "\r\n"
                        + "--"
                        + boundary
                        + "\r\n"
                        + "Content-Type: text/plain; charset=us-ascii\r\n"
                        + "\r\n"
                        + "Your message to "
                        + d.recipient()
                        + " was accepted but could not be delivered to the mailbox:\r\n"
                        + diagnostic
                        + "\r\n"
                        + "\r\n"
                        + "--"
                        + boundary
                        + "\r\n"
                        + "Content-Type: message/delivery-status\r\n"
                        + "\r\n"
                        + "Reporting-MTA: dns; "
                        + reportingHost
                        + "\r\n"
                        + "Arrival-Date: "
                        + RFC_5322.format(d.at())
                        + "\r\n"
                        + "\r\n"
                        + "Final-Recipient: rfc822; "
                        + d.recipient()
                        + "\r\n"
                        + "Action: failed\r\n"
                        + "Status: "
                        + reply.status()
                        + "\r\n"
                        + "Diagnostic-Code: smtp; "
                        + diagnostic
                        + "\r\n"
                        + "\r\n"
                        + "--"
                        + boundary
                        + "\r\n"
                        + "Content-Type: text/rfc822-headers\r\n"
                        + "\r\n"
                        + headers
                        + "\r\n"
                        + "--"
                        + boundary
                        + "--\r\n";
        // The original's header section is kept byte for byte (ISO-8859-1 maps bytes 1:1).
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
