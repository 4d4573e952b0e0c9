package io.sluice.delivery.event;

import io.sluice.delivery.intake.Message;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One state change of one message, inside the job; {@link DeliveryEventCodec} writes it as the Avro
 * {@code DeliveryEvent}. Its id is deterministic (message, type, attempt), so a consumer can drop
 * the copies a replay after a failure may write.
 */
public record Event(
        String eventId,
        String messageId,
        String tenant,
        String campaign,
        String recipient,
        EventType type,
        Instant occurredAt,
        String reason,
        String site,
        String ipPool,
        Attempt attempt,
        Instant nextAttemptAt,
        String bounceClass,
        Map<String, String> metadata) {

    /** An event about the message itself (ACCEPTED, REJECTED, SUPPRESSED): no attempt. */
    public static Event of(Message m, EventType type, Instant at, String reason) {
        return create(m, type, at, reason, null, m.ipPool(), null, null, null);
    }

    /** An event about attempt {@code attempt.number()}; its id carries the attempt number. */
    public static Event ofAttempt(
            Message m,
            EventType type,
            Instant at,
            String reason,
            String site,
            String pool,
            Attempt attempt,
            Instant nextAttemptAt,
            String bounceClass) {
        return create(m, type, at, reason, site, pool, attempt, nextAttemptAt, bounceClass);
    }

    private static Event create(
            Message m,
            EventType type,
            Instant at,
            String reason,
            String site,
            String pool,
            Attempt attempt,
            Instant nextAttemptAt,
            String bounceClass) {
        String id = m.messageId() + ":" + type.name().toLowerCase(Locale.ROOT);
        return new Event(
                attempt == null ? id : id + ":" + attempt.number(),
                m.messageId(),
                m.tenant(),
                m.campaign(),
                m.recipient(),
                type,
                at,
                reason,
                site,
                pool,
                attempt,
                nextAttemptAt,
                bounceClass,
                m.metadata());
    }
}
