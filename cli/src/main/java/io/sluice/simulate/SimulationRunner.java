package io.sluice.simulate;

import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.kafka.Topics;
import io.sluice.local.LocalDkimKeys;
import io.sluice.local.LocalStack;
import io.sluice.reputation.ControlTopic;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.ControlType;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.DkimKeyAction;
import io.sluice.schema.DkimKeyChange;
import io.sluice.schema.Priority;
import io.sluice.schema.SendRequest;
import io.sluice.schema.TenantStatus;
import io.sluice.sim.profile.ReplyKind;
import io.sluice.sim.smtp.MailboxServer;
import io.sluice.sim.truth.Delivery;
import io.sluice.sim.truth.Feedback;
import io.sluice.sim.truth.Refusal;
import io.sluice.sim.world.SimulatedInternet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Runs one scenario on the real parts: the local stack (Kafka, the delivery, feedback and
 * reputation jobs on a Flink MiniCluster) against the enforcing simulated providers, with Sluice's
 * policies and the providers' clocks both running {@link Scenario#timeScale()} times faster. It
 * produces each simulated hour's traffic on time, applies the scenario's events, waits for every
 * message's final outcome, and counts the result from the providers' ground truth.
 */
public final class SimulationRunner {

    /** Where and how to run: a fresh home folder, and loopback addresses free for providers. */
    /**
     * Where and how a run goes.
     *
     * @param outcomeWait how long (real time) to wait for the last outcomes once the traffic is
     *     out; null for the default, the last retries' 72 simulated hours and some slack. A shorter
     *     wait leaves the messages still pending counted as lost: for runs that only look at what
     *     the providers saw, like a baseline that is throttled and blocked
     */
    public record Settings(
            Path home, int subnet, int smtpPort, int parallelism, Duration outcomeWait) {

        public Settings(Path home, int subnet, int smtpPort, int parallelism) {
            this(home, subnet, smtpPort, parallelism, null);
        }
    }

    /**
     * One message of the run.
     *
     * @param simHour the simulated hour it was produced in
     */
    record Sent(String id, String tenant, String recipient, boolean marketing, int simHour) {}

    /**
     * One warming IP's mail at one site on one of Sluice's quota days, against its quota.
     *
     * @param over the IP went past its quota: more than the quota plus what the day before left
     *     unused (a message released before midnight whose attempt began after it counts on the
     *     next day), or more than all the days so far allowed together
     */
    public record QuotaDay(
            String ip, String site, long day, long quota, long accepted, boolean over) {}

    /** A provider's reputation of a sending IP, sampled each simulated hour. */
    record Standing(int simHour, String provider, String ip, double score) {}

    /** Everything a run leaves for its summary and report. */
    public record Run(
            Scenario scenario,
            Figures all,
            Map<String, Figures> byTenant,
            List<String> unmet,
            Duration took,
            List<Sent> sent,
            List<Delivery> deliveries,
            List<Refusal> refusals,
            List<Feedback> feedback,
            List<DeliveryEvent> events,
            List<ControlEvent> controls,
            List<Standing> standings,
            List<QuotaDay> quotaDays,
            Instant simStart,
            Instant realStart,
            Map<String, Instant> submitted) {

        public boolean passed() {
            return unmet.isEmpty();
        }

        /** Simulated hours since the start, of a simulated instant. */
        double simHours(Instant simulated) {
            return Duration.between(simStart, simulated).toMillis() / 3_600_000.0;
        }

        /** Simulated hours since the start, of a real instant (Sluice's events). */
        double simHoursOfReal(Instant real) {
            return Duration.between(realStart, real).toMillis()
                    * scenario.timeScale()
                    / 3_600_000.0;
        }
    }

    private SimulationRunner() {}

    public static Run run(Scenario sc, Settings s, BiConsumer<Integer, String> progress)
            throws Exception {
        Instant began = Instant.now();
        LocalStack.Settings local =
                new LocalStack.Settings(
                        s.home(),
                        0,
                        0,
                        s.smtpPort(),
                        s.subnet(),
                        s.parallelism(),
                        false,
                        sc.timeScale(),
                        options(sc, s.home()));
        try (LocalStack stack = LocalStack.start(local)) {
            return drive(sc, stack, s, progress, began);
        }
    }

