package io.sluice.mta.message;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Builds the RFC 5322 message with Angus Mail: From, To, Reply-To, Subject (RFC 2047 encoded when
 * not ASCII), Date, a Message-ID derived from the producer's id, the extra headers, the RFC 8058
 * one-click unsubscribe pair, and a text, HTML or multipart/alternative body. The result is CRLF
 * throughout, ready to sign and to send byte for byte.
 */
public final class MimeComposer {

    private final Session session;

    public MimeComposer() {
        Properties props = new Properties();
        // Non-ASCII bodies go out quoted-printable or base64, so no line exceeds RFC 5322's 998.
        props.setProperty("mail.mime.allowutf8", "false");
        this.session = Session.getInstance(props);
    }

    public byte[] compose(OutboundMessage m, Instant date) {
        try {
            MimeMessage mime = new FixedIdMimeMessage(session, messageIdHeader(m));
            mime.setFrom(address(m.fromAddress(), m.fromName()));
            mime.setRecipient(
                    jakarta.mail.Message.RecipientType.TO,
                    address(m.recipient(), m.recipientName()));
            if (m.replyTo() != null) {
                mime.setReplyTo(new InternetAddress[] {address(m.replyTo(), null)});
            }
            mime.setSubject(m.subject(), StandardCharsets.UTF_8.name());
            mime.setSentDate(Date.from(date));
            for (Map.Entry<String, String> h : new TreeMap<>(m.headers()).entrySet()) {
                mime.addHeader(h.getKey(), h.getValue());
            }
            if (m.unsubscribeUrl() != null) {
                mime.setHeader("List-Unsubscribe", "<" + m.unsubscribeUrl() + ">");
                mime.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            }
            setBody(mime, m);
            mime.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            mime.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            throw new IllegalArgumentException(
                    "cannot build message " + m.messageId() + ": " + e.getMessage(), e);
        }
    }

    /** The Message-ID: the producer's id (already checked to be header-safe) at the From domain. */
    static String messageIdHeader(OutboundMessage m) {
        return "<" + m.messageId() + "@" + m.fromDomain() + ">";
    }

    private static void setBody(MimeMessage mime, OutboundMessage m) throws MessagingException {
        String utf8 = StandardCharsets.UTF_8.name();
        if (m.textBody() != null && m.htmlBody() != null) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(m.textBody(), utf8, "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(m.htmlBody(), utf8, "html");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            mime.setContent(alternative);
        } else if (m.htmlBody() != null) {
            mime.setText(m.htmlBody(), utf8, "html");
        } else {
            mime.setText(m.textBody(), utf8, "plain");
        }
    }

    private static InternetAddress address(String address, String name) throws MessagingException {
        try {
            return name == null
                    ? new InternetAddress(address, true)
                    : new InternetAddress(address, name, StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("cannot encode display name of " + address, e);
        }
    }

    /** Angus Mail would otherwise replace the Message-ID with a random one on saveChanges(). */
    private static final class FixedIdMimeMessage extends MimeMessage {
        private final String messageId;

        FixedIdMimeMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
