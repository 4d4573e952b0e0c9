package io.sluice.mta.message;

import java.util.Map;
import java.util.Objects;

/**
 * One message to one recipient as the MTA sends it: envelope and content. Built from a validated
 * send request; {@link MimeComposer} turns it into RFC 5322 bytes.
 *
 * @param messageId the producer's id; the Message-ID header is derived from it
 * @param returnPath the envelope sender (MAIL FROM), where bounces go
 * @param headers extra header fields, already checked for CR/LF and structural names
 */
public record OutboundMessage(
        String messageId,
        String returnPath,
        String fromAddress,
        String fromName,
        String replyTo,
        String recipient,
        String recipientName,
        String subject,
        Map<String, String> headers,
        String textBody,
        String htmlBody,
        String unsubscribeUrl) {

    public OutboundMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(returnPath, "returnPath");
        Objects.requireNonNull(fromAddress, "fromAddress");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(subject, "subject");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        if (textBody == null && htmlBody == null) {
            throw new IllegalArgumentException(messageId + ": a message needs a text or HTML body");
        }
    }

    public String fromDomain() {
        return fromAddress.substring(fromAddress.lastIndexOf('@') + 1);
    }
}
