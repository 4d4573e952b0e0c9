package io.sluice.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.sim.profile.ReplyKind;
import io.sluice.sim.truth.Delivery;
import io.sluice.sim.truth.Refusal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6, through the real jobs against the Gmail-like provider: the shipped {@code campaign}
 * scenario (20,000 marketing messages from two IPs new to Gmail, time-scaled 150x) ends with every
 * message in a final state, no block, at most 2% of attempts answered with a throttle once the
 * first simulated hour of adaptation is over, and a transactional message sent mid-campaign
 * delivered within 2 seconds; {@code campaign-unshaped}, the same traffic with shaping switched
 * off, is throttled and blocked.
 *
 * <p>Every figure is the provider's ground truth (what it accepted and refused, when), not Sluice's
 * counters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CampaignShapingITCase {

    /** Replies that tell a sender to slow down (the profile's rate and connection replies). */
    static final Set<String> THROTTLES =
            Set.of(
                    ReplyKind.RATE_LIMITED.key(),
                    ReplyKind.THROTTLED.key(),
                    ReplyKind.TOO_MANY_CONNECTIONS.key(),
                    ReplyKind.TOO_MANY_MESSAGES.key());

    /** The adaptation the issue allows before it counts throttles: the first simulated hour. */
    static final double ADAPTATION_HOURS = 1.0;

    @TempDir Path home;

    private Shares shaped;

    /** One run's attempts at the provider, split at the end of the adaptation. */
    record Shares(long attempts, long throttled, long attemptsAfter, long throttledAfter) {

        double throttledAfterPercent() {
            return attemptsAfter == 0 ? 0 : 100.0 * throttledAfter / attemptsAfter;
        }

        String line(String name) {
            return String.format(
                    Locale.ROOT,
                    "%s: attempts=%d throttled=%d (%.2f%%), after the first simulated hour:"
                            + " attempts=%d throttled=%d (%.2f%%)",
                    name,
                    attempts,
                    throttled,
                    attempts == 0 ? 0 : 100.0 * throttled / attempts,
                    attemptsAfter,
                    throttledAfter,
                    throttledAfterPercent());
        }
    }

    SimulationRunner.Run run(String name, int subnet, int offset, Duration outcomeWait)
            throws Exception {
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + offset) % 20_000);
        Scenario sc = Scenario.load(name);
        SimulationRunner.Run run =
                SimulationRunner.run(
                        sc,
                        new SimulationRunner.Settings(
                                home.resolve(name), subnet, smtpPort, 2, outcomeWait),
                        (done, label) -> {});
        System.out.println(run.all().line(name) + " took=" + run.took().toSeconds() + "s");
        hourly(run).forEach(line -> System.out.println(name + " " + line));
        return run;
    }

    static Shares shares(SimulationRunner.Run run) {
        long attempts = 0;
        long throttled = 0;
        long attemptsAfter = 0;
        long throttledAfter = 0;
        for (Delivery d : run.deliveries()) {
            attempts++;
            if (run.simHours(d.at()) >= ADAPTATION_HOURS) {
                attemptsAfter++;
            }
        }
        for (Refusal r : run.refusals()) {
            boolean throttle = THROTTLES.contains(r.reason());
            boolean after = run.simHours(r.at()) >= ADAPTATION_HOURS;
            attempts++;
            throttled += throttle ? 1 : 0;
            attemptsAfter += after ? 1 : 0;
            throttledAfter += throttle && after ? 1 : 0;
        }
        return new Shares(attempts, throttled, attemptsAfter, throttledAfter);
    }

    /** A run's summary, its attempts and the provider's answers per simulated hour. */
    static String story(String name, SimulationRunner.Run run, Shares shares) {
        return run.all().line(name)
                + "\n"
                + shares.line(name)
                + "\n"
                + String.join("\n", hourly(run));
    }

    /** The provider's answers per simulated hour, for the log: what the pace looked like. */
    static List<String> hourly(SimulationRunner.Run run) {
        TreeMap<Integer, long[]> hours = new TreeMap<>();
        for (Delivery d : run.deliveries()) {
            hours.computeIfAbsent((int) run.simHours(d.at()), h -> new long[3])[0]++;
        }
        for (Refusal r : run.refusals()) {
            long[] h = hours.computeIfAbsent((int) run.simHours(r.at()), k -> new long[3]);
            h[r.reason().equals("blocked") ? 2 : THROTTLES.contains(r.reason()) ? 1 : 0]++;
        }
        List<String> out = new ArrayList<>();
        hours.forEach(
                (h, n) ->
                        out.add(
                                "hour "
                                        + h
                                        + ": accepted or refused otherwise="
                                        + n[0]
                                        + " throttled="
                                        + n[1]
                                        + " blocked="
                                        + n[2]));
        return out;
    }

    /** Real time of a simulated instant of the run (the providers' clock runs at the scale). */
    static Instant real(SimulationRunner.Run run, Instant simulated) {
        long millis =
                Math.round(run.simHours(simulated) * 3_600_000.0 / run.scenario().timeScale());
        return run.realStart().plusMillis(millis);
    }

    @Test
    @Order(1)
    void shapingFindsThePaceOfTwoNewIpsAtGmailWithoutABlock() throws Exception {
        SimulationRunner.Run run = run("campaign", 74, 63, null);
        shaped = shares(run);
        System.out.println(shaped.line("campaign"));

        // What the provider saw hour by hour, in every failure's message (CI keeps little else).
        String story = story("campaign", run, shaped);

        // Every message has its one final event and the provider's count agrees.
        assertThat(run.all().messages()).as(story).isEqualTo(20_001);
        assertThat(run.all().lost()).as(story).isZero();
        assertThat(run.all().duplicates()).as(story).isZero();
        assertThat(run.all().deliveredPercent()).as(story).isGreaterThanOrEqualTo(99);
        assertThat(run.all().blocks()).as(story).isZero();
        assertThat(shaped.throttledAfterPercent()).as(story).isLessThanOrEqualTo(2.0);

        // The transactional message, sent while the campaign's queue was long, did not wait
        // behind it.
        SimulationRunner.Sent tx =
                run.sent().stream().filter(m -> !m.marketing()).findFirst().orElseThrow();
        DeliveryEvent delivered =
                run.events().stream()
                        .filter(e -> e.getMessageId().equals(tx.id()))
                        .filter(e -> e.getType() == DeliveryEventType.DELIVERED)
                        .findFirst()
                        .orElseThrow();
        Duration latency =
                Duration.between(run.submitted().get(tx.id()), delivered.getOccurredAt());
        long queuedMarketing =
                run.sent().stream().filter(SimulationRunner.Sent::marketing).count()
                        - run.deliveries().stream()
                                .filter(d -> !real(run, d.at()).isAfter(delivered.getOccurredAt()))
                                .count();
        Instant accepted =
                run.events().stream()
                        .filter(e -> e.getMessageId().equals(tx.id()))
                        .filter(e -> e.getType() == DeliveryEventType.ACCEPTED)
                        .map(DeliveryEvent::getOccurredAt)
                        .findFirst()
                        .orElseThrow();
        run.events().stream()
                .filter(e -> e.getMessageId().equals(tx.id()))
                .forEach(
                        e ->
                                System.out.println(
                                        "campaign: transactional "
                                                + e.getType()
                                                + " +"
                                                + Duration.between(
                                                                run.submitted().get(tx.id()),
                                                                e.getOccurredAt())
                                                        .toMillis()
                                                + " ms"));
        System.out.println(
                "campaign: the transactional message was delivered "
                        + latency.toMillis()
                        + " ms after it was submitted (accepted by the job after "
                        + Duration.between(run.submitted().get(tx.id()), accepted).toMillis()
                        + " ms), with "
                        + queuedMarketing
                        + " marketing messages still undelivered");
        assertThat(queuedMarketing).as("the campaign was still queued").isGreaterThan(1_000);
        assertThat(latency).isLessThanOrEqualTo(Duration.ofSeconds(2));

        reaction(run).forEach(System.out::println);
    }

    @Test
    @Order(2)
    void withoutShapingTheSameCampaignIsThrottledAndBlocked() throws Exception {
        // Only what the provider saw matters here: no need to wait for the last retries.
        SimulationRunner.Run run = run("campaign-unshaped", 75, 64, Duration.ofSeconds(120));
        Shares unshaped = shares(run);
        System.out.println(unshaped.line("campaign-unshaped"));
        if (shaped != null) {
            System.out.println(shaped.line("campaign (shaped)"));
        }
        // Throttled first, then blocked: once the provider blocks an IP its refusals are blocks,
        // so the throttles are few (fewer than the shaped run's, which is never blocked) but the
        // refusals are most of the attempts.
        String story = story("campaign-unshaped", run, unshaped);
        Instant firstThrottle =
                run.refusals().stream()
                        .filter(r -> THROTTLES.contains(r.reason()))
                        .map(Refusal::at)
                        .min(Instant::compareTo)
                        .orElseThrow(() -> new AssertionError("never throttled\n" + story));
        Instant firstBlock =
                run.refusals().stream()
                        .filter(r -> r.reason().equals(ReplyKind.BLOCKED.key()))
                        .map(Refusal::at)
                        .min(Instant::compareTo)
                        .orElseThrow(() -> new AssertionError("never blocked\n" + story));
        assertThat(firstThrottle).as(story).isBefore(firstBlock);
        assertThat(run.all().blocks()).as(story).isGreaterThan(unshaped.attempts() / 10);
        assertThat(run.all().duplicates()).as(story).isZero();
    }

    /**
     * Per sending IP, the provider's answers in the real second before and after its first throttle
     * reply, in steps of 100 ms: how fast the pace came down.
     */
    static List<String> reaction(SimulationRunner.Run run) {
        List<String> out = new ArrayList<>();
        TreeMap<String, Instant> first = new TreeMap<>();
        for (Refusal r : run.refusals()) {
            if (THROTTLES.contains(r.reason())) {
                first.merge(r.clientIp(), real(run, r.at()), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        first.forEach(
                (ip, at) -> {
                    long[] attempts = new long[20];
                    long[] throttles = new long[20];
                    for (Delivery d : run.deliveries()) {
                        if (d.clientIp().equals(ip)) {
                            slot(at, real(run, d.at()), attempts);
                        }
                    }
                    for (Refusal r : run.refusals()) {
                        if (r.clientIp().equals(ip)) {
                            slot(at, real(run, r.at()), attempts);
                            if (THROTTLES.contains(r.reason())) {
                                slot(at, real(run, r.at()), throttles);
                            }
                        }
                    }
                    StringBuilder line =
                            new StringBuilder(
                                    "campaign: " + ip + " attempts (throttled) per 100 ms");
                    for (int k = 0; k < 20; k++) {
                        line.append(k == 10 ? " | " : " ")
                                .append(attempts[k])
                                .append('(')
                                .append(throttles[k])
                                .append(')');
                    }
                    out.add(line + "  (| = its first throttle reply)");
                });
        return out;
    }

    private static void slot(Instant origin, Instant at, long[] slots) {
        long k = Math.floorDiv(Duration.between(origin, at).toMillis(), 100) + 10;
        if (k >= 0 && k < slots.length) {
            slots[(int) k]++;
        }
    }
}
