package io.sluice.delivery.send;

import io.sluice.bounce.classify.BounceAction;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.classify.Classification;
import io.sluice.bounce.classify.Reason;
import io.sluice.bounce.classify.SmtpCommand;
import io.sluice.bounce.classify.SmtpReply;
import io.sluice.delivery.event.Attempt;
import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.delivery.intake.Message;
import io.sluice.delivery.ledger.Deferred;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.shaping.DkimChange;
import io.sluice.delivery.shaping.Feedback;
import io.sluice.delivery.shaping.Release;
import io.sluice.delivery.shaping.ShapingRules;
import io.sluice.delivery.shaping.SiteRule;
import io.sluice.mta.dkim.DkimKey;
import io.sluice.mta.dkim.DkimKeyRing;
import io.sluice.mta.dkim.DkimSigner;
import io.sluice.mta.dkim.SigningOptions;
import io.sluice.mta.message.MimeComposer;
import io.sluice.mta.message.OutboundMessage;
import io.sluice.mta.route.MxResolver;
import io.sluice.mta.smtp.AsyncSmtpDelivery;
import io.sluice.mta.smtp.AttemptResult;
import io.sluice.mta.smtp.AttemptResult.Outcome;
import io.sluice.mta.smtp.SendingIp;
import io.sluice.mta.smtp.SiteLimits;
import io.sluice.mta.smtp.SmtpClient;
import io.sluice.mta.smtp.SmtpDelivery;
import io.sluice.mta.smtp.SmtpStage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

/**
 * Makes one SMTP attempt per {@link Release}, off the task thread, from the sending IP the
 * scheduler chose: builds the MIME message, delivers it, and turns the result into events, on a
 * temporary failure with attempts left a {@link Deferred} for the ledger, and {@link Feedback} for
 * the scheduler's pacing.
 *
 * <p>Stateless itself; Flink's async operator checkpoints the deliveries in flight and replays them
 * after a failure, so an attempt can repeat (at-least-once towards SMTP, exactly-once events).
 */
public final class SmtpDeliveryFunction extends RichAsyncFunction<Release, AttemptOutcome> {

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(SmtpDeliveryFunction.class);

    private static final long serialVersionUID = 1L;

    private final DeliverySettings settings;
    private final ShapingRules rules;
    private transient int subtasks;
    private final Clock clock;

    private transient SmtpClient delivery;

    private transient SendingPools pools;
    private transient MimeComposer composer;
    private transient BounceClassifier classifier;
    private transient DkimKeyRing dkimKeys;
    private transient DkimSigner dkimSigner;
    private transient Counter unsigned;
    private transient Counter dkimKeyErrors;

    /** Ids of the DKIM key changes applied to {@link #dkimKeys}; guarded by itself for writes. */
    private transient Set<String> appliedDkim;

    private transient ExecutorService executor;
    private transient Counter delivered;
    private transient Counter bounced;
    private transient Counter deferred;
    private transient Counter expiredQueued;
    private transient ConnectionConcurrency concurrency;
    private transient Counter connectionLimitLowered;

    public SmtpDeliveryFunction(DeliverySettings settings, Clock clock) {
        this(settings, null, clock);
    }

