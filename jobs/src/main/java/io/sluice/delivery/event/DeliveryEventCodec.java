package io.sluice.delivery.event;

import io.sluice.schema.AttemptDetail;
import io.sluice.schema.BounceClass;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.SmtpStage;
import java.util.Map;

/** Maps the job's {@link Event} to the wire's {@code DeliveryEvent}. */
public final class DeliveryEventCodec {

    private DeliveryEventCodec() {}

    public static DeliveryEvent toAvro(Event e) {
        DeliveryEvent.Builder b =
                DeliveryEvent.newBuilder()
                        .setEventId(e.eventId())
                        .setMessageId(e.messageId())
                        .setTenant(e.tenant() == null ? "" : e.tenant())
                        .setCampaign(e.campaign())
                        .setRecipient(e.recipient() == null ? "" : e.recipient())
                        .setType(DeliveryEventType.valueOf(e.type().name()))
                        .setIsFinal(e.type().isFinal())
                        .setOccurredAt(e.occurredAt())
                        .setReason(e.reason())
                        .setSite(e.site())
                        .setIpPool(e.ipPool())
                        .setNextAttemptAt(e.nextAttemptAt())
                        .setBounceClass(
                                e.bounceClass() == null
                                        ? null
                                        : BounceClass.valueOf(e.bounceClass()))
                        .setMetadata(e.metadata() == null ? Map.of() : e.metadata());
        Attempt a = e.attempt();
        if (a != null) {
            b.setAttempt(
                    AttemptDetail.newBuilder()
                            .setNumber(a.number())
                            .setSendingIp(a.sendingIp())
                            .setMxHost(a.mxHost())
                            .setStage(SmtpStage.valueOf(a.stage()))
                            .setReplyCode(a.replyCode() == 0 ? null : a.replyCode())
                            .setEnhancedStatus(a.enhancedStatus())
                            .setReplyText(a.replyText())
                            .setLatencyMs(a.latencyMs())
                            .setTls(a.tls())
                            .build());
        }
        return b.build();
    }
}
