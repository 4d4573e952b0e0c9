package io.sluice.local;

import io.sluice.delivery.DeliveryJob;
import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.delivery.kafka.Topics;
import io.sluice.schema.SchemaVersions;
import io.sluice.schema.SendRequest;
import io.sluice.sim.world.ProviderSpec;
import io.sluice.sim.world.SimulatedInternet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice on one machine: a KRaft Kafka broker (child JVM, data kept under {@code home}), the
 * simulated Internet (DNS and the providers' SMTP servers on loopback), and the delivery job on a
 * Flink MiniCluster with the web UI. Durations are shortened so that a retry takes seconds.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /**
     * @param home where the broker's data, checkpoints and logs live
     * @param kafkaPort 0 for a free port
     * @param webPort the Flink web UI and REST port; 0 for a free one
     * @param subnet the providers listen on 127.0.subnet.x
     */
    public record Settings(
            Path home,
            int kafkaPort,
            int webPort,
            int smtpPort,
            int subnet,
            int parallelism,
            boolean keepMessages) {

        public static Settings defaults(Path home) {
            return new Settings(home, 9092, 8081, 2525, 1, 2, false);
        }
    }

    private static final String LOCAL_SHAPING_RULES = "/io/sluice/local/local-shaping.rules";

    /** The sending IPs of the local stack: loopback addresses with made-up PTR names. */
    public static final List<String> SENDING_IPS =
            List.of(
                    "shared/127.0.0.10/mta10.sluice.test",
                    "shared/127.0.0.11/mta11.sluice.test",
                    "shared/127.0.0.12/mta12.sluice.test",
                    "shared/127.0.0.13/mta13.sluice.test");

    private final KafkaBroker broker;
    private final SimulatedInternet internet;
    private final JobClient job;
    private volatile boolean closed;

    private LocalStack(KafkaBroker broker, SimulatedInternet internet, JobClient job) {
        this.broker = broker;
        this.internet = internet;
        this.job = job;
    }

    public static LocalStack start(Settings s) throws Exception {
        KafkaBroker broker =
                KafkaBroker.start(s.home().resolve("kafka"), s.kafkaPort(), Duration.ofSeconds(90));
        SimulatedInternet internet = null;
        try {
            TopicSetup.ensure(broker.bootstrapServers(), 4);
            internet =
                    SimulatedInternet.start(
                            ProviderSpec.standard(), s.subnet(), 0, s.smtpPort(), s.keepMessages());
            Configuration conf = configuration(s, broker.bootstrapServers(), internet);
            conf.set(
                    DeliveryOptions.DKIM_KEYS,
                    LocalDkimKeys.prepare(
                            s.home().resolve("dkim"),
                            SimulatedInternet.SENDER_DOMAINS,
                            internet.dns()));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            DeliveryJob.build(env, conf, DeliveryJob.kafka(conf), Clock.systemUTC());
            JobClient job = env.executeAsync("sluice-delivery");
            return new LocalStack(broker, internet, job);
        } catch (Exception | Error e) {
            if (internet != null) {
                internet.close();
            }
            broker.close();
            throw e;
        }
    }

    static Configuration configuration(Settings s, String bootstrap, SimulatedInternet internet) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                s.home().resolve("checkpoints").toUri().toString());
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // Events become visible to read-committed consumers when a checkpoint completes.
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(2));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(PipelineOptions.GENERIC_TYPES, false);
        c.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        c.set(CoreOptions.DEFAULT_PARALLELISM, s.parallelism());
        c.set(RestOptions.PORT, s.webPort());
        c.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        c.set(RestOptions.ADDRESS, "127.0.0.1");
        c.set(WebOptions.UPLOAD_DIR, s.home().resolve("web-upload").toString());
        c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256mb"));
        c.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(2, s.parallelism()));

        c.set(DeliveryOptions.BOOTSTRAP_SERVERS, bootstrap);
        c.set(DeliveryOptions.TRANSACTIONAL_ID_PREFIX, "sluice-local");
        c.set(
                DeliveryOptions.DNS_SERVER,
                internet.dnsAddress().getAddress().getHostAddress()
                        + ":"
                        + internet.dnsAddress().getPort());
        c.set(DeliveryOptions.DNS_TIMEOUT, Duration.ofSeconds(2));
        c.set(DeliveryOptions.SMTP_PORT, s.smtpPort());
        c.set(DeliveryOptions.SMTP_CONNECT_TIMEOUT, Duration.ofSeconds(5));
        c.set(DeliveryOptions.SMTP_COMMAND_TIMEOUT, Duration.ofSeconds(30));
        c.set(DeliveryOptions.SENDING_IPS, SENDING_IPS);
        c.set(DeliveryOptions.RETRY_FIRST_DELAY, Duration.ofSeconds(2));
        c.set(DeliveryOptions.RETRY_MAX_DELAY, Duration.ofSeconds(8));
        c.set(DeliveryOptions.RETRY_MAX_ATTEMPTS, 4);
        c.set(DeliveryOptions.RETRY_MAX_AGE, Duration.ofMinutes(2));
        c.set(DeliveryOptions.DELIVERY_THREADS, 32);
        c.set(DeliveryOptions.ATTEMPT_TIMEOUT, Duration.ofMinutes(3));
        // Shaping scaled to a one-minute run, as the retries above are; the file says why.
        c.set(DeliveryOptions.SHAPING_RULES_FILE, localShapingRules(s.home()).toString());
        return c;
    }

    private static Path localShapingRules(Path home) {
        try (InputStream in = LocalStack.class.getResourceAsStream(LOCAL_SHAPING_RULES)) {
            if (in == null) {
                throw new IllegalStateException(LOCAL_SHAPING_RULES + " missing from the cli jar");
            }
            Path file = home.resolve("shaping.rules");
            Files.createDirectories(home);
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the local shaping rules in " + home, e);
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public SimulatedInternet internet() {
        return internet;
    }

    public JobClient job() {
        return job;
    }

    /** A producer as a marketing system would use: idempotent, acks=all. */
    public KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.MAX_RECORD_BYTES));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The record a producer writes for {@code request}: plain Avro binary, versioned header. */
    public static ProducerRecord<byte[], byte[]> record(SendRequest request) {
        ProducerRecord<byte[], byte[]> r =
                new ProducerRecord<>(
                        Topics.SEND_REQUESTS,
                        request.getMessageId().getBytes(StandardCharsets.UTF_8),
                        SendRequestCodec.encode(request));
        r.headers()
                .add(
                        SchemaVersions.HEADER,
                        SchemaVersions.CURRENT.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Exception> failures = new ArrayList<>();
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            failures.add(e);
        }
        internet.close();
        broker.close();
        if (!failures.isEmpty()) {
            LOG.warn("stopping the delivery job failed", failures.get(0));
        }
    }
}
