package io.sluice.delivery.intake;

import io.sluice.delivery.ledger.Deferred;
import io.sluice.delivery.schedule.ScheduleCodec;
import io.sluice.delivery.shaping.Control;
import io.sluice.delivery.shaping.Feedback;
import io.sluice.delivery.suppression.SuppressionChanges;
import io.sluice.delivery.suppression.SuppressionUpdate;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.DeferredMessage;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.PacingFeedback;
import io.sluice.schema.SendRequest;
import io.sluice.schema.SuppressionChange;

/** The decoders of the delivery job's inputs. */
public final class Decoders {

    private Decoders() {}

    public static Message sendRequest(RawRecord r) throws Exception {
        SendRequest request =
                SendRequestCodec.decode(
                        r.value(),
                        SendRequest.class,
                        SendRequest.getClassSchema(),
                        r.schemaVersion());
        return SendRequestCodec.toMessage(request);
    }

    public static Deferred deferred(RawRecord r) throws Exception {
        DeferredMessage d =
                SendRequestCodec.decode(
                        r.value(),
                        DeferredMessage.class,
                        DeferredMessage.getClassSchema(),
                        r.schemaVersion());
        return new Deferred(
                SendRequestCodec.toMessage(d.getRequest()),
                d.getAttempts(),
                d.getFirstAttemptAt(),
                d.getNextAttemptAt(),
                d.getLastReply());
    }

    /**
     * A change on the compacted suppression topic; null for a tombstone, which only tells
     * compaction to drop a key whose REMOVE has already been applied.
     */
    public static SuppressionUpdate suppressionChange(RawRecord r) throws Exception {
        if (r.value() == null) {
            return null;
        }
        return SuppressionChanges.toUpdate(
                SendRequestCodec.decode(
                        r.value(),
                        SuppressionChange.class,
                        SuppressionChange.getClassSchema(),
                        r.schemaVersion()));
    }

    public static FeedbackEvent feedbackEvent(RawRecord r) throws Exception {
        return SendRequestCodec.decode(
                r.value(), FeedbackEvent.class, FeedbackEvent.getClassSchema(), r.schemaVersion());
    }

    /**
     * A decision of the control topic; null for a tombstone or a decision the scheduler has no use
     * for (a DKIM key change).
     */
    public static Control control(RawRecord r) throws Exception {
        if (r.value() == null) {
            return null;
        }
        return ScheduleCodec.toControl(
                SendRequestCodec.decode(
                        r.value(),
                        ControlEvent.class,
                        ControlEvent.getClassSchema(),
                        r.schemaVersion()));
    }

    public static Feedback pacingFeedback(RawRecord r) throws Exception {
        return ScheduleCodec.toFeedback(
                SendRequestCodec.decode(
                        r.value(),
                        PacingFeedback.class,
                        PacingFeedback.getClassSchema(),
                        r.schemaVersion()));
    }

    public static DeferredMessage toAvro(Deferred d) {
        return DeferredMessage.newBuilder()
                .setMessageId(d.message().messageId())
                .setRequest(SendRequestCodec.toAvro(d.message()))
                .setAttempts(d.attempts())
                .setFirstAttemptAt(d.firstAttemptAt())
                .setNextAttemptAt(d.nextAttemptAt())
                .setLastReply(d.lastReply())
                .build();
    }
}
