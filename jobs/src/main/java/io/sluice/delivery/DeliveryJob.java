package io.sluice.delivery;

import io.sluice.delivery.event.DeliveryEventCodec;
import io.sluice.delivery.event.Event;
import io.sluice.delivery.intake.DecodeFunction;
import io.sluice.delivery.intake.Decoders;
import io.sluice.delivery.intake.Message;
import io.sluice.delivery.intake.MessageValidator;
import io.sluice.delivery.intake.RawRecord;
import io.sluice.delivery.kafka.AvroRecordSerializer;
import io.sluice.delivery.kafka.KafkaEndpoints;
import io.sluice.delivery.ledger.Deferred;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.ledger.MessageLedgerFunction;
import io.sluice.delivery.schedule.FeedbackFanOut;
import io.sluice.delivery.schedule.ScheduleCodec;
import io.sluice.delivery.schedule.ScheduleInput;
import io.sluice.delivery.schedule.SiteKeyFunction;
import io.sluice.delivery.schedule.SiteKeys;
import io.sluice.delivery.schedule.SiteSchedulerFunction;
import io.sluice.delivery.send.AttemptOutcome;
import io.sluice.delivery.send.DeliverySettings;
import io.sluice.delivery.send.SmtpDeliveryFunction;
import io.sluice.delivery.shaping.Control;
import io.sluice.delivery.shaping.Feedback;
import io.sluice.delivery.shaping.Release;
import io.sluice.delivery.shaping.SiteScheduler;
import io.sluice.delivery.state.SluiceRocksDbOptions;
import io.sluice.delivery.suppression.DomainSuppressionFunction;
import io.sluice.delivery.suppression.FeedbackSuppressions;
import io.sluice.delivery.suppression.HardBounces;
import io.sluice.delivery.suppression.SuppressionFunction;
import io.sluice.delivery.suppression.SuppressionUpdate;
import io.sluice.schema.DeadLetter;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.SuppressionChange;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The delivery job: send requests in, SMTP out, one event per state change back in Kafka.
 *
 * <pre>
 * send-requests -> decode -+-> keyBy(message id) ledger -> domain suppressions (broadcast)
 *                          |     (dedupe, validate,        -> keyBy(recipient) suppressions
 *                          |      hold deferred)              -> keyBy(site#shard) scheduler
 *                          |         ^                             (control: broadcast)
 *                          |         |                          -> async SMTP attempt -+-> delivery-events
 *                          |         |                                                 +-> retries --+
 *                          |         +------------------- retries <-------------------------------+
 *                          +-> dead-letters (undecodable)  pacing-feedback (at least once) <-+
 *                                                           -> every shard of the site -> scheduler
 * suppressions -> decode -> (domain-wide: broadcast | address: keyBy(address))   hard bounces -> suppressions
 * feedback-events -> complaints, unsubscribes, DSN hard bounces -> suppressions
 * </pre>
 *
 * Output is exactly-once (Kafka transactions committed on checkpoints); the retry loop goes through
 * Kafka because Flink 2 has no iterations, and keeps a deferred message's bytes durable while it
 * waits. Pacing feedback goes through Kafka too, at least once and read uncommitted, because it
 * must arrive in milliseconds, not at the next checkpoint (ADR 0004). docs/design/delivery-job.md
 * and docs/design/scheduling.md explain the choices.
 */
public final class DeliveryJob {

    /**
     * Messages per site-key task waiting for their site: nearly all are keyed at once (a provider
     * domain or a cached MX answer); a burst to new domains waits here, then backpressure.
     */
    private static final int SITE_LOOKUPS_IN_FLIGHT = 1_000;

    /** Where the job reads and writes; Kafka in production, and in tests too. */
    public record Endpoints(
            Source<RawRecord, ?, ?> requests,
            Source<RawRecord, ?, ?> retries,
            Sink<Event> events,
            Sink<DeadLetter> deadLetters,
            Sink<Deferred> retriesOut,
            Source<RawRecord, ?, ?> suppressions,
            Sink<SuppressionChange> suppressionsOut,
            Source<RawRecord, ?, ?> feedback,
            Source<RawRecord, ?, ?> control,
            Source<RawRecord, ?, ?> pacingFeedback,
            Sink<Feedback> pacingFeedbackOut) {}

    private DeliveryJob() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = loadConfiguration(args);
        StreamExecutionEnvironment env = environment(conf);
        build(env, conf, kafka(conf), Clock.systemUTC());
        env.execute("sluice-delivery");
    }

    /**
     * Flink's configuration (FLINK_CONF_DIR/config.yaml when set) overlaid with {@code --key=value}
     * or {@code --key value} arguments.
     */
    public static Configuration loadConfiguration(String[] args) {
        Configuration conf =
                System.getenv("FLINK_CONF_DIR") == null
                        ? new Configuration()
                        : GlobalConfiguration.loadConfiguration();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(
                        "argument '" + a + "' -- expected --key=value or --key value");
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                conf.setString(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.length) {
                conf.setString(a.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("argument '" + a + "' has no value");
            }
        }
        return conf;
    }

    /** The size of RocksDB's filter and index partitions (ADR 0003). */
    public static final MemorySize FILTER_PARTITION_SIZE = MemorySize.parse("16kb");

    /**
     * An environment with the settings Sluice relies on, unless the configuration sets them:
     * RocksDB state with incremental checkpoints and bloom filters, exactly-once checkpoints every
     * 10 s, and no silent Kryo fallback.
     */
    public static StreamExecutionEnvironment environment(Configuration conf) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(PipelineOptions.GENERIC_TYPES, false);
        // Most state lookups miss (a new message id, an address not suppressed): bloom filters let
        // RocksDB answer those without reading a block from disk (ADR 0003).
        c.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // ... and a bloom filter on the memtables, where a get looks first (SluiceRocksDbOptions).
        c.set(RocksDBOptions.OPTIONS_FACTORY, SluiceRocksDbOptions.class.getName());
        // Filters in partitions: a full filter of a large SST file is bigger than a shard of the
        // block cache, so it was read again for every lookup (bench/suppression past ~7M).
        c.set(RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS, true);
        // ... of 16 KB rather than 4 KB: a lookup first searches the file's top-level index of
        // partitions, which is then a quarter of the size (bench/suppression, ADR 0003).
        c.set(RocksDBConfigurableOptions.METADATA_BLOCK_SIZE, FILTER_PARTITION_SIZE);
        c.addAll(conf);
        return StreamExecutionEnvironment.getExecutionEnvironment(c);
    }

    public static void build(
            StreamExecutionEnvironment env, Configuration conf, Endpoints io, Clock clock) {
        DeliverySettings settings = DeliveryOptions.deliverySettings(conf);
        MessageValidator validator =
                new MessageValidator(
                        conf.get(DeliveryOptions.MAX_MESSAGE_SIZE).getBytes(),
                        // Sluice's own endpoint gives marketing mail its link when the request
                        // has none.
                        conf.get(DeliveryOptions.REQUIRE_UNSUBSCRIBE)
                                && !settings.unsubscribeLinks().sluiceEndpoint());

        SingleOutputStreamOperator<Message> messages =
                env.fromSource(io.requests(), WatermarkStrategy.noWatermarks(), "send-requests")
                        .uid("source-send-requests")
                        .process(new DecodeFunction<>(Decoders::sendRequest, clock))
                        .returns(Message.class)
                        .uid("decode-send-requests")
                        .name("decode send requests");

        SingleOutputStreamOperator<Deferred> retries =
                env.fromSource(io.retries(), WatermarkStrategy.noWatermarks(), "retries")
                        .uid("source-retries")
                        .process(new DecodeFunction<>(Decoders::deferred, clock))
                        .returns(Deferred.class)
                        .uid("decode-retries")
                        .name("decode retries");

        SingleOutputStreamOperator<Delivery> deliveries =
                messages.keyBy(Message::messageId)
                        .connect(retries.keyBy(d -> d.message().messageId()))
                        .process(
                                new MessageLedgerFunction(
                                        validator,
                                        DeliveryOptions.senderDomainPolicy(conf),
                                        conf.get(DeliveryOptions.DEDUPE_WINDOW)))
                        .uid("message-ledger")
                        .name("message ledger");

        SingleOutputStreamOperator<SuppressionUpdate> suppressionUpdates =
                env.fromSource(io.suppressions(), WatermarkStrategy.noWatermarks(), "suppressions")
                        .uid("source-suppressions")
                        .process(new DecodeFunction<>(Decoders::suppressionChange, clock))
                        .returns(SuppressionUpdate.class)
                        .uid("decode-suppressions")
                        .name("decode suppressions");
        BroadcastStream<SuppressionUpdate> domainUpdates =
                suppressionUpdates
                        .filter(SuppressionUpdate::isDomainWide)
                        .uid("domain-suppression-updates")
                        .name("domain-wide suppressions")
                        .broadcast(DomainSuppressionFunction.DOMAINS);

        SingleOutputStreamOperator<Delivery> domainChecked =
                deliveries
                        .connect(domainUpdates)
                        .process(new DomainSuppressionFunction())
                        .uid("domain-suppression")
                        .name("domain suppressions");

        SingleOutputStreamOperator<Delivery> sendable =
                domainChecked
                        .keyBy(SuppressionFunction.byRecipient())
                        .connect(
                                suppressionUpdates
                                        .filter(u -> !u.isDomainWide())
                                        .uid("address-suppression-updates")
                                        .name("address suppressions")
                                        .keyBy(SuppressionFunction.byAddress()))
                        .process(new SuppressionFunction())
                        .uid("suppression")
                        .name("suppression join");

        SiteScheduler scheduler = DeliveryOptions.siteScheduler(conf);
        SiteKeys siteKeys = new SiteKeys(scheduler.rules());

        SingleOutputStreamOperator<Control> controls =
                env.fromSource(io.control(), WatermarkStrategy.noWatermarks(), "control")
                        .uid("source-control")
                        .process(new DecodeFunction<>(Decoders::control, clock))
                        .returns(Control.class)
                        .uid("decode-control")
                        .name("decode control");

        SingleOutputStreamOperator<Feedback> feedback =
                env.fromSource(
                                io.pacingFeedback(),
                                WatermarkStrategy.noWatermarks(),
                                "pacing-feedback")
                        .uid("source-pacing-feedback")
                        .process(new DecodeFunction<>(Decoders::pacingFeedback, clock))
                        .returns(Feedback.class)
                        .uid("decode-pacing-feedback")
                        .name("decode pacing feedback");

        DataStream<ScheduleInput> toSchedule =
                AsyncDataStream.unorderedWait(
                                sendable,
                                new SiteKeyFunction(
                                        siteKeys, settings.dnsServer(), settings.dnsTimeout()),
                                SiteKeyFunction.timeout(settings.dnsTimeout()).toMillis(),
                                TimeUnit.MILLISECONDS,
                                SITE_LOOKUPS_IN_FLIGHT)
                        .returns(ScheduleInput.class)
                        .uid("site-key")
                        .name("site of recipient (MX)")
                        .union(
                                feedback.flatMap(new FeedbackFanOut(siteKeys))
                                        .returns(ScheduleInput.class)
                                        .uid("feedback-fan-out")
                                        .name("feedback to every shard"));

        SingleOutputStreamOperator<Release> releases =
                toSchedule
                        .keyBy(ScheduleInput::key)
                        .connect(controls.broadcast(SiteSchedulerFunction.CONTROLS))
                        .process(new SiteSchedulerFunction(scheduler))
                        .returns(Release.class)
                        .uid("site-scheduler")
                        .name("site scheduler");

        SingleOutputStreamOperator<AttemptOutcome> outcomes =
                AsyncDataStream.unorderedWait(
                                releases,
                                new SmtpDeliveryFunction(settings, scheduler.rules(), clock),
                                conf.get(DeliveryOptions.ATTEMPT_TIMEOUT).toMillis(),
                                TimeUnit.MILLISECONDS,
                                DeliveryOptions.deliveryCapacity(conf))
                        .uid("smtp-attempt")
                        .name("SMTP attempt");

        DataStream<Event> attemptEvents =
                outcomes.flatMap(
                                (AttemptOutcome o, org.apache.flink.util.Collector<Event> out) ->
                                        Arrays.stream(o.events()).forEach(out::collect))
                        .returns(Event.class)
                        .uid("attempt-events")
                        .name("attempt events");

        attemptEvents
                .union(
                        deliveries.getSideOutput(MessageLedgerFunction.EVENTS),
                        domainChecked.getSideOutput(DomainSuppressionFunction.EVENTS),
                        sendable.getSideOutput(SuppressionFunction.EVENTS))
                .sinkTo(io.events())
                .uid("sink-delivery-events")
                .name("delivery events");

        outcomes.filter(o -> o.retry() != null)
                .uid("deferred-filter")
                .name("deferred")
                .map(AttemptOutcome::retry)
                .returns(Deferred.class)
                .uid("deferred-messages")
                .sinkTo(io.retriesOut())
                .uid("sink-retries")
                .name("retries");

        // A message that expired in the queue was not attempted: it tells pacing nothing.
        outcomes.filter(o -> o.feedback() != null)
                .uid("attempt-feedback-filter")
                .name("attempted")
                .map(AttemptOutcome::feedback)
                .returns(Feedback.class)
                .uid("attempt-feedback")
                .name("attempt feedback")
                .sinkTo(io.pacingFeedbackOut())
                .uid("sink-pacing-feedback")
                .name("pacing feedback");

        // A hard bounce suppresses the address for everyone, a complaint or unsubscribe for its
        // tenant, through the same topic operators write to, so that the list has one history
        // (ADR 0003).
        SingleOutputStreamOperator<FeedbackEvent> feedbackEvents =
                env.fromSource(io.feedback(), WatermarkStrategy.noWatermarks(), "feedback-events")
                        .uid("source-feedback-events")
                        .process(new DecodeFunction<>(Decoders::feedbackEvent, clock))
                        .returns(FeedbackEvent.class)
                        .uid("decode-feedback-events")
                        .name("decode feedback events");
        attemptEvents
                .flatMap(HardBounces.suppressions())
                .returns(SuppressionChange.class)
                .uid("hard-bounce-suppressions")
                .name("hard bounces to suppressions")
                .union(
                        feedbackEvents
                                .flatMap(FeedbackSuppressions.suppressions())
                                .returns(SuppressionChange.class)
                                .uid("feedback-suppressions")
                                .name("complaints and unsubscribes to suppressions"))
                .sinkTo(io.suppressionsOut())
                .uid("sink-suppressions")
                .name("suppressions");

        messages.getSideOutput(DecodeFunction.DEAD_LETTERS)
                .union(
                        retries.getSideOutput(DecodeFunction.DEAD_LETTERS),
                        suppressionUpdates.getSideOutput(DecodeFunction.DEAD_LETTERS),
                        controls.getSideOutput(DecodeFunction.DEAD_LETTERS),
                        feedbackEvents.getSideOutput(DecodeFunction.DEAD_LETTERS))
                .sinkTo(io.deadLetters())
                .uid("sink-dead-letters")
                .name("dead letters");
    }

    /** Kafka endpoints from the configuration: read-committed sources, transactional sinks. */
    public static Endpoints kafka(Configuration conf) {
        String servers = conf.get(DeliveryOptions.BOOTSTRAP_SERVERS);
        String prefix = conf.get(DeliveryOptions.TRANSACTIONAL_ID_PREFIX);
        String group = conf.get(DeliveryOptions.GROUP_ID);
        return new Endpoints(
                KafkaEndpoints.readCommitted(
                        servers, conf.get(DeliveryOptions.SEND_REQUESTS_TOPIC), group),
                KafkaEndpoints.readCommitted(
                        servers, conf.get(DeliveryOptions.RETRIES_TOPIC), group),
                KafkaEndpoints.exactlyOnce(
                        servers,
                        prefix + "-events",
                        new AvroRecordSerializer<Event>(
                                conf.get(DeliveryOptions.DELIVERY_EVENTS_TOPIC),
                                Event::messageId,
                                DeliveryEventCodec::toAvro)),
                KafkaEndpoints.exactlyOnce(
                        servers,
                        prefix + "-dead-letters",
                        KafkaEndpoints.deadLetters(conf.get(DeliveryOptions.DEAD_LETTERS_TOPIC))),
                KafkaEndpoints.exactlyOnce(
                        servers,
                        prefix + "-retries",
                        new AvroRecordSerializer<Deferred>(
                                conf.get(DeliveryOptions.RETRIES_TOPIC),
                                d -> d.message().messageId(),
                                Decoders::toAvro)),
                // Suppression changes are idempotent (the latest per key wins, and a replay writes
                // the same change again), so they are read uncommitted and written at least once:
                // a hard bounce then stops the next message within milliseconds instead of at the
                // next checkpoint, and an open transaction of another writer never holds them
                // back (ADR 0003).
                KafkaEndpoints.readUncommitted(
                        servers,
                        conf.get(DeliveryOptions.SUPPRESSIONS_TOPIC),
                        group,
                        OffsetResetStrategy.EARLIEST),
                KafkaEndpoints.suppressions(servers, conf.get(DeliveryOptions.SUPPRESSIONS_TOPIC)),
                KafkaEndpoints.readCommitted(
                        servers, conf.get(DeliveryOptions.FEEDBACK_EVENTS_TOPIC), group),
                // Decisions are written at least once (the reputation job, the CLI) and are
                // idempotent (the latest per scope wins), so they are read uncommitted: an open
                // transaction of some other writer on the topic must never hold back a block
                // until its checkpoint. The compacted topic from its start holds every decision
                // in force.
                KafkaEndpoints.readUncommitted(
                        servers,
                        conf.get(DeliveryOptions.CONTROL_TOPIC),
                        group,
                        OffsetResetStrategy.EARLIEST),
                // Pacing feedback is advisory and must arrive in milliseconds: read uncommitted,
                // and from the latest offset on a fresh start, since old feedback is stale; on a
                // restore the checkpointed offsets apply (ADR 0004).
                KafkaEndpoints.readUncommitted(
                        servers,
                        conf.get(DeliveryOptions.PACING_FEEDBACK_TOPIC),
                        group,
                        OffsetResetStrategy.LATEST),
                KafkaEndpoints.atLeastOnce(
                        servers,
                        new AvroRecordSerializer<Feedback>(
                                conf.get(DeliveryOptions.PACING_FEEDBACK_TOPIC),
                                Feedback::site,
                                ScheduleCodec::toAvro)));
    }
}
