package io.sluice.delivery;

import io.sluice.bounce.verp.VerpKeys;
import io.sluice.delivery.intake.SenderDomainPolicy;
import io.sluice.delivery.kafka.Topics;
import io.sluice.delivery.send.DeliverySettings;
import io.sluice.delivery.send.RetrySchedule;
import io.sluice.delivery.send.ReturnPaths;
import io.sluice.delivery.send.SendingPools;
import io.sluice.delivery.send.SmtpDeliveryFunction;
import io.sluice.delivery.send.TlsPolicy;
import io.sluice.delivery.send.UnsubscribeLinks;
import io.sluice.delivery.shaping.PoolPolicy;
import io.sluice.delivery.shaping.ResponseRules;
import io.sluice.delivery.shaping.ShapingRules;
import io.sluice.delivery.shaping.SiteScheduler;
import io.sluice.mta.smtp.SmtpSettings;
import io.sluice.reputation.ReputationOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/** The delivery job's settings, read from Flink's configuration (flink-conf/config.yaml). */
public final class DeliveryOptions {

    private DeliveryOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("sluice.kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription(
                            "Kafka brokers to read send requests from and write events to.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("sluice.kafka.group-id")
                    .stringType()
                    .defaultValue("sluice-delivery")
                    .withDescription(
                            "Consumer group of the delivery job (offsets are committed on checkpoints).");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("sluice.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("sluice-delivery")
                    .withDescription(
                            "Prefix of the Kafka transactions that make the job's output exactly-once; unique per job.");

    public static final ConfigOption<String> SEND_REQUESTS_TOPIC =
            ConfigOptions.key("sluice.topic.send-requests")
                    .stringType()
                    .defaultValue(Topics.SEND_REQUESTS)
                    .withDescription("Topic of SendRequest records.");

    public static final ConfigOption<String> DELIVERY_EVENTS_TOPIC =
            ConfigOptions.key("sluice.topic.delivery-events")
                    .stringType()
                    .defaultValue(Topics.DELIVERY_EVENTS)
                    .withDescription("Topic of DeliveryEvent records.");

    public static final ConfigOption<String> DEAD_LETTERS_TOPIC =
            ConfigOptions.key("sluice.topic.dead-letters")
                    .stringType()
                    .defaultValue(Topics.DEAD_LETTERS)
                    .withDescription("Topic of records that could not be decoded.");

    public static final ConfigOption<String> RETRIES_TOPIC =
            ConfigOptions.key("sluice.topic.retries")
                    .stringType()
                    .defaultValue(Topics.RETRIES)
                    .withDescription(
                            "Internal topic of deferred messages waiting for their next attempt.");

    public static final ConfigOption<String> SUPPRESSIONS_TOPIC =
            ConfigOptions.key("sluice.topic.suppressions")
                    .stringType()
                    .defaultValue(Topics.SUPPRESSIONS)
                    .withDescription(
                            "Compacted topic of suppression changes, keyed by scope and address;"
                                    + " the job reads it and writes hard bounces to it.");

    public static final ConfigOption<String> FEEDBACK_EVENTS_TOPIC =
            ConfigOptions.key("sluice.topic.feedback-events")
                    .stringType()
                    .defaultValue(Topics.FEEDBACK_EVENTS)
                    .withDescription(
                            "Topic of feedback events (complaints, unsubscribes, opens, clicks,"
                                    + " out-of-band bounces); the job turns complaints,"
                                    + " unsubscribes and hard bounces into suppressions.");

    public static final ConfigOption<String> PACING_FEEDBACK_TOPIC =
            ConfigOptions.key("sluice.topic.pacing-feedback")
                    .stringType()
                    .defaultValue(Topics.PACING_FEEDBACK)
                    .withDescription(
                            "Internal topic of what each attempt tells the scheduler (ADR 0004):"
                                    + " written at least once, read uncommitted.");

    public static final ConfigOption<String> CONTROL_TOPIC =
            ConfigOptions.key("sluice.topic.control")
                    .stringType()
                    .defaultValue(Topics.CONTROL)
                    .withDescription(
                            "Compacted topic of ControlEvent decisions (IP status, warm-up quotas,"
                                    + " rate overrides, tenant status), broadcast to the scheduler.");

    public static final ConfigOption<Double> TIME_SCALE =
            ConfigOptions.key("sluice.time-scale")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "Simulated time running this many times faster (1 = real time; 1440 = a"
                                    + " day a minute): shaping rates, pauses, probes, retry delays,"
                                    + " queue age, reputation windows and warm-up days shrink by it;"
                                    + " network time-outs do not. Only for simulations and local runs.");

    /** {@link #TIME_SCALE}, checked. */
    public static TimeScale timeScale(Configuration c) {
        return new TimeScale(c.get(TIME_SCALE));
    }

    public static final ConfigOption<Double> VOLUME_SCALE =
            ConfigOptions.key("sluice.volume-scale")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "Traffic at 1/this of its real volume (1 = real): shaping rates"
                                    + " and warm-up quotas are divided by it, as the simulated providers divide their"
                                    + " per-IP limits, so a simulation keeps the shape of real"
                                    + " traffic at a volume a laptop carries. Only for simulations.");

