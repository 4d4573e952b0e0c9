package io.sluice.it;

import static io.sluice.it.ReputationScenarios.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.kafka.Topics;
import io.sluice.it.ReputationScenarios.Decided;
import io.sluice.local.LocalStack;
import io.sluice.reputation.ReputationOptions;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.ControlType;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.SendRequest;
import io.sluice.sim.smtp.ReceivedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9: a new IP's daily volume follows the warm-up plan at each simulated provider and never
 * trips a block, with days of 10 s (sluice.reputation.day, which the delivery job's quota counting
 * follows too) and a short plan of 4, 8, 12, 16, 20, 24 a day.
 *
 * <p>The new IP, 127.0.0.14, is one of the shared pool's five; it warms at Google, Yahoo and
 * Microsoft by its own plan each, and at the small ISP (no plan of its own) by the IP-wide one.
 * Mail keeps coming at every provider, more than the quota a day, so that the cold IP sends its
 * quota first and the warm IPs carry the rest.
 *
 * <p>The providers are the local stack's permissive ones: they do not limit rates or keep a
 * reputation, so "never trips a block" is checked as every attempt from the new IP delivered, no
 * block decision about it and no step back of its plan; an enforcing provider is not part of this
 * test.
 */
class WarmupITCase {

    private static final String NEW_IP = "127.0.0.14";
    private static final Duration DAY = Duration.ofSeconds(10);
    private static final List<Long> PLAN = List.of(4L, 8L, 12L, 16L, 20L, 24L);

    /** Provider, its domain, and the warm-up site whose quota applies there ("*": IP-wide). */
    private static final List<String[]> PROVIDERS =
            List.of(
                    new String[] {"gmail-like", "gmail.com", "google"},
                    new String[] {"yahoo-like", "yahoo.com", "yahoo"},
                    new String[] {"outlook-like", "outlook.com", "microsoft"},
                    new String[] {"small-isp", "smallisp.example", "*"});

    /** How long mail keeps coming: three of the plan's days. */
    private static final Duration TRAFFIC = DAY.multipliedBy(3).plusSeconds(2);