    /**
     * @param rules the shaping rules, whose connection and per-connection limits of each site (per
     *     IP x site) cap the connections this task opens; null for only the SMTP settings' limits
     */
    public SmtpDeliveryFunction(DeliverySettings settings, ShapingRules rules, Clock clock) {
        this.settings = settings;
        this.rules = rules;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        MxResolver resolver = new MxResolver(resolver(settings.dnsServer(), settings.dnsTimeout()));
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        AtomicInteger n = new AtomicInteger();
        if ("angus".equals(settings.smtpClient())) {
            // A thread per session, sluice.delivery.threads of them, inside the client.
            delivery = new SmtpDelivery(resolver, settings.smtp(), clock, settings.threads());
        } else {
            // One event loop for every connection; two threads to build and sign messages
            // (about a millisecond of CPU each) off it.
            executor =
                    Executors.newFixedThreadPool(
                            2,
                            r -> {
                                Thread t =
                                        new Thread(
                                                r,
                                                "smtp-prepare-"
                                                        + subtask
                                                        + "-"
                                                        + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
            delivery = new AsyncSmtpDelivery(resolver, settings.smtp(), clock, 1, executor, 4);
        }
        delivery.onRefusedConnection(this::refusedConnection);
        pools = SendingPools.parse(settings.sendingIps(), settings.defaultPool());
        composer = new MimeComposer();
        classifier = BounceClassifier.fromClasspath();
        dkimKeys = new DkimKeyRing();
        for (String entry : settings.dkimKeys()) {
            String[] parts = entry.split("/", 3);
            dkimKeys.activate(DkimKey.load(parts[0], parts[1], Path.of(parts[2])));
        }
        dkimSigner = new DkimSigner(SigningOptions.defaults(), clock);
        subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        delivered = getRuntimeContext().getMetricGroup().counter("delivered");
        bounced = getRuntimeContext().getMetricGroup().counter("bounced");
        deferred = getRuntimeContext().getMetricGroup().counter("deferred");
        expiredQueued = getRuntimeContext().getMetricGroup().counter("expiredInQueue");
        concurrency = new ConnectionConcurrency(java.time.Duration.ofMinutes(1));
        connectionLimitLowered =
                getRuntimeContext().getMetricGroup().counter("connectionLimitLowered");
        unsigned = getRuntimeContext().getMetricGroup().counter("unsignedMessages");
        dkimKeyErrors = getRuntimeContext().getMetricGroup().counter("dkimKeyChangeErrors");
        appliedDkim = ConcurrentHashMap.newKeySet();
    }

    /** The resolver at {@code server} ({@code host:port}), or the system's when blank. */
    public static Resolver resolver(String server, Duration timeout) throws Exception {
        Resolver r;
        if (server == null || server.isBlank()) {
            r = new ExtendedResolver();
        } else {
            int colon = server.lastIndexOf(':');
            String host = colon > 0 ? server.substring(0, colon) : server;
            int port = colon > 0 ? Integer.parseInt(server.substring(colon + 1)) : 53;
            r = new SimpleResolver(new InetSocketAddress(host, port));
        }
        r.setTimeout(timeout);
        return r;
    }

    @Override
    public void asyncInvoke(Release d, ResultFuture<AttemptOutcome> result) {
        if (d.expired()) {
            result.complete(Collections.singleton(expiredInQueue(d)));
            return;
        }
        CompletableFuture<AttemptOutcome> attempt;
        try {
            attempt = attempt(d);
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete(
                (outcome, error) -> {
                    if (error != null) {
                        result.complete(
                                Collections.singleton(
                                        failedLocally(d, "attempt failed: " + error)));
                    } else {
                        result.complete(Collections.singleton(outcome));
                    }
                });
    }

    @Override
    public void timeout(Release d, ResultFuture<AttemptOutcome> result) {
        result.complete(Collections.singleton(failedLocally(d, "attempt timed out")));
    }

    /**
     * The attempt; nothing here waits. The message is composed and signed once a connection is
     * ready (on {@link #executor} for the non-blocking client, on the session's own thread for the
     * blocking one); the outcome is made where the reply arrives.
     */
    CompletableFuture<AttemptOutcome> attempt(Release release) {
        SendingIp ip = sendingIp(release);
        if (ip == null) {
            return CompletableFuture.completedFuture(unknownIp(release));
        }
        OutboundMessage outbound = outbound(release.delivery().message());
        return delivery.deliverAsync(
                        outbound.returnPath(),
                        outbound.recipient(),
                        () -> signed(release, composer.compose(outbound, clock.instant())),
                        ip,
                        limits(release))
                .thenApply(r -> outcome(release, r, ip.pool(), false));
    }

    private AttemptOutcome unknownIp(Release release) {
        return failedLocally(
                release,
                "sending IP "
                        + release.sendingIp()
                        + " is not in sluice.sending-ips (changed since it was chosen?)");
    }

    private OutboundMessage outbound(Message m) {
        return new OutboundMessage(
                m.messageId(),
                settings.returnPaths().of(m.messageId(), m.recipient(), m.tenant(), m.fromDomain()),
                m.fromAddress(),
                m.fromName(),
                m.replyTo(),
                m.recipient(),
                m.recipientName(),
                m.subject(),
                withFeedbackId(m),
                m.textBody(),
                m.htmlBody(),
                settings.unsubscribeLinks().of(m));
    }

    /**
     * The message signed once a connection is ready, with the keys in force then (applying the DKIM
     * changes this release carries first): a message that waited for a connection slot while a key
     * was withdrawn is not signed with it.
     */
    private byte[] signed(Release release, byte[] composed) {
        applyDkim(release.dkim());
        return sign(composed, release.delivery().message().fromDomain());
    }

    /**
     * The request's headers plus {@code Feedback-ID: campaign:tenant:mailtype:sluice} (Gmail's
     * feedback-loop convention; DKIM-signed), by which a complaint report that lost the Return-Path
     * still names its tenant. Colons inside a value would shift the fields, so they become dashes.
     */
    static Map<String, String> withFeedbackId(Message m) {
        Map<String, String> headers = new LinkedHashMap<>(m.headers());
        headers.put(
                "Feedback-ID",
                field(m.campaign())
                        + ":"
                        + field(m.tenant())
                        + ":"
                        + m.priority().name().toLowerCase(Locale.ROOT)
                        + ":sluice");
        return headers;
    }

    private static String field(String v) {
        return v == null ? "" : v.replace(':', '-').replace('\r', ' ').replace('\n', ' ');
    }

    /**
     * The site's limits for the release's IP, this task's share of them: every parallel instance of
     * this operator has its own connections, so each may open its share of the rule's connections,
     * as the scheduler's shards share the rate. TLS is required when the site or the tenant is in
     * {@code sluice.smtp.tls-required-sites} or {@code -tenants}.
     */
    SiteLimits limits(Release release) {
        boolean tls =
                settings.tls().required(release.site(), release.delivery().message().tenant());
        if (rules == null || release.site() == null) {
            return tls
                    ? new SiteLimits(
                            String.valueOf(release.site()),
                            Integer.MAX_VALUE,
                            Integer.MAX_VALUE,
                            true)
                    : null;
        }
        SiteRule rule = rules.at(release.site(), release.sendingIp());
        return new SiteLimits(
                release.site(),
                concurrency.limit(
                        release.sendingIp(), release.site(), ceiling(release), clock.millis()),
                rule.perConnection(),
                tls);
    }

    /** The rule's connections for the release's IP at its site, this task's share. */
    private int ceiling(Release release) {
        return connectionShare(
                rules.at(release.site(), release.sendingIp()).connections(), subtasks);
    }

    /**
     * Concurrency feedback (ConnectionConcurrency): a new connection the site refused with a 4xx in
     * its greeting lowers this IP's limit there, which comes back one a minute.
     */
    private void refusedConnection(String ip, String site, String mxHost, int code, String reply) {
        if (rules == null || site == null) {
            return;
        }
        int ceiling = connectionShare(rules.at(site, ip).connections(), subtasks);
        int limit = concurrency.tooMany(ip, site, ceiling, clock.millis());
        connectionLimitLowered.inc();
        LOG.info(
                "connections from {} to {} lowered to {} (this task's share of the rule: {}) after"
                        + " {} said: {}",
                ip,
                site,
                limit,
                ceiling,
                mxHost,
                reply);
    }

    /**
     * A task's share of a site's connections per IP: rounded down, so that the tasks together stay
     * within the site's limit (5 at Gmail over 2 tasks: 2 each, not 3 and one over, which the
     * simulated Gmail refused with 421 in every simulate run); at least one, so a task with mail
     * for the site can send it (a limit below the task count is exceeded then, and said so in
     * docs/design/scheduling.md).
     */
    static int connectionShare(int connections, int subtasks) {
        return Math.max(1, connections / Math.max(1, subtasks));
    }

    private SendingIp sendingIp(Release release) {
        return pools.byAddress(release.sendingIp()).orElse(null);
    }

    private AttemptOutcome outcome(Release release, AttemptResult r, String pool, boolean local) {
        Delivery d = release.delivery();
        Message m = d.message();
        Instant now = clock.instant();
        Instant first = d.firstAttemptAt() == null ? now.minus(r.latency()) : d.firstAttemptAt();
        Attempt attempt =
                new Attempt(
                        d.attempt(),
                        r.sendingIp(),
                        r.mxHost(),
                        r.stage().name(),
                        r.replyCode(),
                        r.enhancedStatus(),
                        r.replyText(),
                        r.latency().toMillis(),
                        r.tls());
        String site =
                r.mxHost() == null
                        ? null
                        : classifier.sites().siteOf(r.mxHost()).orElse(Sites.of(r.mxHost()));
        String reply = r.replyCode() > 0 ? r.replyCode() + " " + r.replyText() : r.replyText();
        List<Event> events = new ArrayList<>(2);
        events.add(
                Event.ofAttempt(
                        m, EventType.ATTEMPTED, now, reply, site, pool, attempt, null, null));
        if (r.outcome() == Outcome.DELIVERED) {
            delivered.inc();
            events.add(
                    Event.ofAttempt(
                            m, EventType.DELIVERED, now, reply, site, pool, attempt, null, null));
            return new AttemptOutcome(
                    events.toArray(Event[]::new),
                    null,
                    feedback(release, Feedback.Kind.DELIVERED, reply, null, now));
        }
        // A reply is classified for its action on pacing; a permanent failure for its bounce class.
        Classification v =
                r.replyCode() > 0 || r.outcome() == Outcome.PERMANENT_FAILURE
                        ? classify(r, site)
                        : null;
        Feedback feedback = feedback(release, r, reply, v, local, now);
        if (r.outcome() == Outcome.PERMANENT_FAILURE) {
            bounced.inc();
            events.add(
                    Event.ofAttempt(
                            m,
                            EventType.BOUNCED,
                            now,
                            v.reason().id() + ": " + reply,
                            site,
                            pool,
                            attempt,
                            null,
                            v.isHard() ? "HARD" : "SOFT"));
            return new AttemptOutcome(events.toArray(Event[]::new), null, feedback);
        }
        Optional<Instant> next = settings.retry().nextAttempt(d.attempt(), first, now);
        if (next.isEmpty()) {
            events.add(
                    Event.ofAttempt(
                            m,
                            EventType.EXPIRED,
                            now,
                            "no attempt left after " + d.attempt() + ": " + reply,
                            site,
                            pool,
                            attempt,
                            null,
                            null));
            return new AttemptOutcome(events.toArray(Event[]::new), null, feedback);
        }
        deferred.inc();
        events.add(
                Event.ofAttempt(
                        m, EventType.DEFERRED, now, reply, site, pool, attempt, next.get(), null));
        return new AttemptOutcome(
                events.toArray(Event[]::new),
                new Deferred(m, d.attempt(), first, next.get(), reply),
                feedback);
    }

    /**
     * What a failed attempt tells the scheduler. Only what the site said or did counts: a reply, or
     * a connection that never reached one. DNS trouble and Sluice's own failures (time-outs,
     * errors) are {@code LOCAL}, which pacing ignores, so a pause cannot extend itself.
     */
    private static Feedback feedback(
            Release release,
            AttemptResult r,
            String reply,
            Classification v,
            boolean local,
            Instant now) {
        // A permanent failure without a reply is the client's own refusal (an internationalized
        // address to a server without SMTPUTF8, a message above its SIZE): nothing about the
        // site's health, and never a connection failure towards dead-site detection.
        if (local
                || r.stage() == SmtpStage.RESOLVE
                || (r.replyCode() == 0 && r.outcome() == Outcome.PERMANENT_FAILURE)
                // Required TLS a host does not offer (or a failed handshake) is a matter of
                // policy between the two ends, not of the site's health: pausing the site as
                // dead would hold back mail that may go in clear.
                || (r.replyCode() == 0 && r.stage() == SmtpStage.STARTTLS)) {
            return feedback(release, Feedback.Kind.LOCAL, reply, null, now);
        }
        if (r.replyCode() > 0) {
            return new Feedback(
                    release.site(),
                    release.sendingIp(),
                    Feedback.Kind.REPLY,
                    reply,
                    v.action(),
                    Feedback.retryAfterMillis(r.replyText()),
                    now.toEpochMilli(),
                    release.shard());
        }
        return feedback(release, Feedback.Kind.CONNECTION_FAILURE, reply, null, now);
    }

    private static Feedback feedback(
            Release release, Feedback.Kind kind, String reply, BounceAction action, Instant now) {
        return new Feedback(
                release.site(),
                release.sendingIp(),
                kind,
                reply,
                action,
                0,
                now.toEpochMilli(),
                release.shard());
    }

    /**
     * Applies the control stream's DKIM key changes that ride on a release, each once, in order,
     * before the message is signed. A change is marked applied only once it is, under a lock, so a
     * thread that sees a withdrawal not yet marked waits for it rather than signing with the key. A
     * change that cannot be applied (a key file missing or refused) is logged and counted; signing
     * goes on with the keys in force.
     */
    private void applyDkim(List<DkimChange> changes) {
        if (changes == null) {
            return;
        }
        for (DkimChange ch : changes) {
            if (appliedDkim.contains(ch.id())) {
                continue;
            }
            synchronized (appliedDkim) {
                if (appliedDkim.contains(ch.id())) {
                    continue;
                }
                try {
                    if (ch.withdraw()) {
                        int removed = dkimKeys.withdraw(ch.domain(), ch.selector());
                        LOG.warn(
                                "DKIM selector {} of {} withdrawn by control: {} active key(s)"
                                        + " removed",
                                ch.selector(),
                                ch.domain(),
                                removed);
                    } else {
                        dkimKeys.activate(
                                DkimKey.load(ch.domain(), ch.selector(), Path.of(ch.keyRef())));
                    }
                } catch (RuntimeException e) {
                    dkimKeyErrors.inc();
                    LOG.error("DKIM key change {} not applied: {}", ch.id(), e.getMessage());
                }
                appliedDkim.add(ch.id());
            }
        }
    }

    /**
     * Adds a DKIM signature per key of the From domain (RSA and Ed25519 when both are configured).
     * A domain without keys goes out unsigned and is counted; requiring keys per tenant domain is
     * issue #4's sender-domain verification.
     */
    private byte[] sign(byte[] mime, String fromDomain) {
        if (dkimKeys.keysFor(fromDomain).isEmpty()) {
            unsigned.inc();
            return mime;
        }
        return dkimSigner.signMessage(mime, dkimKeys);
    }

    /**
     * The bounce classifier's verdict (issue #8's rules). A DNS answer that the domain does not
     * exist or takes no mail (RFC 7505) has no SMTP reply to classify: it is a dead domain.
     */
    private Classification classify(AttemptResult r, String site) {
        // The stage tells the classifier which command the reply answered: "user unknown" is a
        // dead address only in reply to RCPT (after DATA the same words are a content filter).
        SmtpReply reply =
                new SmtpReply(
                        r.replyCode(), r.enhancedStatus(), r.replyText(), commandOf(r.stage()));
        if (r.stage() == SmtpStage.RESOLVE && r.outcome() == Outcome.PERMANENT_FAILURE) {
            return Classification.of(
                    Reason.HOSTUNKNOWN,
                    new SmtpReply(550, r.enhancedStatus(), r.replyText()),
                    "dns");
        }
        return classifier.classify(reply, site);
    }

    /**
     * A message the scheduler let go because no IP could send it to its site within its max age
     * (the site kept it paused, blocked, or over quota): it ends EXPIRED, with no attempt, and
     * tells pacing nothing.
     */
    AttemptOutcome expiredInQueue(Release release) {
        Delivery d = release.delivery();
        Message m = d.message();
        expiredQueued.inc();
        String reason =
                "expired in the queue for site "
                        + release.site()
                        + " after "
                        + (d.attempt() - 1)
                        + " attempt(s): no sending IP could deliver there within "
                        + settings.retry().maxAge();
        return new AttemptOutcome(
                new Event[] {
                    Event.ofAttempt(
                            m,
                            EventType.EXPIRED,
                            clock.instant(),
                            reason,
                            release.site(),
                            pools == null ? null : pools.resolvePool(m.ipPool()),
                            null,
                            null,
                            null)
                },
                null,
                null);
    }

    private AttemptOutcome failedLocally(Release release, String why) {
        AttemptResult r =
                new AttemptResult(
                        Outcome.TEMPORARY_FAILURE,
                        SmtpStage.CONNECT,
                        0,
                        "4.4.7",
                        why,
                        null,
                        null,
                        Duration.ZERO,
                        false);
        SendingIp ip = pools == null ? null : sendingIp(release);
        return outcome(
                release,
                r,
                ip != null
                        ? ip.pool()
                        : pools == null
                                ? null
                                : pools.resolvePool(release.delivery().message().ipPool()),
                true);
    }

    @Override
    public void close() throws Exception {
        if (delivery != null) {
            delivery.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    static SmtpCommand commandOf(SmtpStage stage) {
        return switch (stage) {
            case GREETING, CONNECT -> SmtpCommand.CONNECT;
            case EHLO, STARTTLS -> SmtpCommand.HELO;
            case MAIL -> SmtpCommand.MAIL;
            case RCPT -> SmtpCommand.RCPT;
            case DATA, DATA_END -> SmtpCommand.DATA;
            case RESOLVE, QUIT -> SmtpCommand.UNKNOWN;
        };
    }
}
