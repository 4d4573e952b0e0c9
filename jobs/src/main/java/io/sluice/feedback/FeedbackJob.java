package io.sluice.feedback;

import io.sluice.bounce.verp.VerpKeys;
import io.sluice.delivery.DeliveryJob;
import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.intake.RawRecord;
import io.sluice.delivery.kafka.AvroRecordSerializer;
import io.sluice.delivery.kafka.KafkaEndpoints;
import io.sluice.delivery.kafka.Topics;
import io.sluice.delivery.suppression.FeedbackSuppressions;
import io.sluice.schema.DeadLetter;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.SuppressionChange;
import java.time.Clock;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The feedback job: inbound mail (out-of-band bounces, complaint reports) in, feedback events and
 * suppressions out.
 *
 * <pre>
 * inbound-mail -> parse -+-> feedback-events (exactly once; the reputation job counts them)
 *                        +-> suppressions (at least once, at once: ADR 3)
 *                        +-> dead-letters (undecodable, or neither a bounce nor a report)
 * </pre>
 */
public final class FeedbackJob {

    /** Where the job reads and writes. */
    public record Endpoints(
            Source<RawRecord, ?, ?> inbound,
            Sink<FeedbackEvent> feedback,
            Sink<SuppressionChange> suppressions,
            Sink<DeadLetter> deadLetters) {}

    private FeedbackJob() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = DeliveryJob.loadConfiguration(args);
        StreamExecutionEnvironment env = DeliveryJob.environment(conf);
        build(env, kafka(conf), Clock.systemUTC(), DeliveryOptions.verpKeys(conf));
        env.execute("sluice-feedback");
    }

    public static void build(StreamExecutionEnvironment env, Endpoints io, Clock clock) {
        build(env, io, clock, null);
    }

    /**
     * @param verpKeys the keys of Sluice's return paths, so a complaint report that encloses one
     *     names its message, recipient and tenant; null when none are configured
     */
    public static void build(
            StreamExecutionEnvironment env, Endpoints io, Clock clock, VerpKeys verpKeys) {
        SingleOutputStreamOperator<FeedbackEvent> feedback =
                env.fromSource(io.inbound(), WatermarkStrategy.noWatermarks(), "inbound-mail")
                        .uid("source-inbound-mail")
                        .process(new InboundFeedbackFunction(clock, verpKeys))
                        .returns(FeedbackEvent.class)
                        .uid("parse-inbound-mail")
                        .name("parse bounces and reports");
        feedback.sinkTo(io.feedback()).uid("sink-inbound-feedback-events").name("feedback events");
        feedback.flatMap(FeedbackSuppressions.suppressions())
                .returns(SuppressionChange.class)
                .uid("inbound-suppressions")
                .name("feedback to suppressions")
                .sinkTo(io.suppressions())
                .uid("sink-inbound-suppressions")
                .name("suppressions");
        feedback.getSideOutput(InboundFeedbackFunction.DEAD_LETTERS)
                .sinkTo(io.deadLetters())
                .uid("sink-inbound-dead-letters")
                .name("dead letters");
    }

    public static Endpoints kafka(Configuration conf) {
        String servers = conf.get(DeliveryOptions.BOOTSTRAP_SERVERS);
        String prefix = conf.get(DeliveryOptions.TRANSACTIONAL_ID_PREFIX) + "-feedback";
        return new Endpoints(
                KafkaEndpoints.readCommitted(servers, Topics.INBOUND_MAIL, "sluice-feedback"),
                KafkaEndpoints.exactlyOnce(
                        servers,
                        prefix + "-events",
                        new AvroRecordSerializer<FeedbackEvent>(
                                conf.get(DeliveryOptions.FEEDBACK_EVENTS_TOPIC),
                                f -> f.getMessageId() != null ? f.getMessageId() : f.getRecipient(),
                                f -> f)),
                KafkaEndpoints.suppressions(servers, conf.get(DeliveryOptions.SUPPRESSIONS_TOPIC)),
                KafkaEndpoints.exactlyOnce(
                        servers,
                        prefix + "-dead-letters",
                        KafkaEndpoints.deadLetters(conf.get(DeliveryOptions.DEAD_LETTERS_TOPIC))));
    }
}