    @TempDir static Path home;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + 29) % 20_000);
        Path plan = home.resolve("test-warmup.plan");
        Files.createDirectories(home);
        Files.writeString(
                plan, String.join("\n", PLAN.stream().map(String::valueOf).toList()) + "\n");
        List<String> ips = new ArrayList<>(LocalStack.SENDING_IPS);
        ips.add("shared/" + NEW_IP + "/mta14.sluice.test");
        stack =
                LocalStack.start(
                        new LocalStack.Settings(home, 0, 0, smtpPort, 49, 2, true)
                                .with(DeliveryOptions.SENDING_IPS.key(), String.join(";", ips))
                                .with(ReputationOptions.NEW_IPS.key(), NEW_IP)
                                .with(ReputationOptions.WARMUP_PLAN_FILE.key(), plan.toString())
                                .with(ReputationOptions.DAY.key(), DAY.toSeconds() + " s"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aNewIpsDailyVolumeFollowsThePlanAtEveryProvider() throws Exception {
        // The new IP's first quotas are on the control topic and the delivery job has read them
        // before any mail comes: until then it would treat the IP as warm.
        ReputationScenarios.controlUntil(
                stack,
                ds ->
                        ds.stream()
                                        .filter(ReputationScenarios::byJob)
                                        .filter(
                                                d ->
                                                        d.event().getType()
                                                                == ControlType.WARMUP_QUOTA)
                                        .count()
                                >= 4,
                Duration.ofSeconds(60));
        ConsumerGroups.awaitCommitted(stack.bootstrapServers(), "sluice-delivery", Topics.CONTROL);

        Instant from = Instant.now();
        Map<String, DeliveryEvent> finals = new LinkedHashMap<>();
        int wave = 0;
        while (Duration.between(from, Instant.now()).compareTo(TRAFFIC) < 0) {
            List<SendRequest> requests = new ArrayList<>();
            for (String[] p : PROVIDERS) {
                for (int i = 0; i < 12; i++) {
                    String id = "w" + wave + "-" + p[0] + "-" + i;
                    requests.add(request(id, "acme", "reader-" + id + "@" + p[1]));
                }
            }
            wave++;
            ReputationScenarios.send(stack, requests);
            // Each wave delivered before the next: the mail comes at the pace the stack keeps.
            finals.putAll(
                    ReputationScenarios.finals(
                            stack,
                            requests.stream().map(SendRequest::getMessageId).toList(),
                            Duration.ofSeconds(60)));
        }
        Instant until = Instant.now();

        List<Decided> decided = ReputationScenarios.control(stack);
        List<ControlEvent> quotas =
                decided.stream()
                        .filter(ReputationScenarios::byJob)
                        .map(Decided::event)
                        .filter(e -> e.getType() == ControlType.WARMUP_QUOTA)
                        .filter(e -> NEW_IP.equals(e.getSendingIp()))
                        .toList();

        for (String[] p : PROVIDERS) {
            String provider = p[0];
            String site = p[2];
            List<ControlEvent> steps =
                    quotas.stream()
                            .filter(
                                    e ->
                                            site.equals("*")
                                                    ? e.getSite() == null
                                                    : site.equals(e.getSite()))
                            .toList();
            List<ReceivedMessage> fromNewIp =
                    stack.internet().server(provider).received().stream()
                            .filter(m -> m.clientAddress().getHostAddress().equals(NEW_IP))
                            .toList();
            // Per quota day (the delivery job's: epoch / 10 s), the messages the provider took
            // from the new IP, and what the plan allowed over that day.
            TreeMap<Long, Long> perDay = new TreeMap<>();
            for (ReceivedMessage m : fromNewIp) {
                perDay.merge(m.receivedAt().toEpochMilli() / DAY.toMillis(), 1L, Long::sum);
            }
            long firstDay = from.toEpochMilli() / DAY.toMillis();
            long lastDay = until.toEpochMilli() / DAY.toMillis();
            StringBuilder line = new StringBuilder();
            long received = 0;
            long allowed = 0;
            for (long d = firstDay; d <= lastDay; d++) {
                long quota = quotaDuring(steps, d);
                long n = perDay.getOrDefault(d, 0L);
                received += n;
                allowed = quota < 0 || allowed < 0 ? -1 : allowed + quota;
                line.append(n).append('/').append(quota < 0 ? "warm" : quota).append(' ');
                // Received after released, so by the end of each day at most what every day
                // up to it allowed has arrived (a message released late in a day may arrive the
                // next).
                if (allowed >= 0) {
                    assertThat(received)
                            .as(provider + ": from the new IP up to day " + (d - firstDay))
                            .isLessThanOrEqualTo(allowed);
                }
            }
            System.out.println(
                    "reputation: warm-up at "
                            + provider
                            + " (site "
                            + site
                            + "): received/quota per 10-s day: "
                            + line.toString().strip()
                            + "; steps "
                            + steps.stream().map(ControlEvent::getQuotaPerDay).toList()
                            + " at +"
                            + intervals(steps)
                            + " s");

            // The plan's quotas in order, one step a day, never back.
            List<Long> expected = PLAN.subList(0, Math.min(PLAN.size(), steps.size()));
            assertThat(steps.stream().map(ControlEvent::getQuotaPerDay).limit(PLAN.size()))
                    .containsExactlyElementsOf(expected);
            assertThat(steps.size()).as(provider + ": steps in the run").isGreaterThanOrEqualTo(3);
            for (int i = 1; i < steps.size(); i++) {
                assertThat(
                                Duration.between(
                                        steps.get(i - 1).getIssuedAt(), steps.get(i).getIssuedAt()))
                        .as(provider + ": a step lasts a day")
                        .isGreaterThanOrEqualTo(DAY);
            }
            assertThat(fromNewIp).as(provider + ": the new IP sent there").isNotEmpty();
        }

        // Never a block: every attempt from the new IP delivered, no block decision about it.
        List<DeliveryEvent> fromNew =
                finals.values().stream()
                        .filter(e -> e.getAttempt() != null)
                        .filter(e -> NEW_IP.equals(e.getAttempt().getSendingIp()))
                        .toList();
        System.out.println(
                "reputation: warm-up: "
                        + finals.size()
                        + " messages over "
                        + Duration.between(from, until).toSeconds()
                        + " s, "
                        + fromNew.size()
                        + " from the new IP");
        assertThat(fromNew).isNotEmpty();
        assertThat(fromNew)
                .extracting(DeliveryEvent::getType)
                .containsOnly(DeliveryEventType.DELIVERED);
        assertThat(finals.values())
                .extracting(DeliveryEvent::getType)
                .containsOnly(DeliveryEventType.DELIVERED);
        assertThat(decided)
                .filteredOn(ReputationScenarios::byJob)
                .noneMatch(d -> d.event().getType() == ControlType.IP_STATUS);
    }

    /**
     * The largest quota in force during quota day {@code day} (the plan rises, so the last one
     * issued before it ends); -1 once the plan is finished (warm: no quota).
     */
    private static long quotaDuring(List<ControlEvent> steps, long day) {
        long end = (day + 1) * DAY.toMillis();
        ControlEvent last = null;
        for (ControlEvent e : steps) {
            if (e.getIssuedAt().toEpochMilli() < end) {
                last = e;
            }
        }
        if (last == null) {
            throw new AssertionError("no warm-up quota before day " + day);
        }
        boolean finished =
                last.getExpiresAt() != null && !last.getExpiresAt().isAfter(last.getIssuedAt());
        return finished ? -1 : last.getQuotaPerDay();
    }

    private static List<Long> intervals(List<ControlEvent> steps) {
        List<Long> out = new ArrayList<>();
        for (ControlEvent e : steps) {
            out.add(
                    Duration.between(steps.get(0).getIssuedAt(), e.getIssuedAt()).toMillis()
                            / 1000);
        }
        return out;
    }
}
