package io.sluice.reputation;

import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.delivery.DeliveryJob;
import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.intake.DecodeFunction;
import io.sluice.delivery.intake.RawRecord;
import io.sluice.delivery.kafka.AvroRecordSerializer;
import io.sluice.delivery.kafka.KafkaEndpoints;
import io.sluice.delivery.send.SmtpDeliveryFunction;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.DeadLetter;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.FeedbackEvent;
import java.time.Clock;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The reputation job: what happens to the mail in, decisions that steer the delivery job out.
 *
 * <pre>
 * delivery-events -> decode -> signals (tenant, IP, IP at site) -+
 * feedback-events -> decode -> signals (tenant, IP)              +-> keyBy(entity) reputation
 * control (operators' decisions only) -> signals                 |      -> control (at least once)
 * sluice.reputation.new-ips -> warm-up starts -------------------+
 * </pre>
 *
 * Decisions are written at least once, not in transactions: a block must reach the delivery job in
 * milliseconds, not at the next checkpoint, and a decision written twice is harmless (the topic is
 * compacted by type and scope, the delivery job keeps the latest per scope, and a replay writes the
 * same ids in the same order). docs/design/reputation.md explains the rest.
 *
 * <p>Every operator's uid starts with {@code reputation}, so that the local stack can build this
 * job into the same graph as the delivery and feedback jobs (both read the feedback-events and
 * control topics and write dead letters too) without a uid collision.
 */
public final class ReputationJob {

    /** Where the job reads and writes; Kafka in production, anything in tests. */
    public record Endpoints(
            Source<RawRecord, ?, ?> deliveryEvents,
            Source<RawRecord, ?, ?> feedbackEvents,
            Source<RawRecord, ?, ?> control,
            Sink<Decision> controlOut,
            Sink<DeadLetter> deadLetters) {}

    private ReputationJob() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = DeliveryJob.loadConfiguration(args);
        if (!conf.get(ReputationOptions.ENABLED)) {
            throw new IllegalArgumentException(
                    "sluice.reputation.enabled is false -- the reputation job is switched off;"
                            + " do not submit it, or set the option to true");
        }
        StreamExecutionEnvironment env = DeliveryJob.environment(conf);
        build(env, conf, kafka(conf), Clock.systemUTC());
        env.execute("sluice-reputation");
    }

    public static void build(
            StreamExecutionEnvironment env, Configuration conf, Endpoints io, Clock clock) {
        ReputationPolicy policy = ReputationOptions.policy(conf);
        List<Signal> seeds = ReputationOptions.warmupSeeds(conf);

        SingleOutputStreamOperator<DeliveryEvent> deliveries =
                env.fromSource(
                                io.deliveryEvents(),
                                WatermarkStrategy.noWatermarks(),
                                "delivery-events")
                        .uid("reputation-source-delivery-events")
                        .process(new DecodeFunction<>(ReputationCodec::deliveryEvent, clock))
                        .returns(DeliveryEvent.class)
                        .uid("reputation-decode-delivery-events")
                        .name("decode delivery events");
        SingleOutputStreamOperator<FeedbackEvent> feedback =
                env.fromSource(
                                io.feedbackEvents(),
                                WatermarkStrategy.noWatermarks(),
                                "feedback-events")
                        .uid("reputation-source-feedback-events")
                        .process(new DecodeFunction<>(ReputationCodec::feedbackEvent, clock))
                        .returns(FeedbackEvent.class)
                        .uid("reputation-decode-feedback-events")
                        .name("decode feedback events");
        SingleOutputStreamOperator<ControlEvent> control =
                env.fromSource(io.control(), WatermarkStrategy.noWatermarks(), "control")
                        .uid("reputation-source-control")
                        .process(new DecodeFunction<>(ReputationCodec::controlEvent, clock))
                        .returns(ControlEvent.class)
                        .uid("reputation-decode-control")
                        .name("decode control");

        DataStream<Signal> signals =
                deliveries
                        .flatMap(new DeliverySignals(policy.rules()))
                        .returns(Signal.class)
                        .uid("reputation-delivery-signals")
                        .name("delivery outcomes to counts")
                        .union(
                                feedback.flatMap(
                                                (FeedbackEvent f, Collector<Signal> out) ->
                                                        ReputationCodec.signals(f)
                                                                .forEach(out::collect))
                                        .returns(Signal.class)
                                        .uid("reputation-feedback-signals")
                                        .name("feedback to counts"),
                                control.flatMap(
                                                (ControlEvent c, Collector<Signal> out) ->
                                                        ReputationCodec.signals(c)
                                                                .forEach(out::collect))
                                        .returns(Signal.class)
                                        .uid("reputation-operator-signals")
                                        .name("operators' decisions"));
        if (!seeds.isEmpty()) {
            // Re-read on every start; a key already warming ignores it. Only when there are
            // seeds: fromData of an empty list fails its task on the first read ("Reached the
            // end of the collection"), and with it the job, restart after restart.
            signals =
                    signals.union(
                            env.fromData(seeds, TypeInformation.of(Signal.class))
                                    .uid("reputation-warmup-seeds")
                                    .name("new IPs to warm up"));
        }

        DataStream<Decision> decisions =
                signals.keyBy(Signal::entity)
                        .process(new ReputationFunction(policy))
                        .returns(Decision.class)
                        .uid("reputation")
                        .name("reputation");
        List<String> zones = conf.get(ReputationOptions.DNSBL_ZONES);
        List<String> ips = ReputationOptions.sendingAddresses(conf);
        if (!zones.isEmpty() && !ips.isEmpty()) {
            String server = conf.get(DeliveryOptions.DNS_SERVER);
            java.time.Duration timeout = conf.get(DeliveryOptions.DNS_TIMEOUT);
            decisions =
                    decisions.union(
                            env.fromData(ips, TypeInformation.of(String.class))
                                    .uid("reputation-dnsbl-ips")
                                    .name("sending IPs to look up")
                                    // A keyed operator whose only input is finite finishes with
                                    // it, and its timers die: an unbounded input that emits
                                    // nothing keeps the checks going.
                                    .union(
                                            control.flatMap(
                                                            (ControlEvent c,
                                                                    Collector<String> none) -> {})
                                                    .returns(String.class)
                                                    .uid("reputation-dnsbl-keepalive")
                                                    .name("keeps the DNSBL checks running"))
                                    .keyBy(ip -> ip)
                                    .process(
                                            new DnsblFunction(
                                                    zones,
                                                    ReputationOptions.dnsblInterval(conf),
                                                    () ->
                                                            SmtpDeliveryFunction.resolver(
                                                                    server, timeout)))
                                    .returns(Decision.class)
                                    .uid("reputation-dnsbl")
                                    .name("DNSBL listings"));
        }
        decisions.sinkTo(io.controlOut()).uid("reputation-sink-control").name("control decisions");

        deliveries
                .getSideOutput(DecodeFunction.DEAD_LETTERS)
                .union(
                        feedback.getSideOutput(DecodeFunction.DEAD_LETTERS),
                        control.getSideOutput(DecodeFunction.DEAD_LETTERS))
                .sinkTo(io.deadLetters())
                .uid("reputation-sink-dead-letters")
                .name("dead letters");
    }

    /** Kafka endpoints from the configuration (the topics are the delivery job's options). */
    public static Endpoints kafka(Configuration conf) {
        String servers = conf.get(DeliveryOptions.BOOTSTRAP_SERVERS);
        String group = conf.get(ReputationOptions.GROUP_ID);
        String prefix = conf.get(DeliveryOptions.TRANSACTIONAL_ID_PREFIX) + "-reputation";
        return new Endpoints(
                KafkaEndpoints.readCommitted(
                        servers, conf.get(DeliveryOptions.DELIVERY_EVENTS_TOPIC), group),
                KafkaEndpoints.readCommitted(
                        servers, conf.get(DeliveryOptions.FEEDBACK_EVENTS_TOPIC), group),
                KafkaEndpoints.readCommitted(
                        servers, conf.get(DeliveryOptions.CONTROL_TOPIC), group),
                KafkaEndpoints.atLeastOnce(
                        servers,
                        new AvroRecordSerializer<Decision>(
                                conf.get(DeliveryOptions.CONTROL_TOPIC),
                                Decision::topicKey,
                                ReputationCodec::toAvro)),
                KafkaEndpoints.exactlyOnce(
                        servers,
                        prefix + "-dead-letters",
                        KafkaEndpoints.deadLetters(conf.get(DeliveryOptions.DEAD_LETTERS_TOPIC))));
    }

    /** Delivery events to counts, with the bounce classifier for deferrals' replies. Stateless. */
    static final class DeliverySignals extends RichFlatMapFunction<DeliveryEvent, Signal> {

        private static final long serialVersionUID = 1L;

        private final ReputationRules rules;
        private transient BounceClassifier classifier;

        DeliverySignals(ReputationRules rules) {
            this.rules = rules;
        }

        @Override
        public void open(OpenContext context) {
            classifier = BounceClassifier.fromClasspath();
        }

        @Override
        public void flatMap(DeliveryEvent e, Collector<Signal> out) {
            ReputationCodec.signals(e, rules, classifier).forEach(out::collect);
        }
    }
}