    /**
     * The jobs' settings: the scenario's time scale, Sluice's production policies (the shipped
     * shaping rules and the default retry schedule, which the scale shrinks) instead of the local
     * stack's one-minute ones, then the scenario's own options and files.
     */
    static Map<String, String> options(Scenario sc, Path home) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(DeliveryOptions.TIME_SCALE.key(), Double.toString(sc.timeScale()));
        o.put(DeliveryOptions.SHAPING_RULES_FILE.key(), "");
        o.put(DeliveryOptions.RETRY_FIRST_DELAY.key(), "15 min");
        o.put(DeliveryOptions.RETRY_MAX_DELAY.key(), "24 h");
        o.put(DeliveryOptions.RETRY_MAX_ATTEMPTS.key(), "4");
        o.put(DeliveryOptions.RETRY_MAX_AGE.key(), "72 h");
        o.putAll(sc.options());
        sc.files().forEach((key, name) -> o.put(key, copy(name, home).toString()));
        return o;
    }

    private static Path copy(String name, Path home) {
        try (InputStream in = Scenario.resource(name)) {
            Path target = home.resolve("scenario").resolve(name);
            Files.createDirectories(target.getParent());
            if (in != null) {
                Files.write(target, in.readAllBytes());
            } else if (Files.isRegularFile(Path.of(name))) {
                Files.copy(Path.of(name), target);
            } else {
                throw new IllegalArgumentException(
                        "scenario file " + name + " is neither shipped nor on disk");
            }
            return target.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Run drive(
            Scenario sc,
            LocalStack stack,
            Settings settings,
            BiConsumer<Integer, String> progress,
            Instant began)
            throws Exception {
        Path home = settings.home();
        SimulatedInternet internet = stack.internet();
        long hourNanos = Math.round(3_600e9 / sc.timeScale());
        int hours = sc.days() * 24;
        List<Sent> sent = plan(sc, internet);
        Set<String> ids = new HashSet<>();
        sent.forEach(m -> ids.add(m.id()));
        List<Standing> standings = new ArrayList<>();
        Set<Scenario.Event> applied = new HashSet<>();
        List<Withdrawal> withdrawals = new ArrayList<>();
        Map<String, Instant> submitted = new HashMap<>();

        Instant realStart = Instant.now();
        Instant simStart = internet.clock().instant();
        long start = System.nanoTime();
        try (EventLog log = new EventLog(stack.bootstrapServers(), ids);
                KafkaProducer<byte[], byte[]> producer = stack.producer()) {
            int next = 0;
            int hour = 0;
            for (; hour < hours; hour++) {
                int h = hour;
                long due = start + h * hourNanos;
                while (System.nanoTime() < due) {
                    log.poll(Duration.ofMillis(Math.max(1, (due - System.nanoTime()) / 1_000_000)));
                }
                for (Scenario.Event e : sc.events()) {
                    if (e.day() * 24 <= h && applied.add(e)) {
                        apply(e, stack, home, withdrawals);
                    }
                }
                while (next < sent.size() && sent.get(next).simHour() == h) {
                    producer.send(LocalStack.record(request(sent.get(next), realStart)));
                    submitted.put(sent.get(next).id(), Instant.now());
                    next++;
                }
                producer.flush();
                sample(sc, internet, h, standings);
                progress.accept(log.finals.size(), "day " + (h / 24 + 1) + "/" + sc.days());
                if (next == sent.size() && applied.size() == sc.events().size()) {
                    // Nothing left to send or apply: on to the outcomes (a campaign's day need
                    // not run to its end before its last message can be final).
                    hour++;
                    break;
                }
            }
            // The traffic is out; wait for the last retries (72 simulated hours) and some slack.
            long deadline =
                    System.nanoTime()
                            + (settings.outcomeWait() != null
                                    ? settings.outcomeWait().toNanos()
                                    : hourNanos * 96 + Duration.ofMinutes(2).toNanos());
            int h = hour;
            while (!log.complete() && System.nanoTime() < deadline) {
                log.poll(Duration.ofMillis(200));
                if (System.nanoTime() >= start + h * hourNanos) {
                    sample(sc, internet, h++, standings);
                }
                progress.accept(log.finals.size(), "waiting for outcomes");
            }
            // Decisions and feedback that trail the last outcome.
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                log.poll(Duration.ofMillis(200));
            }
            return result(
                    sc,
                    internet,
                    log,
                    sent,
                    standings,
                    withdrawals,
                    simStart,
                    realStart,
                    began,
                    submitted);
        }
    }

    /** Every message of the run, hour by hour, each tenant's day spread evenly. */
    static List<Sent> plan(Scenario sc, SimulatedInternet internet) {
        List<Sent> out = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(sc.name().hashCode());
        Map<String, Integer> counters = new HashMap<>();
        for (int h = 0; h < sc.days() * 24; h++) {
            for (Scenario.Traffic t : sc.traffic()) {
                int inHour = t.inHour(h / 24, h % 24);
                for (int k = 0; k < inHour; k++) {
                    int i = counters.merge(t.tenant(), 1, Integer::sum);
                    String domain = t.domains().get(i % t.domains().size());
                    double roll = random.nextDouble();
                    String local = t.tenant() + "-" + i;
                    String recipient;
                    if (roll < t.unknown()) {
                        recipient = "unknown-" + local + "@" + domain;
                    } else if (roll < t.unknown() + t.complaining()) {
                        recipient = "complain-" + local + "@" + domain;
                    } else {
                        // A clean list: addresses the provider has (a list cleaned of old bounces).
                        recipient = local + "@" + domain;
                        for (int n = 1; !internet.mailboxExists(recipient); n++) {
                            recipient = local + "x" + n + "@" + domain;
                        }
                    }
                    out.add(
                            new Sent(
                                    sc.name() + "-" + t.tenant() + "-" + i,
                                    t.tenant(),
                                    recipient,
                                    t.marketing(),
                                    h));
                }
            }
        }
        return out;
    }

    private static SendRequest request(Sent m, Instant now) {
        return SendRequest.newBuilder()
                .setMessageId(m.id())
                .setTenant(m.tenant())
                .setCampaign("simulate")
                .setPriority(m.marketing() ? Priority.MARKETING : Priority.TRANSACTIONAL)
                .setFromAddress("news@" + m.tenant() + ".example")
                .setFromName(m.tenant())
                .setRecipient(m.recipient())
                .setSubject("News from " + m.tenant())
                .setTextBody("This week's news from " + m.tenant() + ".")
                .setUnsubscribeUrl(
                        m.marketing() ? "https://" + m.tenant() + ".example/unsubscribe" : null)
                .setSubmittedAt(Instant.now())
                .build();
    }

    /** A DKIM selector the run withdrew, and when (real time) the decision was published. */
    record Withdrawal(String domain, String selector, Instant at) {}

    private static void apply(
            Scenario.Event e, LocalStack stack, Path home, List<Withdrawal> withdrawals)
            throws Exception {
        if (e.action().equals("rotate-dkim")) {
            rotate(e.domain(), stack, home, withdrawals);
            return;
        }
        MailboxServer server = stack.internet().server(e.provider());
        if (e.action().equals("unblock-ip")) {
            server.unblock(e.ip());
            return;
        }
        String reply =
                e.reply() != null
                        ? e.reply()
                        : server.policy()
                                .map(p -> p.profile().reply(ReplyKind.BLOCKED))
                                .map(r -> r.code() + " " + r.render("{ip}", "", ""))
                                .orElse(
                                        "550 5.7.1 Service unavailable; client host [{ip}] blocked");
        server.block(e.ip(), reply);
    }

    /**
     * A compromised key, handled as an operator would: a new RSA key under a new selector,
     * published in DNS, activated; the old selector withdrawn. Both are DKIM_KEY decisions on the
     * control topic, as {@code ./sluice dkim activate|withdraw} writes them.
     */
    private static void rotate(
            String domain, LocalStack stack, Path home, List<Withdrawal> withdrawals)
            throws Exception {
        String selector = LocalDkimKeys.RSA_SELECTOR + "-" + (withdrawals.size() + 2);
        Path pem =
                LocalDkimKeys.provision(
                        home.resolve("dkim-rotated"),
                        domain,
                        selector,
                        "RSA",
                        stack.internet().dns());
        try (ControlTopic topic = new ControlTopic(stack.bootstrapServers(), Topics.CONTROL)) {
            topic.publish(dkim(domain, selector, DkimKeyAction.ACTIVATE, pem.toString()));
            topic.publish(dkim(domain, LocalDkimKeys.RSA_SELECTOR, DkimKeyAction.WITHDRAW, null));
        }
        withdrawals.add(new Withdrawal(domain, LocalDkimKeys.RSA_SELECTOR, Instant.now()));
    }

    private static ControlEvent dkim(
            String domain, String selector, DkimKeyAction action, String keyRef) {
        Instant now = Instant.now();
        return ControlEvent.newBuilder()
                .setControlId(
                        "simulate:DKIM_KEY:" + domain + "/" + selector + ":" + now.toEpochMilli())
                .setType(ControlType.DKIM_KEY)
                .setIssuedAt(now)
                .setIssuedBy("operator:simulate")
                .setReason(
                        action == DkimKeyAction.WITHDRAW
                                ? "key compromised: withdrawn"
                                : "key compromised: rotated to " + selector)
                .setDkim(
                        DkimKeyChange.newBuilder()
                                .setDomain(domain)
                                .setSelector(selector)
                                .setAlgorithm(action == DkimKeyAction.WITHDRAW ? "" : "rsa-sha256")
                                .setAction(action)
                                .setKeyRef(keyRef)
                                .build())
                .build();
    }

    private static void sample(
            Scenario sc, SimulatedInternet internet, int hour, List<Standing> out) {
        for (MailboxServer server : internet.servers()) {
            server.policy()
                    .ifPresent(
                            p -> {
                                for (String ip : sendingIps(sc)) {
                                    out.add(
                                            new Standing(
                                                    hour,
                                                    server.groundTruth().stats().provider(),
                                                    ip,
                                                    p.ipStanding(ip).score()));
                                }
                            });
        }
    }

    /** The run's sending IPs: the scenario's ({@code sending-ips}), else the local stack's. */
    static List<String> sendingIps(Scenario sc) {
        List<String> ips = new ArrayList<>();
        String set = sc.options().get(DeliveryOptions.SENDING_IPS.key());
        for (String entry : set != null ? List.of(set.split(";")) : LocalStack.SENDING_IPS) {
            ips.add(entry.split("/")[1]);
        }
        return ips;
    }

    private static Run result(
            Scenario sc,
            SimulatedInternet internet,
            EventLog log,
            List<Sent> sent,
            List<Standing> standings,
            List<Withdrawal> withdrawals,
            Instant simStart,
            Instant realStart,
            Instant began,
            Map<String, Instant> submitted) {
        List<Delivery> deliveries = new ArrayList<>();
        List<Refusal> refusals = new ArrayList<>();
        List<Feedback> feedback = new ArrayList<>();
        long duplicates = 0;
        for (MailboxServer server : internet.servers()) {
            deliveries.addAll(server.groundTruth().deliveries());
            refusals.addAll(server.groundTruth().refusals());
            feedback.addAll(server.groundTruth().feedback());
            duplicates += server.groundTruth().stats().duplicates();
        }
        Map<String, Delivery> accepted = new HashMap<>();
        deliveries.forEach(d -> accepted.putIfAbsent(d.recipient().toLowerCase(Locale.ROOT), d));
        Set<String> bounced = new HashSet<>();
        for (Refusal r : refusals) {
            if (r.reason().equals(ReplyKind.UNKNOWN_USER.key())
                    || r.reason().equals(ReplyKind.DISABLED.key())) {
                bounced.add(r.recipient().toLowerCase(Locale.ROOT));
            }
        }
        Set<String> complained = new HashSet<>();
        for (Feedback f : feedback) {
            String rcpt = f.delivery().recipient().toLowerCase(Locale.ROOT);
            if (f.kind() == Feedback.Kind.LATE_BOUNCE) {
                bounced.add(rcpt);
            } else if (f.kind() == Feedback.Kind.COMPLAINT) {
                complained.add(rcpt);
            }
        }
        Set<String> quarantined = new HashSet<>();
        for (ControlEvent c : log.controls) {
            if (c.getType() == ControlType.TENANT_STATUS
                    && (c.getTenantStatus() == TenantStatus.QUARANTINED
                            || c.getTenantStatus() == TenantStatus.PAUSED)) {
                quarantined.add(c.getTenant());
            }
        }
        Instant last = realStart;
        for (DeliveryEvent e : log.finals.values()) {
            if (e.getOccurredAt().isAfter(last)) {
                last = e.getOccurredAt();
            }
        }
        double days =
                Math.ceil(
                                Duration.between(realStart, last).toMillis()
                                        * sc.timeScale()
                                        / 86_400_000.0
                                        * 10)
                        / 10;

        List<QuotaDay> quotaDays =
                quotaDays(sc, deliveries, log.controls, log.events, simStart, realStart);
        Map<String, List<Sent>> byTenant = new TreeMap<>();
        sent.forEach(m -> byTenant.computeIfAbsent(m.tenant(), k -> new ArrayList<>()).add(m));
        Map<String, Figures> tenantFigures = new LinkedHashMap<>();
        byTenant.forEach(
                (tenant, msgs) ->
                        tenantFigures.put(
                                tenant,
                                figures(
                                        msgs,
                                        accepted,
                                        bounced,
                                        complained,
                                        refusals.stream()
                                                .filter(r -> r.reason().equals("blocked"))
                                                .filter(
                                                        r ->
                                                                r.mailFrom()
                                                                        .contains(
                                                                                tenant
                                                                                        + ".example"))
                                                .count(),
                                        0,
                                        log,
                                        quarantined.contains(tenant) ? 1 : 0,
                                        0,
                                        0,
                                        days)));
        Figures all =
                figures(
                        sent,
                        accepted,
                        bounced,
                        complained,
                        refusals.stream().filter(r -> r.reason().equals("blocked")).count(),
                        duplicates,
                        log,
                        quarantined.size(),
                        quotaDays.stream().filter(QuotaDay::over).count(),
                        withdrawnSigned(sc, deliveries, withdrawals, simStart, realStart),
                        days);
        List<String> unmet = new ArrayList<>();
        for (Scenario.Expectation x : sc.expectations()) {
            Figures f = x.tenant() == null ? all : tenantFigures.get(x.tenant());
            if (f == null) {
                unmet.add(x.text() + " (no traffic for " + x.tenant() + ")");
                continue;
            }
            double v = f.metric(x.metric());
            if (!x.holds(v)) {
                String detail = "";
                if (x.metric().equals("over-quota")) {
                    detail =
                            ": "
                                    + quotaDays.stream()
                                            .filter(QuotaDay::over)
                                            .map(
                                                    q ->
                                                            q.ip()
                                                                    + " at "
                                                                    + q.site()
                                                                    + " day "
                                                                    + q.day()
                                                                    + " accepted "
                                                                    + q.accepted()
                                                                    + " of "
                                                                    + q.quota())
                                            .toList();
                }
                unmet.add(
                        x.text() + " (was " + String.format(Locale.ROOT, "%.2f", v) + detail + ")");
            }
        }
        if (log.duplicateFinals > 0) {
            unmet.add("one final event per message (" + log.duplicateFinals + " second finals)");
        }
        return new Run(
                sc,
                all,
                tenantFigures,
                unmet,
                Duration.between(began, Instant.now()),
                sent,
                deliveries,
                refusals,
                feedback,
                log.events,
                log.controls,
                standings,
                quotaDays,
                simStart,
                realStart,
                Map.copyOf(submitted));
    }

    /**
     * Each warming IP's accepted mail per site and quota day, from the providers' ground truth,
     * against the warm-up quota the reputation job gave it (the site's own, else the IP-wide one;
     * the largest in force that day). Days are Sluice's: epoch-aligned, {@code sluice.time-scale}
     * long; a delivery counts on the day its attempt began.
     */
    static List<QuotaDay> quotaDays(
            Scenario sc,
            List<Delivery> deliveries,
            List<ControlEvent> controls,
            List<DeliveryEvent> events,
            Instant simStart,
            Instant realStart) {
        long dayMillis = new io.sluice.delivery.TimeScale(sc.timeScale()).day().toMillis();
        Map<String, String> siteOf = new HashMap<>();
        for (DeliveryEvent e : events) {
            if (e.getSite() != null) {
                siteOf.putIfAbsent(domainOf(e.getRecipient()), e.getSite());
            }
        }
        // When each accepted message's attempt began: the quota counts releases, and under time
        // compression an attempt that waited 25 s for a connection slot lands 10 simulated hours
        // later, often on the next day. From Sluice's DELIVERED event (its end minus its
        // latency); the acceptance time when there is none.
        Map<String, Long> attemptStart = new HashMap<>();
        for (DeliveryEvent e : events) {
            if (e.getType() == DeliveryEventType.DELIVERED && e.getAttempt() != null) {
                attemptStart.put(
                        e.getRecipient().toString().toLowerCase(Locale.ROOT),
                        e.getOccurredAt().toEpochMilli() - e.getAttempt().getLatencyMs());
            }
        }
        Map<String, Long> accepted = new TreeMap<>();
        for (Delivery d : deliveries) {
            String site = siteOf.get(domainOf(d.recipient()));
            if (site == null) {
                continue;
            }
            Long start = attemptStart.get(d.recipient().toLowerCase(Locale.ROOT));
            long real =
                    start != null
                            ? start
                            : realStart.toEpochMilli()
                                    + Math.round(
                                            Duration.between(simStart, d.at()).toMillis()
                                                    / sc.timeScale());
            accepted.merge(d.clientIp() + "|" + site + "|" + real / dayMillis, 1L, Long::sum);
        }
        List<QuotaDay> out = new ArrayList<>();
        String[] previous = {""};
        long[] carry = new long[3]; // unused yesterday, accepted so far, allowed so far
        accepted.forEach(
                (key, n) -> {
                    String[] k = key.split("\\|");
                    long day = Long.parseLong(k[2]);
                    long quota = quotaInForce(controls, k[0], k[1], day, dayMillis);
                    if (quota < 0) {
                        return; // a warm IP: no quota that day
                    }
                    if (!previous[0].equals(k[0] + "|" + k[1])) {
                        previous[0] = k[0] + "|" + k[1];
                        java.util.Arrays.fill(carry, 0);
                    }
                    carry[1] += n;
                    carry[2] += quota;
                    boolean over = n > quota + carry[0] || carry[1] > carry[2];
                    carry[0] = Math.max(0, quota - n);
                    out.add(new QuotaDay(k[0], k[1], day, quota, n, over));
                });
        return out;
    }

    private static long quotaInForce(
            List<ControlEvent> controls, String ip, String site, long day, long dayMillis) {
        long from = day * dayMillis;
        long to = from + dayMillis;
        long siteQuota = -1;
        long ipQuota = -1;
        for (ControlEvent c : controls) {
            if (c.getType() != ControlType.WARMUP_QUOTA
                    || c.getQuotaPerDay() == null
                    || !ip.equals(String.valueOf(c.getSendingIp()))
                    || c.getIssuedAt().toEpochMilli() >= to
                    || (c.getExpiresAt() != null && c.getExpiresAt().toEpochMilli() <= from)) {
                continue;
            }
            if (c.getSite() == null) {
                ipQuota = Math.max(ipQuota, c.getQuotaPerDay());
            } else if (site.equals(String.valueOf(c.getSite()))) {
                siteQuota = Math.max(siteQuota, c.getQuotaPerDay());
            }
        }
        return siteQuota >= 0 ? siteQuota : ipQuota;
    }

    private static String domainOf(CharSequence address) {
        String a = address.toString();
        return a.substring(a.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private static Figures figures(
            List<Sent> msgs,
            Map<String, Delivery> accepted,
            Set<String> bounced,
            Set<String> complained,
            long blocks,
            long duplicates,
            EventLog log,
            long quarantined,
            long overQuota,
            long withdrawnSigned,
            double days) {
        long delivered = 0;
        long inboxed = 0;
        long bounces = 0;
        long complaints = 0;
        long lost = 0;
        for (Sent m : msgs) {
            String rcpt = m.recipient().toLowerCase(Locale.ROOT);
            Delivery d = accepted.get(rcpt);
            DeliveryEvent fin = log.finals.get(m.id());
            if (d != null) {
                delivered++;
                if (d.folder() == io.sluice.sim.policy.Folder.INBOX) {
                    inboxed++;
                }
            }
            if (bounced.contains(rcpt)) {
                bounces++;
            }
            if (complained.contains(rcpt)) {
                complaints++;
            }
            if (fin == null || (fin.getType() == DeliveryEventType.DELIVERED && d == null)) {
                lost++;
            }
        }
        return new Figures(
                msgs.size(),
                delivered,
                inboxed,
                bounces,
                complaints,
                blocks,
                duplicates,
                lost,
                quarantined,
                overQuota,
                withdrawnSigned,
                days);
    }

    /**
     * Messages the providers accepted more than 10 real seconds after a withdrawal was published
     * (the delivery job reads the control topic within a poll, and attempts already released keep
     * their keys) whose DKIM result still names the withdrawn selector of that domain.
     */
    static long withdrawnSigned(
            Scenario sc,
            List<Delivery> deliveries,
            List<Withdrawal> withdrawals,
            Instant simStart,
            Instant realStart) {
        long n = 0;
        for (Withdrawal w : withdrawals) {
            Instant after =
                    simStart.plusMillis(
                            Math.round(
                                    (Duration.between(realStart, w.at()).toMillis() + 10_000)
                                            * sc.timeScale()));
            for (Delivery d : deliveries) {
                String auth = d.authentication();
                if (d.at().isAfter(after)
                        && auth.contains("header.d=" + w.domain())
                        && java.util.Arrays.asList(
                                        auth.replaceFirst("(?s).*header\\.s=([^ ;]*).*", "$1")
                                                .split(","))
                                .contains(w.selector())) {
                    n++;
                }
            }
        }
        return n;
    }
}
