package io.sluice.local;

import io.sluice.delivery.DeliveryJob;
import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.delivery.kafka.Topics;
import io.sluice.delivery.send.ReturnPaths;
import io.sluice.delivery.state.SluiceRocksDbOptions;
import io.sluice.feedback.FeedbackJob;
import io.sluice.inbound.InboundServer;
import io.sluice.inbound.InboundSettings;
import io.sluice.inbound.KafkaInboundSink;
import io.sluice.inbound.UnsubscribeServer;
import io.sluice.reputation.ReputationJob;
import io.sluice.reputation.ReputationOptions;
import io.sluice.schema.SchemaVersions;
import io.sluice.schema.SendRequest;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.world.ProviderSpec;
import io.sluice.sim.world.SimulatedInternet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice on one machine: a KRaft Kafka broker (child JVM, data kept under {@code home}), the
 * simulated Internet (DNS and the providers' SMTP servers on loopback), Sluice's inbound SMTP
 * server for out-of-band bounces and complaint reports, and the delivery, feedback and reputation
 * jobs on one Flink MiniCluster with the web UI. Durations are shortened so that a retry takes
 * seconds.
 *
 * <p>Each message leaves with a VERP return path at {@code bounces.<from domain>}, whose MX is the
 * inbound server; the providers mail their ARF complaint reports to {@link #FEEDBACK_ADDRESS}
 * there.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /**
     * @param home where the broker's data, checkpoints and logs live
     * @param kafkaPort 0 for a free port
     * @param webPort the Flink web UI and REST port; 0 for a free one
     * @param subnet the providers listen on 127.0.subnet.x
     * @param providerTimeScale 0 for permissive providers (they enforce nothing but the test
     *     prefixes); above 0, providers that enforce their profiles (rates, connections,
     *     reputation, authentication at the door, the profiles' feedback rates) with simulated time
     *     running this many times faster than real time
     */
    public record Settings(
            Path home,
            int kafkaPort,
            int webPort,
            int smtpPort,
            int subnet,
            int parallelism,
            boolean keepMessages,
            double providerTimeScale,
            Map<String, String> options) {

        public Settings {
            options = Map.copyOf(options);
        }

        public Settings(
                Path home,
                int kafkaPort,
                int webPort,
                int smtpPort,
                int subnet,
                int parallelism,
                boolean keepMessages) {
            this(
                    home,
                    kafkaPort,
                    webPort,
                    smtpPort,
                    subnet,
                    parallelism,
                    keepMessages,
                    0,
                    Map.of());
        }

        public static Settings defaults(Path home) {
            return new Settings(home, 9092, 8081, 2525, 1, 2, false);
        }

        /**
         * These settings with one more job option ({@code sluice.*} key), applied after the local
         * stack's own, e.g. a test's rules file or a shorter reputation day.
         */
        public Settings with(String key, String value) {
            Map<String, String> more = new LinkedHashMap<>(options);
            more.put(key, value);
            return new Settings(
                    home,
                    kafkaPort,
                    webPort,
                    smtpPort,
                    subnet,
                    parallelism,
                    keepMessages,
                    providerTimeScale,
                    more);
        }
    }

    private static final String LOCAL_SHAPING_RULES = "/io/sluice/local/local-shaping.rules";

    /** Where the simulated providers' feedback loops send complaint reports. */
    public static final String FEEDBACK_ADDRESS = "fbl@sluice.test";

    /** The host octet of the inbound server: it listens on 127.0.subnet.250. */
    static final int INBOUND_OCTET = 250;

    /**
     * Share of accepted marketing mail the permissive providers complain about: 0.02%, a healthy
     * list. Not Gmail's 0.1% line itself: the reputation job quarantines a tenant at that line, and
     * a local demo of a clean tenant should not end in quarantine by the dice.
     */
    static final double COMPLAINT_SHARE = 0.0002;

    /**
     * The pool the reputation job moves a tenant to when its bounces or complaints cross a warning
     * line (sluice.reputation.quarantine-pool): one IP that no good tenant's mail leaves from.
     */
    public static final String QUARANTINE_POOL = "quarantine";

    /**
     * The sending IPs of the local stack: loopback addresses with made-up PTR names; the shared
     * pool, the default, and the quarantine pool.
     */
    public static final List<String> SENDING_IPS =
            List.of(
                    "shared/127.0.0.10/mta10.sluice.test",
                    "shared/127.0.0.11/mta11.sluice.test",
                    "shared/127.0.0.12/mta12.sluice.test",
                    "shared/127.0.0.13/mta13.sluice.test",
                    QUARANTINE_POOL + "/127.0.0.20/mta20.sluice.test");

    /**
     * The local blocklist zone: list an IP with {@code <reversed IP>.dnsbl.sluice.test A 127.0.0.2}
     * in the local DNS and the reputation job blocks it everywhere within seconds.
     */
    public static final String DNSBL_ZONE = "dnsbl.sluice.test";

    /** Each sample tenant sends as its own domain: acme as acme.example, and so on. */
    public static final List<String> SENDER_DOMAINS =
            SimulatedInternet.SENDER_DOMAINS.stream()
                    .map(d -> d.substring(0, d.indexOf('.')) + "/" + d)
                    .toList();

    private final KafkaBroker broker;
    private final SimulatedInternet internet;
    private final KafkaInboundSink inboundSink;
    private final InboundServer inbound;
    private final UnsubscribeServer unsubscribe;
    private final JobClient job;
    private volatile boolean closed;

    private LocalStack(
            KafkaBroker broker,
            SimulatedInternet internet,
            KafkaInboundSink inboundSink,
            InboundServer inbound,
            UnsubscribeServer unsubscribe,
            JobClient job) {
        this.broker = broker;
        this.internet = internet;
        this.inboundSink = inboundSink;
        this.inbound = inbound;
        this.unsubscribe = unsubscribe;
        this.job = job;
    }

    public static LocalStack start(Settings s) throws Exception {
        KafkaBroker broker =
                KafkaBroker.start(s.home().resolve("kafka"), s.kafkaPort(), Duration.ofSeconds(90));
        SimulatedInternet internet = null;
        KafkaInboundSink inboundSink = null;
        InboundServer inbound = null;
        UnsubscribeServer unsubscribe = null;
        try {
            TopicSetup.ensure(broker.bootstrapServers(), 4);
            InetAddress inboundAddress =
                    InetAddress.getByName("127.0." + s.subnet() + "." + INBOUND_OCTET);
            InetSocketAddress feedbackServer = new InetSocketAddress(inboundAddress, s.smtpPort());
            internet =
                    s.providerTimeScale() > 0
                            ? SimulatedInternet.of(ProviderProfiles.standard())
                                    .subnet(s.subnet())
                                    .smtpPort(s.smtpPort())
                                    .keepMessages(s.keepMessages())
                                    .timeScale(s.providerTimeScale())
                                    .volumeScale(providerVolumeScale(s))
                                    .established(establishedIps(s))
                                    .complaints(
                                            enforcingComplaintShare(s),
                                            feedbackServer,
                                            FEEDBACK_ADDRESS)
                                    .lateBounces()
                                    .start()
                            : SimulatedInternet.start(
                                    ProviderSpec.standard(),
                                    s.subnet(),
                                    0,
                                    s.smtpPort(),
                                    s.keepMessages(),
                                    COMPLAINT_SHARE,
                                    feedbackServer,
                                    FEEDBACK_ADDRESS);
            Configuration conf = configuration(s, broker.bootstrapServers(), internet);
            conf.set(
                    DeliveryOptions.DKIM_KEYS,
                    LocalDkimKeys.prepare(
                            s.home().resolve("dkim"),
                            SimulatedInternet.SENDER_DOMAINS,
                            internet.dns()));
            conf.set(DeliveryOptions.VERP_BOUNCE_DOMAIN, "bounces." + ReturnPaths.FROM_DOMAIN);
            conf.set(DeliveryOptions.VERP_SECRET_KEYS, List.of(verpKey(s.home())));
            // Every marketing message's List-Unsubscribe names Sluice's endpoint with a signed
            // token. The public URL is https at an ingress; locally the endpoint serves plain HTTP
            // beside the inbound server (unsubscribe() gives its address).
            conf.set(DeliveryOptions.UNSUBSCRIBE_BASE_URL, UNSUBSCRIBE_URL);
            Set<String> bounceDomains = publishInbound(internet, inboundAddress);
            publishSendingIps(internet, conf.get(DeliveryOptions.SENDING_IPS));
            inboundSink =
                    new KafkaInboundSink(
                            broker.bootstrapServers(), Topics.INBOUND_MAIL, Duration.ofSeconds(30));
            inbound =
                    InboundServer.start(
                            new InboundSettings(
                                    inboundAddress,
                                    s.smtpPort(),
                                    INBOUND_HOST,
                                    bounceDomains,
                                    Set.of(FEEDBACK_ADDRESS),
                                    10 * 1024 * 1024),
                            DeliveryOptions.verpKeys(conf),
                            inboundSink,
                            Clock.systemUTC());
            unsubscribe =
                    UnsubscribeServer.start(
                            new InetSocketAddress(inboundAddress, 0),
                            URI.create(UNSUBSCRIBE_URL).getPath(),
                            DeliveryOptions.verpKeys(conf),
                            inboundSink.unsubscribes(Topics.FEEDBACK_EVENTS),
                            Clock.systemUTC());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            // The three jobs' pipelines in one Flink job: a MiniCluster per job would need a web UI
            // each. Their operators' uids differ (ReputationJobTest builds the same graph).
            DeliveryJob.build(env, conf, DeliveryJob.kafka(conf), Clock.systemUTC());
            FeedbackJob.build(
                    env,
                    FeedbackJob.kafka(conf),
                    Clock.systemUTC(),
                    DeliveryOptions.verpKeys(conf));
            if (conf.get(ReputationOptions.ENABLED)) {
                ReputationJob.build(env, conf, ReputationJob.kafka(conf), Clock.systemUTC());
            }
            JobClient job = env.executeAsync("sluice-local");
            return new LocalStack(broker, internet, inboundSink, inbound, unsubscribe, job);
        } catch (Exception | Error e) {
            if (unsubscribe != null) {
                unsubscribe.close();
            }
            if (inbound != null) {
                inbound.close();
            }
            if (inboundSink != null) {
                inboundSink.close();
            }
            if (internet != null) {
                internet.close();
            }
            broker.close();
            throw e;
        }
    }

    private static final String INBOUND_HOST = "inbound.sluice.test";

    /** The public base URL of the local one-click unsubscribe endpoint (see unsubscribe()). */
    public static final String UNSUBSCRIBE_URL = "https://unsubscribe.sluice.test/u";

    /**
     * Publishes the inbound server: {@code bounces.<domain>} of every sample tenant domain (MX and
     * SPF, as a tenant publishes its custom MAIL FROM domain) and the feedback address's domain.
     */
    private static Set<String> publishInbound(SimulatedInternet internet, InetAddress address) {
        StringBuilder zone = new StringBuilder("$TTL 300\n");
        zone.append(INBOUND_HOST).append(". IN A ").append(address.getHostAddress()).append('\n');
        String feedbackDomain = FEEDBACK_ADDRESS.substring(FEEDBACK_ADDRESS.indexOf('@') + 1);
        zone.append(feedbackDomain).append(". IN MX 10 ").append(INBOUND_HOST).append(".\n");
        Set<String> bounceDomains = new LinkedHashSet<>();
        for (String domain : SimulatedInternet.SENDER_DOMAINS) {
            String bounces = "bounces." + domain;
            bounceDomains.add(bounces);
            zone.append(bounces).append(". IN MX 10 ").append(INBOUND_HOST).append(".\n");
            zone.append(bounces).append(". IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"\n");
        }
        internet.dns().loadZone(zone.toString(), ".");
        return bounceDomains;
    }

    /**
     * Forward-confirmed reverse DNS of the sending IPs, as their owner publishes it: each address's
     * PTR is its EHLO name, which resolves back to it (receivers and the sender-domain check ask).
     */
    private static void publishSendingIps(SimulatedInternet internet, List<String> sendingIps) {
        StringBuilder zone = new StringBuilder("$TTL 300\n");
        for (String entry : sendingIps) {
            String[] parts = entry.strip().split("/");
            String[] octets = parts[1].split("\\.");
            if (octets.length != 4) {
                continue; // IPv6: the local stack's IPs are loopback IPv4
            }
            zone.append(octets[3] + "." + octets[2] + "." + octets[1] + "." + octets[0])
                    .append(".in-addr.arpa. IN PTR ")
                    .append(parts[2])
                    .append(".\n");
            zone.append(parts[2]).append(". IN A ").append(parts[1]).append('\n');
        }
        internet.dns().loadZone(zone.toString(), ".");
    }

    /**
     * The VERP key of this home: made on the first run and kept, so the return paths of mail sent
     * before a restart still verify when their bounces come back.
     */
    private static String verpKey(Path home) throws IOException {
        Path file = home.resolve("verp.key");
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(home);
            Files.writeString(file, "local:" + Base64.getEncoder().encodeToString(key) + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the file keeps the default permissions
            }
        }
        return Files.readString(file).strip();
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
        c.set(RocksDBOptions.OPTIONS_FACTORY, SluiceRocksDbOptions.class.getName());
        // Filters in partitions: a full filter of a large SST file is bigger than a shard of the
        // block cache, so it was read again for every lookup (bench/suppression past ~7M). 16 KB
        // partitions, as DeliveryJob.environment sets them.
        c.set(RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS, true);
        c.set(RocksDBConfigurableOptions.METADATA_BLOCK_SIZE, DeliveryJob.FILTER_PARTITION_SIZE);
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
        c.set(DeliveryOptions.SENDER_DOMAINS, SENDER_DOMAINS);
        c.set(DeliveryOptions.RETRY_FIRST_DELAY, Duration.ofSeconds(2));
        c.set(DeliveryOptions.RETRY_MAX_DELAY, Duration.ofSeconds(8));
        c.set(DeliveryOptions.RETRY_MAX_ATTEMPTS, 4);
        c.set(DeliveryOptions.RETRY_MAX_AGE, Duration.ofMinutes(2));
        c.set(DeliveryOptions.DELIVERY_THREADS, 32);
        // sluice.delivery.capacity stays at its default, twice the threads (64): attempts wait for
        // an SMTP thread already bound to an IP and a pool, so the backlog belongs in the
        // scheduler, where each release reads the latest pauses, blocks and pools.
        c.set(DeliveryOptions.ATTEMPT_TIMEOUT, Duration.ofMinutes(3));
        // Shaping scaled to a one-minute run, as the retries above are; the file says why.
        c.set(DeliveryOptions.SHAPING_RULES_FILE, localShapingRules(s.home()).toString());
        c.set(ReputationOptions.QUARANTINE_POOL, QUARANTINE_POOL);
        // A blocklist in the local DNS (empty until a test or an operator lists an IP there).
        c.set(ReputationOptions.DNSBL_ZONES, List.of(DNSBL_ZONE));
        c.set(ReputationOptions.DNSBL_INTERVAL, Duration.ofSeconds(2));
        s.options().forEach(c::setString);
        return c;
    }

    /**
     * Setting of the local stack, not of the jobs: the share of marketing mail the enforcing
     * providers complain about, for every sender. Unset: {@link #COMPLAINT_SHARE}, a healthy list
     * (the profiles' own 0.1% is Gmail's line, where the reputation job quarantines).
     */
    public static final String PROVIDER_COMPLAINT_SHARE = "sluice.local.provider-complaint-share";

    /**
     * Setting of the local stack, not of the jobs: sending IPs (separated by {@code ;}) the
     * enforcing providers know as established senders from the start (the warm IPs of a pool that
     * adds new ones). Unset: every IP is new to them.
     */
    public static final String PROVIDER_ESTABLISHED_IPS = "sluice.local.provider-established-ips";

    private static List<String> establishedIps(Settings s) {
        String v = s.options().get(PROVIDER_ESTABLISHED_IPS);
        return v == null || v.isBlank() ? List.of() : List.of(v.strip().split("\\s*;\\s*"));
    }

    /**
     * The enforcing providers' volume divisor: the jobs' sluice.volume-scale, one knob for both.
     */
    private static double providerVolumeScale(Settings s) {
        String v = s.options().get(DeliveryOptions.VOLUME_SCALE.key());
        return v == null ? 1 : new io.sluice.delivery.VolumeScale(Double.parseDouble(v)).factor();
    }

    private static double enforcingComplaintShare(Settings s) {
        String v = s.options().get(PROVIDER_COMPLAINT_SHARE);
        return v == null ? COMPLAINT_SHARE : Double.parseDouble(v);
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

    /**
     * Sluice's one-click unsubscribe endpoint (plain HTTP; the links in the mail say {@link
     * #UNSUBSCRIBE_URL}, which an ingress would map here).
     */
    public UnsubscribeServer unsubscribe() {
        return unsubscribe;
    }

    /** Sluice's inbound SMTP server (out-of-band bounces and complaint reports). */
    public InboundServer inbound() {
        return inbound;
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
        unsubscribe.close();
        inbound.close();
        inboundSink.close();
        internet.close();
        broker.close();
        if (!failures.isEmpty()) {
            LOG.warn("stopping the jobs failed", failures.get(0));
        }
    }
}