    /** {@link #VOLUME_SCALE}, checked. */
    public static VolumeScale volumeScale(Configuration c) {
        return new VolumeScale(c.get(VOLUME_SCALE));
    }

    public static final ConfigOption<Boolean> SHAPING_ENABLED =
            ConfigOptions.key("sluice.shaping.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "False switches traffic shaping off: no rate per IP and site, as many"
                                    + " connections per IP and site as sluice.delivery.threads, no"
                                    + " adaptive backoff, no response rules, no pause on a"
                                    + " Retry-After. Warm-up quotas and the control stream's"
                                    + " pauses, blocks and pools still apply (switch them off with"
                                    + " sluice.warmup.enabled and sluice.reputation.enabled). For"
                                    + " baselines and load tests, never for real mail.");

    /**
     * The day of warm-up quotas and reputation: {@code sluice.reputation.day} when set, else a day
     * shrunk by {@link #TIME_SCALE}.
     */
    public static Duration day(Configuration c) {
        return c.contains(WARMUP_DAY) ? c.get(WARMUP_DAY) : timeScale(c).day();
    }

    public static final ConfigOption<String> SHAPING_RULES_FILE =
            ConfigOptions.key("sluice.shaping.rules-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of the shaping rules (rates, connections, adaptation per site and"
                                    + " per sending IP at a site); the shipped shaping.rules when unset.");

    public static final ConfigOption<String> RESPONSE_RULES_FILE =
            ConfigOptions.key("sluice.shaping.responses-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of the response rules (what a site's reply does to an IP's pace);"
                                    + " the shipped responses.rules when unset.");

