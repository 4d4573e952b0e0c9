package io.sluice.feedback;

import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.dsn.DsnParser;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.delivery.intake.RawRecord;
import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.schema.DeadLetter;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.InboundMessage;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes an inbound message and turns it into feedback events ({@link InboundFeedback}).
 * Stateless. A record that does not decode, or a message that is neither a bounce nor a report,
 * goes to {@link #DEAD_LETTERS} byte for byte with the reason, so nothing received is lost.
 */
public final class InboundFeedbackFunction extends ProcessFunction<RawRecord, FeedbackEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("inbound-dead-letters") {};

    private final Clock clock;
    private final VerpKeys verpKeys;
    private transient InboundFeedback feedback;
    private transient Counter complaints;
    private transient Counter bounces;
    private transient Counter unreadable;

    public InboundFeedbackFunction(Clock clock) {
        this(clock, null);
    }

    /**
     * @param verpKeys the keys of Sluice's return paths, to read enclosed ones; null for none
     */
    public InboundFeedbackFunction(Clock clock, VerpKeys verpKeys) {
        this.clock = clock;
        this.verpKeys = verpKeys;
    }

    @Override
    public void open(OpenContext context) {
        feedback =
                new InboundFeedback(
                        new DsnParser(BounceClassifier.fromClasspath()),
                        new FeedbackReportParser(),
                        verpKeys);
        var metrics = getRuntimeContext().getMetricGroup();
        complaints = metrics.counter("complaints");
        bounces = metrics.counter("bounces");
        unreadable = metrics.counter("unreadable");
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<FeedbackEvent> out) {
        String sourceId = r.topic() + "/" + r.partition() + "/" + r.offset();
        InboundFeedback.Result result;
        try {
            InboundMessage m =
                    SendRequestCodec.decode(
                            r.value(),
                            InboundMessage.class,
                            InboundMessage.getClassSchema(),
                            r.schemaVersion());
            result = feedback.feedbackOf(m, sourceId);
        } catch (Exception | StackOverflowError e) {
            deadLetter(
                    r,
                    "cannot decode record: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    ctx);
            return;
        }
        if (result.events().isEmpty()) {
            deadLetter(r, "no feedback in inbound message: " + result.verdict(), ctx);
            return;
        }
        for (FeedbackEvent e : result.events()) {
            switch (e.getType()) {
                case BOUNCE -> bounces.inc();
                default -> complaints.inc();
            }
            out.collect(e);
        }
    }

    private void deadLetter(RawRecord r, String reason, Context ctx) {
        unreadable.inc();
        ctx.output(
                DEAD_LETTERS,
                DeadLetter.newBuilder()
                        .setSourceTopic(r.topic())
                        .setSourcePartition(r.partition())
                        .setSourceOffset(r.offset())
                        .setReason(reason)
                        .setFailedAt(clock.instant())
                        .setRawKey(r.key() == null ? null : ByteBuffer.wrap(r.key()))
                        .setRawValue(r.value() == null ? null : ByteBuffer.wrap(r.value()))
                        .build());
    }
}
