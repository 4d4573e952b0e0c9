package io.sluice.delivery.intake;

import java.time.Instant;
import java.util.Map;

/**
 * A send request inside the job: one message to one recipient, as the producer asked for it. The
 * Avro {@code SendRequest} is mapped to this at the edge ({@link SendRequestCodec}).
 */
public record Message(
        String messageId,
        String tenant,
        String campaign,
        Priority priority,
        String fromAddress,
        String fromName,
        String replyTo,
        String recipient,
        String recipientName,
        String subject,
        Map<String, String> headers,
        String textBody,
        String htmlBody,
        String unsubscribeUrl,
        String ipPool,
        Instant submittedAt,
        Map<String, String> metadata) {

    public String fromDomain() {
        return fromAddress.substring(fromAddress.lastIndexOf('@') + 1);
    }
}