    public static final ConfigOption<List<String>> DEDICATED_POOLS =
            ConfigOptions.key("sluice.dedicated-pools")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Pools that belong to one tenant, as pool/tenant; no other tenant's mail"
                                    + " leaves from their IPs.");

    public static final ConfigOption<List<String>> SENDER_DOMAINS =
            ConfigOptions.key("sluice.sender-domains")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "The domains each tenant may send as, as tenant/domain (acme/acme.example)."
                                    + " Mail from any other From domain is rejected"
                                    + " (sender-domain-not-verified); an empty list rejects all mail."
                                    + " Check a domain with ./sluice domain check.");

    public static final ConfigOption<Boolean> SENDER_DOMAINS_VERIFY =
            ConfigOptions.key("sluice.sender-domains.verify")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Verify each claimed domain from DNS (DKIM keys published, SPF passes"
                                    + " the tenant's IPs, DMARC aligns, forward-confirmed reverse DNS)"
                                    + " before its mail is sent. false enforces the claims alone.");

    public static final ConfigOption<Duration> SENDER_DOMAINS_RECHECK =
            ConfigOptions.key("sluice.sender-domains.recheck")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "How long a domain's verification holds before it is checked again (in"
                                    + " the background; a DNS outage keeps the last answer).");

    public static final ConfigOption<String> DNS_SERVER =
            ConfigOptions.key("sluice.dns.server")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "host:port of the DNS resolver to use; the system's resolvers when unset.");

    public static final ConfigOption<Duration> DNS_TIMEOUT =
            ConfigOptions.key("sluice.dns.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Time-out of one DNS query.");

    public static final ConfigOption<Integer> SMTP_PORT =
            ConfigOptions.key("sluice.smtp.port")
                    .intType()
                    .defaultValue(25)
                    .withDescription("Port of the receiving MTAs: 25 on the Internet.");

    public static final ConfigOption<Duration> SMTP_CONNECT_TIMEOUT =
            ConfigOptions.key("sluice.smtp.connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Time-out of a TCP connect before failing over to the next MX.");

    public static final ConfigOption<Duration> SMTP_COMMAND_TIMEOUT =
            ConfigOptions.key("sluice.smtp.command-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("Time-out of an SMTP reply (RFC 5321 4.5.3.2: 5 minutes).");

    public static final ConfigOption<Integer> SMTP_MESSAGES_PER_CONNECTION =
            ConfigOptions.key("sluice.smtp.messages-per-connection")
                    .intType()
                    .defaultValue(100)
                    .withDescription("A connection is reopened after this many messages.");

    public static final ConfigOption<Integer> SMTP_CONNECTIONS_PER_HOST =
            ConfigOptions.key("sluice.smtp.connections-per-host")
                    .intType()
                    .defaultValue(5)
                    .withDescription("Most connections one sending IP holds to one MX host.");

    public static final ConfigOption<List<String>> SMTP_TLS_REQUIRED_SITES =
            ConfigOptions.key("sluice.smtp.tls-required-sites")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Sites (as the shaping rules name them) whose mail never goes in"
                                    + " clear: a host without STARTTLS gets none of it (the"
                                    + " attempt is deferred). STARTTLS is otherwise"
                                    + " opportunistic. The async client only.");

    public static final ConfigOption<List<String>> SMTP_TLS_REQUIRED_TENANTS =
            ConfigOptions.key("sluice.smtp.tls-required-tenants")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Tenants whose mail never goes in clear, to any site. The async"
                                    + " client only.");

    public static final ConfigOption<String> SMTP_CLIENT =
            ConfigOptions.key("sluice.smtp.client")
                    .stringType()
                    .defaultValue("async")
                    .withDescription(
                            "The SMTP client: 'async' (non-blocking, on Netty: one event-loop"
                                    + " thread for every connection of a task, PIPELINING) or"
                                    + " 'angus' (Angus Mail's blocking transport, one thread per"
                                    + " session, sluice.delivery.threads of them). ADR 0005"
                                    + " compares them.");

    public static final ConfigOption<Duration> SMTP_IDLE_TIMEOUT =
            ConfigOptions.key("sluice.smtp.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("An unused connection is closed after this long.");

    /**
     * The reputation job's day (ReputationOptions.DAY, the same key): a warm-up quota is a number
     * of messages per this day, so that a compressed warm-up is counted as the reputation job steps
     * it.
     */
    public static final ConfigOption<Duration> WARMUP_DAY =
            ConfigOptions.key("sluice.reputation.day")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "The day a warm-up quota counts over; shorter only in tests and local"
                                    + " runs (the reputation job's option of the same key).");

    public static final ConfigOption<List<String>> SENDING_IPS =
            ConfigOptions.key("sluice.sending-ips")
                    .stringType()
                    .asList()
                    .defaultValues("shared/127.0.0.1/localhost")
                    .withDescription(
                            "Sending IPs as pool/address/ehlo-name; the EHLO name is the address's PTR name.");

    public static final ConfigOption<List<String>> DKIM_KEYS =
            ConfigOptions.key("sluice.dkim.keys")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "DKIM signing keys as domain/selector/path-to-PEM (PKCS#8 or PKCS#1; RSA 2048+ or"
                                    + " Ed25519). Every key of the From domain signs, so an RSA and an Ed25519"
                                    + " key give both signatures.");

    public static final ConfigOption<String> VERP_BOUNCE_DOMAIN =
            ConfigOptions.key("sluice.verp.bounce-domain")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Domain of the VERP return paths (its MX is Sluice's inbound server); {from-domain}"
                                    + " is replaced by the From domain (bounces.{from-domain} aligns SPF). Each"
                                    + " message's MAIL FROM names it, its recipient and its tenant under an"
                                    + " HMAC. Unset: bounces@<from domain>, and out-of-band bounces are not"
                                    + " seen.");

    /** The name contains "secret", so Flink masks the values in its logs and web UI. */
    public static final ConfigOption<List<String>> VERP_SECRET_KEYS =
            ConfigOptions.key("sluice.verp.secret-keys")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "HMAC-SHA256 keys of the VERP return paths as id:base64 (32 bytes or more),"
                                    + " the same list for the delivery job, the inbound server and the"
                                    + " feedback job. Keep a retired key listed while its mail can still"
                                    + " bounce (the retry age).");

    public static final ConfigOption<String> VERP_CURRENT_KEY =
            ConfigOptions.key("sluice.verp.current-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Id of the VERP key that signs new return paths; default the first.");

    public static final ConfigOption<String> UNSUBSCRIBE_BASE_URL =
            ConfigOptions.key("sluice.unsubscribe.base-url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Public https URL of Sluice's one-click unsubscribe endpoint (RFC 8058),"
                                    + " e.g. https://unsubscribe.example.com/u; each marketing message's"
                                    + " List-Unsubscribe is this URL plus a token signed with"
                                    + " sluice.verp.secret-keys, and a POST to it suppresses the"
                                    + " recipient for the tenant. Unset: the request's unsubscribe_url"
                                    + " is used as given.");

    public static final ConfigOption<String> DEFAULT_POOL =
            ConfigOptions.key("sluice.default-pool")
                    .stringType()
                    .defaultValue("shared")
                    .withDescription("Pool used when a request names none (or an unknown one).");

    public static final ConfigOption<Duration> RETRY_FIRST_DELAY =
            ConfigOptions.key("sluice.retry.first-delay")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "Wait before the second attempt; doubles after each further attempt.");

    public static final ConfigOption<Duration> RETRY_MAX_DELAY =
            ConfigOptions.key("sluice.retry.max-delay")
                    .durationType()
                    .defaultValue(Duration.ofHours(24))
                    .withDescription("Longest wait between two attempts.");

    public static final ConfigOption<Integer> RETRY_MAX_ATTEMPTS =
            ConfigOptions.key("sluice.retry.max-attempts")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Attempts in all (the first and the retries) before a message expires.");

    public static final ConfigOption<Duration> RETRY_MAX_AGE =
            ConfigOptions.key("sluice.retry.max-age")
                    .durationType()
                    .defaultValue(Duration.ofHours(72))
                    .withDescription("A message expires this long after its first attempt.");

    public static final ConfigOption<Duration> DEDUPE_WINDOW =
            ConfigOptions.key("sluice.dedupe.window")
                    .durationType()
                    .defaultValue(Duration.ofDays(3))
                    .withDescription(
                            "A second request with the same message id within this window is dropped.");

    public static final ConfigOption<MemorySize> MAX_MESSAGE_SIZE =
            ConfigOptions.key("sluice.message.max-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("10mb"))
                    .withDescription("Largest message body accepted (before MIME encoding).");

    public static final ConfigOption<Boolean> REQUIRE_UNSUBSCRIBE =
            ConfigOptions.key("sluice.validation.require-unsubscribe-for-marketing")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Reject marketing mail without an unsubscribe_url (RFC 8058, bulk-sender rules).");

    public static final ConfigOption<Integer> DELIVERY_THREADS =
            ConfigOptions.key("sluice.delivery.threads")
                    .intType()
                    .defaultValue(64)
                    .withDescription(
                            "Per task: with sluice.smtp.client=angus, the SMTP sessions in"
                                    + " progress at once (a thread each); with async, the"
                                    + " attempts in progress at once (the client's own threads"
                                    + " are one event loop and two to build and sign messages).");

    public static final ConfigOption<Integer> DELIVERY_CAPACITY =
            ConfigOptions.key("sluice.delivery.capacity")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Attempts in flight per task (async operator capacity); default twice"
                                    + " sluice.delivery.threads. An attempt waiting here is bound to"
                                    + " its IP and pool already, so a pause, block or quarantine"
                                    + " reaches only what the scheduler still holds.");

    /**
     * {@link #DELIVERY_CAPACITY}, else twice the SMTP threads: enough waiting work to keep every
     * thread busy, and no more. With 1,000 per task against 64 threads, attempts released half a
     * minute before a pause or a quarantine still left from the IP and pool they were released to.
     */
    public static int deliveryCapacity(Configuration c) {
        return c.getOptional(DELIVERY_CAPACITY).orElse(2 * c.get(DELIVERY_THREADS));
    }

    public static final ConfigOption<Duration> ATTEMPT_TIMEOUT =
            ConfigOptions.key("sluice.delivery.attempt-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(30))
                    .withDescription(
                            "An attempt still running after this long is deferred; above the SMTP time-outs summed.");

    /**
     * The scheduler's rules and pools, read and checked now, so a bad line fails the submission
     * with its file and line rather than a running task.
     */
    public static SiteScheduler siteScheduler(Configuration c) {
        SiteScheduler shaped =
                new SiteScheduler(
                        ShapingRules.load(c.get(SHAPING_RULES_FILE)).volumeScaled(volumeScale(c)),
                        ResponseRules.load(c.get(RESPONSE_RULES_FILE)).volumeScaled(volumeScale(c)),
                        PoolPolicy.of(
                                        c.get(SENDING_IPS),
                                        c.get(DEDICATED_POOLS),
                                        c.get(DEFAULT_POOL))
                                .withNewIps(ReputationOptions.newIps(c)),
                        day(c),
                        c.get(RETRY_MAX_AGE).toMillis());
        return (c.get(SHAPING_ENABLED) ? shaped : shaped.unshaped(c.get(DELIVERY_THREADS)))
                .timeScaled(timeScale(c));
    }

    public static DeliverySettings deliverySettings(Configuration c) {
        SmtpSettings smtp =
                new SmtpSettings(
                        c.get(SMTP_PORT),
                        c.get(SMTP_CONNECT_TIMEOUT),
                        c.get(SMTP_COMMAND_TIMEOUT),
                        c.get(SMTP_COMMAND_TIMEOUT).multipliedBy(2),
                        c.get(SMTP_MESSAGES_PER_CONNECTION),
                        c.get(SMTP_CONNECTIONS_PER_HOST),
                        c.get(SMTP_IDLE_TIMEOUT),
                        true);
        RetrySchedule retry =
                new RetrySchedule(
                                c.get(RETRY_FIRST_DELAY),
                                c.get(RETRY_MAX_DELAY),
                                c.get(RETRY_MAX_ATTEMPTS),
                                c.get(RETRY_MAX_AGE))
                        .timeScaled(timeScale(c));
        return new DeliverySettings(
                c.get(DNS_SERVER),
                c.get(DNS_TIMEOUT),
                smtp,
                c.get(SENDING_IPS),
                c.get(DEFAULT_POOL),
                retry,
                c.get(DELIVERY_THREADS),
                smtpClient(c),
                TlsPolicy.of(c.get(SMTP_TLS_REQUIRED_SITES), c.get(SMTP_TLS_REQUIRED_TENANTS)),
                c.get(DKIM_KEYS),
                returnPaths(c),
                unsubscribeLinks(c));
    }

    /** {@link #SMTP_CLIENT}, checked: a misspelt client fails the submission, not a task. */
    static String smtpClient(Configuration c) {
        String v = c.get(SMTP_CLIENT).strip().toLowerCase(java.util.Locale.ROOT);
        if (!v.equals("async") && !v.equals("angus")) {
            throw new IllegalArgumentException(
                    SMTP_CLIENT.key()
                            + ": '"
                            + c.get(SMTP_CLIENT)
                            + "' -- expected async or angus");
        }
        return v;
    }

    /** The one-click unsubscribe links: Sluice's signed ones when its endpoint is configured. */
    public static UnsubscribeLinks unsubscribeLinks(Configuration c) {
        return new UnsubscribeLinks(c.get(UNSUBSCRIBE_BASE_URL), verpKeys(c));
    }

    /** Who may send as which domain, verified from DNS (issue #4). */
    public static SenderDomainPolicy senderDomainPolicy(Configuration c) {
        String server = c.get(DNS_SERVER);
        Duration timeout = c.get(DNS_TIMEOUT);
        return new SenderDomainPolicy(
                c.get(SENDER_DOMAINS),
                c.get(SENDER_DOMAINS_VERIFY),
                c.get(SENDER_DOMAINS_RECHECK),
                SendingPools.parse(c.get(SENDING_IPS), c.get(DEFAULT_POOL)),
                PoolPolicy.of(c.get(SENDING_IPS), c.get(DEDICATED_POOLS), c.get(DEFAULT_POOL)),
                c.get(DKIM_KEYS),
                returnPaths(c),
                () -> SmtpDeliveryFunction.resolver(server, timeout));
    }

    /** The VERP return paths; {@code bounces@<from domain>} when no bounce domain is set. */
    public static ReturnPaths returnPaths(Configuration c) {
        return new ReturnPaths(c.get(VERP_BOUNCE_DOMAIN), verpKeys(c));
    }

    /** The VERP keys, or null when none are configured. */
    public static VerpKeys verpKeys(Configuration c) {
        List<String> entries = c.get(VERP_SECRET_KEYS);
        return entries.isEmpty() ? null : VerpKeys.parse(entries, c.get(VERP_CURRENT_KEY));
    }
}
