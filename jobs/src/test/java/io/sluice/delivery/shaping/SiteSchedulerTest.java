package io.sluice.delivery.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.classify.BounceAction;
import io.sluice.delivery.intake.Message;
import io.sluice.delivery.intake.Messages;
import io.sluice.delivery.intake.Priority;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.shaping.Feedback.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scheduler's decisions with time driven by hand: no clock, no sleeping, no Flink. */
public class SiteSchedulerTest {

    static final long T0 = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    static final String SITE = "yahoo";
    static final String A = "192.0.2.1";
    static final String B = "192.0.2.2";

    static final String RULES =
            """
            default  rate=10/s decrease=0.5 floor=0.1 decrease-gap=1s recover-step=0.1 recover-every=10s pause=1h dead-after=3 dead-probe=5m dead-probe-max=20m forget=10m
            google   shards=4
            """;

    final List<Release> released = new ArrayList<>();
    final QueueIndex index = new QueueIndex();
    final SitePacing pacing = new SitePacing();
    final HeapQueueStore store = new HeapQueueStore();
    Controls controls = Controls.NONE;
    SiteScheduler scheduler = scheduler(List.of("shared/" + A + "/a.test"), List.of());

    static SiteScheduler scheduler(List<String> ips, List<String> dedicated) {
        return new SiteScheduler(
                ShapingRules.parse("test.rules", RULES),
                ResponseRules.defaults(),
                PoolPolicy.of(ips, dedicated, "shared"));
    }

    public static Delivery delivery(
            String id, String tenant, Priority priority, String pool, int attempt) {
        Message v = Messages.valid(id);
        Message m =
                new Message(
                        id,
                        tenant,
                        v.campaign(),
                        priority,
                        v.fromAddress(),
                        v.fromName(),
                        null,
                        "reader@yahoo.com",
                        null,
                        v.subject(),
                        v.headers(),
                        v.textBody(),
                        null,
                        v.unsubscribeUrl(),
                        pool,
                        v.submittedAt(),
                        v.metadata());
        return new Delivery(m, attempt, null);
    }

    void enqueue(String id, String tenant, Priority p) {
        scheduler.enqueue(index, store, delivery(id, tenant, p, null, 1), controls, T0);
    }

    /** Runs the scheduler at {@code t} as its timer would; returns when it wants to run again. */
    long runAt(long t) {
        return scheduler.release(SITE, 0, index, pacing, store, controls, t, 1000, released::add);
    }

    /** Runs the scheduler at each wake-up until the queue is empty; returns the release times. */
    List<Long> drain(long from) {
        List<Long> times = new ArrayList<>();
        long t = from;
        while (t >= 0) {
            int before = released.size();
            long next = runAt(t);
            for (int i = before; i < released.size(); i++) {
                times.add(t - from);
            }
            t = next;
        }
        return times;
    }

    void feedback(String ip, Kind kind, String reply, BounceAction action, long at) {
        scheduler.feedback(
                pacing,
                0,
                new Feedback(
                        SITE, ip, kind, reply, action, Feedback.retryAfterMillis(reply), at, 0),
                controls,
                at);
    }

    List<String> releasedIds() {
        return released.stream().map(r -> r.delivery().message().messageId()).toList();
    }

    @ParameterizedTest
    @CsvSource({
        // IPs, messages: one IP at 10/s spaces messages 100 ms apart; two IPs share the work
        "1, 4, '0,100,200,300'",
        "2, 4, '0,0,100,100'",
        "2, 6, '0,0,100,100,200,200'",
    })
    void pacingSpacesMessagesAtTheRulesRatePerIp(int ips, int messages, String expected) {
        List<String> pool = new ArrayList<>();
        for (int i = 1; i <= ips; i++) {
            pool.add("shared/192.0.2." + i + "/ip" + i + ".test");
        }
        scheduler = scheduler(pool, List.of());
        for (int i = 0; i < messages; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }

        List<Long> times = drain(T0);

        assertThat(times)
                .containsExactlyElementsOf(
                        java.util.Arrays.stream(expected.split(",")).map(Long::valueOf).toList());
        assertThat(store.entries).isEmpty();
    }

    @Test
    void aShardOfASitePacesAtItsShareOfTheRate() {
        // google: 4 shards, so each shard sends 10/s / 4 = 2.5/s per IP: 400 ms apart.
        for (int i = 0; i < 3; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }
        long t = T0;
        List<Long> times = new ArrayList<>();
        while (t >= 0) {
            int before = released.size();
            long next =
                    scheduler.release(
                            "google", 2, index, pacing, store, controls, t, 10, released::add);
            for (int i = before; i < released.size(); i++) {
                times.add(t - T0);
            }
            t = next;
        }
        assertThat(times).containsExactly(0L, 400L, 800L);
        assertThat(released).extracting(Release::shard).containsOnly(2);
        assertThat(scheduler.effectiveRate("google", A, pacing, controls, T0)).isEqualTo(2.5);
    }

    @Test
    void transactionalMailGoesBeforeMarketingQueuedEarlier() {
        for (int i = 0; i < 5; i++) {
            enqueue("news" + i, "acme", Priority.MARKETING);
        }
        enqueue("reset-password", "globex", Priority.TRANSACTIONAL);
        enqueue("receipt", "acme", Priority.TRANSACTIONAL);

        drain(T0);

        assertThat(releasedIds())
                .startsWith("reset-password", "receipt")
                .containsSubsequence("news0", "news1", "news2", "news3", "news4");
    }

    @Test
    void tenantsTakeTurnsSoABlastDoesNotDelayAFewMessages() {
        for (int i = 0; i < 1000; i++) {
            enqueue("blast" + i, "bigco", Priority.MARKETING);
        }
        enqueue("small0", "smallco", Priority.MARKETING);
        enqueue("small1", "smallco", Priority.MARKETING);
        enqueue("tiny0", "tinyco", Priority.MARKETING);

        List<Long> times = drain(T0);

        assertThat(releasedIds().subList(0, 6))
                .containsExactly("blast0", "small0", "tiny0", "blast1", "small1", "blast2");
        // one IP at 10/s: the small tenants are done within 0.5 s, not after the blast's 100 s
        assertThat(times.get(releasedIds().indexOf("small1"))).isEqualTo(400L);
        assertThat(released).hasSize(1003);
    }

    @ParameterizedTest
    @CsvSource({
        // seconds after the first throttle at which a throttle reply arrives -> factor after it
        "'0',         0.5",
        "'0,0.2,0.9', 0.5", // replies to mail already on the wire: one decrease per gap
        "'0,1',       0.25",
        "'0,1,2',     0.125",
        "'0,1,2,3,4', 0.1", // the floor
    })
    void throttleRepliesCutThePaceMultiplicativelyDownToTheFloor(String at, double factor) {
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        for (String s : at.split(",")) {
            long t = T0 + (long) (Double.parseDouble(s) * 1000);
            feedback(A, Kind.REPLY, "421 4.7.0 try later", BounceAction.THROTTLE, t);
        }
        assertThat(pacing.ip(A).factor()).isEqualTo(factor);
        assertThat(scheduler.effectiveRate(SITE, A, pacing, controls, T0)).isEqualTo(10 * factor);
    }

    @Test
    void theNextMessageAfterAThrottleAlreadyWaitsTheLongerInterval() {
        for (int i = 0; i < 3; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }
        assertThat(runAt(T0)).isEqualTo(T0 + 100);
        feedback(A, Kind.REPLY, "421 4.7.0 rate limited", BounceAction.THROTTLE, T0 + 50);

        assertThat(runAt(T0 + 100)).isEqualTo(T0 + 100 + 200); // 5/s now
    }

    @Test
    void recoveryClimbsOneStepPerPeriodOfSuccessesNotBackToFullAtOnce() {
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        feedback(A, Kind.REPLY, "421 4.7.0 slow down", BounceAction.THROTTLE, T0);
        feedback(A, Kind.REPLY, "421 4.7.0 slow down", BounceAction.THROTTLE, T0 + 1000);
        assertThat(pacing.ip(A).factor()).isEqualTo(0.25);

        // a delivery every second for 60 s: one step of 10% of the pace per 10 s after the last
        // decrease
        List<Double> curve = new ArrayList<>();
        for (int s = 2; s <= 61; s++) {
            feedback(A, Kind.DELIVERED, "250 ok", null, T0 + s * 1000L);
            if (s % 10 == 1) {
                curve.add(Math.round(pacing.ip(A).factor() * 10_000) / 10_000.0);
            }
        }
        assertThat(curve).containsExactly(0.275, 0.3025, 0.3328, 0.366, 0.4026, 0.4429);
    }

    @Test
    void aThrottleBelowTheFloorWhereALimitPutThePaceDoesNotRaiseIt() {
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        feedback(
                A,
                Kind.REPLY,
                "421 4.7.0 Messages from 192.0.2.1 temporarily deferred due to user complaints",
                BounceAction.THROTTLE,
                T0);
        double limited = pacing.ip(A).factor();
        assertThat(limited).isLessThan(0.1); // the test rules' floor

        feedback(A, Kind.REPLY, "421 4.7.0 slow down", BounceAction.THROTTLE, T0 + 5_000);
        assertThat(pacing.ip(A).factor()).isEqualTo(limited);
    }

    @Test
    void aLimitThatStillDrawsTheReplyKeepsFallingOncePerGapDownToTheFloorsShareOfIt() {
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        String reply = "421 4.7.0 Messages from 192.0.2.1 temporarily deferred due to complaints";
        feedback(A, Kind.REPLY, reply, BounceAction.THROTTLE, T0);
        double limited = pacing.ip(A).factor();

        // replies to mail already on the wire, within the decrease gap: one overload
        feedback(A, Kind.REPLY, reply, BounceAction.THROTTLE, T0 + 300);
        assertThat(pacing.ip(A).factor()).isEqualTo(limited);

        // at the limit and still refused: the limit is above what the site allows now
        feedback(A, Kind.REPLY, reply, BounceAction.THROTTLE, T0 + 1_500);
        assertThat(pacing.ip(A).factor())
                .isCloseTo(limited / 2, org.assertj.core.data.Offset.offset(1e-12));
        for (int s = 3; s < 20; s++) {
            feedback(A, Kind.REPLY, reply, BounceAction.THROTTLE, T0 + s * 1_000L);
        }
        assertThat(pacing.ip(A).factor())
                .isCloseTo(limited * 0.1, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aLimitRuleHoldsThePaceDownForItsDurationThenRecoversGradually() {
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        // KumoMTA's default automation: IP reputation -> 1/min for 90 minutes
        feedback(
                A,
                Kind.REPLY,
                "421 4.7.0 Messages from 192.0.2.1 temporarily deferred due to user complaints",
                BounceAction.THROTTLE,
                T0);
        double limited = pacing.ip(A).factor();
        assertThat(scheduler.effectiveRate(SITE, A, pacing, controls, T0))
                .isCloseTo(1 / 60.0, org.assertj.core.data.Offset.offset(1e-9));

        feedback(A, Kind.DELIVERED, "250 ok", null, T0 + 60 * 60_000L);
        assertThat(pacing.ip(A).factor()).isEqualTo(limited); // still held

        // then 10% of the held pace per step, not 10% of the rule's rate (which would be seven
        // times the limit at once)
        feedback(A, Kind.DELIVERED, "250 ok", null, T0 + 91 * 60_000L);
        assertThat(pacing.ip(A).factor())
                .isCloseTo(limited * 1.1, org.assertj.core.data.Offset.offset(1e-12));
    }

    /** {@code n} message ids whose retries stick to {@code ip} in the two-IP shared pool. */
    static List<String> stickingTo(String ip, int n) {
        PoolPolicy pools =
                PoolPolicy.of(
                        List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"),
                        List.of(),
                        "shared");
        List<String> ids = new ArrayList<>();
        for (int i = 0; ids.size() < n; i++) {
            if (pools.sticky("shared", "r" + i).equals(ip)) {
                ids.add("r" + i);
            }
        }
        return ids;
    }

    /**
     * Greylisting keys on the sending IP: a first attempt leaves from the IP its retries will stick
     * to whenever that IP is free, so a greylisted message's retry comes from the IP greylisted.
     */
    @Test
    void aFirstAttemptLeavesFromTheIpItsRetriesStickToWhenThatIpIsFree() {
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of());
        List<String> ids = new ArrayList<>(stickingTo(A, 3));
        ids.addAll(stickingTo(B, 3));
        java.util.Collections.shuffle(ids, new java.util.Random(7));
        long t = T0;
        for (String id : ids) {
            scheduler.enqueue(
                    index, store, delivery(id, "acme", Priority.MARKETING, null, 1), controls, t);
            drain(t);
            t += 1_000; // both IPs free again
        }
        PoolPolicy pools =
                PoolPolicy.of(
                        List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"),
                        List.of(),
                        "shared");
        assertThat(released).hasSize(6);
        assertThat(released)
                .allSatisfy(
                        r ->
                                assertThat(r.sendingIp())
                                        .isEqualTo(
                                                pools.sticky(
                                                        "shared",
                                                        r.delivery().message().messageId())));
    }

    @Test
    void aFirstAttemptWhoseOwnIpIsBusyLeavesAtOnceFromAnother() {
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of());
        List<String> onA = stickingTo(A, 2);
        for (String id : onA) {
            enqueue(id, "acme", Priority.MARKETING);
        }

        List<Long> times = drain(T0);

        // The second's own IP has just sent: it takes the other IP now rather than wait 100 ms.
        assertThat(released).extracting(Release::sendingIp).containsExactly(A, B);
        assertThat(times).containsExactly(0L, 0L);
    }

    @Test
    void aRetryWaitsForItsOwnIpWhileThatIpIsOnlyPacedAtItsFullRate() {
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of());
        String retry = stickingTo(A, 1).get(0);
        scheduler.enqueue(
                index, store, delivery(retry, "acme", Priority.MARKETING, null, 2), controls, T0);
        enqueue("m0", "acme", Priority.MARKETING);
        enqueue("m1", "acme", Priority.MARKETING);
        enqueue("m2", "acme", Priority.MARKETING);

        drain(T0);

        // A at its full 10/s: the retry leaves from A (greylisting keys on the IP), new mail from
        // both.
        assertThat(released)
                .filteredOn(r -> r.delivery().message().messageId().equals(retry))
                .extracting(Release::sendingIp)
                .containsExactly(A);
    }

    @Test
    void aRetryLeavesFromAnotherIpOfThePoolWhenItsOwnWasSlowedByThrottleReplies() {
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of());
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        // KumoMTA's default automation for this reply: 1/min for 90 minutes
        feedback(
                A,
                Kind.REPLY,
                "421 4.7.0 Messages from 192.0.2.1 temporarily deferred due to user complaints",
                BounceAction.THROTTLE,
                T0 + 10);
        for (String id : stickingTo(A, 3)) {
            scheduler.enqueue(
                    index,
                    store,
                    delivery(id, "acme", Priority.MARKETING, null, 2),
                    controls,
                    T0 + 20);
        }

        List<Long> times = drain(T0 + 20);

        // Waiting for A at 1/min would take two minutes: A sends one at its lowered pace, B the
        // others, all within 300 ms.
        assertThat(released.subList(1, released.size()))
                .extracting(Release::sendingIp)
                .containsExactlyInAnyOrder(A, B, B);
        assertThat(times.subList(1, times.size())).allMatch(t -> t <= 300);
    }

    @Test
    void aRetryAfterHintPausesTheIpForThatLong() {
        enqueue("m0", "acme", Priority.MARKETING);
        enqueue("m1", "acme", Priority.MARKETING);
        runAt(T0);
        feedback(
                A,
                Kind.REPLY,
                "451 4.7.1 Too busy, try again in 5 minutes",
                BounceAction.RETRY,
                T0);

        assertThat(runAt(T0 + 100)).isEqualTo(T0 + 5 * 60_000L);
        assertThat(released).hasSize(1);
    }

    @Test
    void aBlockPausesOnlyThatIpAndTheRestOfThePoolTakesOver() {
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of());
        for (int i = 0; i < 4; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }
        runAt(T0);
        feedback(
                A,
                Kind.REPLY,
                "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
                BounceAction.PAUSE,
                T0 + 10);

        drain(T0 + 100);

        // Before the block both IPs sent one (each message from its own IP when free); after it,
        // only B.
        assertThat(released.subList(0, 2))
                .extracting(Release::sendingIp)
                .containsExactlyInAnyOrder(A, B);
        assertThat(released.subList(2, 4)).extracting(Release::sendingIp).containsExactly(B, B);
        assertThat(pacing.ip(A).pausedUntil()).isEqualTo(T0 + 10 + 2 * 3_600_000L);
    }

    @Test
    void inSimulatedTimeTheRatesPausesAndControlRatesShrinkByTheScale() {
        // 60x: the rule's 10/s becomes 600/s (a message every 1,667 us), the TSS04 rule's 2 h
        // pause lasts 2 simulated minutes, and an operator's 60/min override sends 60 a second.
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of())
                        .timeScaled(new io.sluice.delivery.TimeScale(60));
        assertThat(scheduler.effectiveRate(SITE, A, pacing, controls, T0)).isEqualTo(600.0);

        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        feedback(
                A,
                Kind.REPLY,
                "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
                BounceAction.PAUSE,
                T0 + 10);
        assertThat(pacing.ip(A).pausedUntil()).isEqualTo(T0 + 10 + 2 * 60_000L);

        controls =
                new Controls(
                        List.of(
                                new Control(
                                        Control.Type.RATE_OVERRIDE,
                                        B,
                                        SITE,
                                        null,
                                        null,
                                        null,
                                        null,
                                        "60/min",
                                        null,
                                        "operator")));
        assertThat(scheduler.effectiveRate(SITE, B, pacing, controls, T0)).isEqualTo(60.0);
    }

    @Test
    void messagesStuckBehindAPauseExpireAtTheirMaxAgeInsteadOfWaitingForever() {
        scheduler =
                new SiteScheduler(
                        ShapingRules.parse("test.rules", RULES),
                        ResponseRules.defaults(),
                        PoolPolicy.of(List.of("shared/" + A + "/a.test"), List.of(), "shared"),
                        60_000);
        for (int i = 0; i < 3; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }
        runAt(T0);
        feedback(
                A,
                Kind.REPLY,
                "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
                BounceAction.PAUSE,
                T0 + 10);

        long wake = runAt(T0 + 30_000);
        assertThat(released).hasSize(1);
        // The only IP is paused for 2 h, but the queue wakes at the messages' max age (submitted
        // at T0 + 60 s), not at the pause's end.
        assertThat(wake).isEqualTo(T0 + 60_000);

        assertThat(runAt(wake)).isEqualTo(-1);
        assertThat(released)
                .extracting(r -> r.delivery().message().messageId(), Release::expired)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("m0", false),
                        org.assertj.core.groups.Tuple.tuple("m1", true),
                        org.assertj.core.groups.Tuple.tuple("m2", true));
        assertThat(store.entries).isEmpty();
    }

    @Test
    void withoutAMaxAgeAPausedQueueWaitsForThePause() {
        for (int i = 0; i < 2; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }
        runAt(T0);
        feedback(
                A,
                Kind.REPLY,
                "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
                BounceAction.PAUSE,
                T0 + 10);

        assertThat(runAt(T0 + 30_000)).isEqualTo(T0 + 10 + 2 * 3_600_000L);
        assertThat(released).extracting(Release::expired).containsExactly(false);
    }

    @Test
    void sluicesOwnDeferralsNeverExtendAPause() {
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        String block = "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred";
        feedback(A, Kind.REPLY, block, BounceAction.PAUSE, T0);
        long until = pacing.ip(A).pausedUntil();

        // an attempt that timed out inside Sluice, quoting the block in its text
        feedback(
                A,
                Kind.LOCAL,
                "attempt timed out after " + block,
                BounceAction.PAUSE,
                T0 + 3_600_000L);

        assertThat(pacing.ip(A).pausedUntil()).isEqualTo(until);
    }

    @Test
    void aThresholdRuleActsOnlyOnItsNthMatchWithinTheWindow() {
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        String reply = "421 4.7.0 [TSS05] Messages from 192.0.2.1 temporarily deferred";

        feedback(A, Kind.REPLY, reply, BounceAction.RETRY, T0);
        feedback(A, Kind.REPLY, reply, BounceAction.RETRY, T0 + 3_700_000L); // first fell out
        assertThat(pacing.ip(A).pausedUntil()).isZero();

        feedback(A, Kind.REPLY, reply, BounceAction.RETRY, T0 + 3_800_000L);
        assertThat(pacing.ip(A).pausedUntil()).isEqualTo(T0 + 3_800_000L + 4 * 3_600_000L);
    }

    @Test
    void connectionFailuresInARowMarkTheSiteDeadThenOneProbeDecides() {
        for (int i = 0; i < 10; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }
        runAt(T0);
        for (int i = 0; i < 3; i++) {
            feedback(A, Kind.CONNECTION_FAILURE, "connection refused", null, T0 + i);
        }
        long dead = T0 + 2 + 5 * 60_000L;
        assertThat(pacing.deadUntil()).isEqualTo(dead);
        // a late failure of mail released before does not extend the wait
        feedback(A, Kind.CONNECTION_FAILURE, "connection refused", null, T0 + 500);
        assertThat(pacing.deadUntil()).isEqualTo(dead);

        assertThat(runAt(T0 + 1000)).isEqualTo(dead);
        assertThat(released).hasSize(1);

        runAt(dead); // the probe
        assertThat(released).hasSize(2);
        assertThat(runAt(dead + 1000)).isGreaterThan(dead + 1000); // one probe at a time

        feedback(A, Kind.CONNECTION_FAILURE, "connection refused", null, dead + 2000);
        assertThat(pacing.deadUntil()).isEqualTo(dead + 2000 + 10 * 60_000L); // doubled

        long probe2 = pacing.deadUntil();
        runAt(probe2);
        feedback(A, Kind.DELIVERED, "250 ok", null, probe2 + 100);
        assertThat(pacing.deadUntil()).isZero();
        drain(probe2 + 100);
        assertThat(released).hasSize(10);
    }

    @Test
    void anotherTenantsDedicatedPoolIsNeverUsed() {
        scheduler =
                scheduler(
                        List.of("shared/" + A + "/a.test", "acme-own/" + B + "/b.test"),
                        List.of("acme-own/acme"));
        scheduler.enqueue(
                index,
                store,
                delivery("a1", "acme", Priority.MARKETING, "acme-own", 1),
                controls,
                T0);
        scheduler.enqueue(
                index,
                store,
                delivery("g1", "globex", Priority.MARKETING, "acme-own", 1),
                controls,
                T0);

        drain(T0);

        assertThat(released)
                .extracting(r -> r.delivery().message().messageId() + "@" + r.sendingIp())
                .containsExactlyInAnyOrder("a1@" + B, "g1@" + A);
    }

    @Test
    void aColdIpSendsItsQuotaFirstThenWarmIpsCarryTheRest() {
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of());
        controls =
                new Controls(
                        List.of(
                                new Control(
                                        Control.Type.WARMUP_QUOTA,
                                        B,
                                        SITE,
                                        null,
                                        null,
                                        null,
                                        3L,
                                        null,
                                        null,
                                        "day 1")));
        for (int i = 0; i < 10; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }

        drain(T0);

        assertThat(released.stream().filter(r -> r.sendingIp().equals(B)).count()).isEqualTo(3);
        assertThat(released.subList(0, 2)).extracting(Release::sendingIp).containsExactly(B, A);
        assertThat(released).hasSize(10);
    }

    @Test
    void aNewIpStaysColdUntilItsFirstQuotaArrivesAndIsWarmOnceItsWarmupFinished() {
        List<String> ips = List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test");
        scheduler =
                new SiteScheduler(
                        ShapingRules.parse("test.rules", RULES),
                        ResponseRules.defaults(),
                        PoolPolicy.of(ips, List.of(), "shared").withNewIps(List.of(" " + B)));
        for (int i = 0; i < 6; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }

        drain(T0);

        assertThat(released)
                .as("no quota yet: B sends nothing")
                .extracting(Release::sendingIp)
                .containsOnly(A)
                .hasSize(6);

        released.clear();
        controls = new Controls(List.of(quota(B, 2L, null)));
        for (int i = 6; i < 12; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }
        drain(T0 + 1_000);
        assertThat(released.stream().filter(r -> r.sendingIp().equals(B)).count()).isEqualTo(2);

        // The last step held: the reputation job lapses the quota, and B is warm.
        released.clear();
        controls =
                new Controls(
                        List.of(quota(B, 400_000L, java.time.Instant.ofEpochMilli(T0 + 1_500))));
        for (int i = 12; i < 40; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }
        drain(T0 + 2_000);
        assertThat(released.stream().filter(r -> r.sendingIp().equals(B)).count())
                .as("warm: no quota, its share of the pool")
                .isGreaterThan(5);
    }

    @Test
    void aColdIpSpreadsItsQuotaAtTheColdRateWhileWarmIpsCarryTheBurstAndIsPacedByTheRuleOnceWarm() {
        // 1/s while cold at this site, 10/s otherwise; B has a quota of 5 for the day.
        scheduler =
                new SiteScheduler(
                        ShapingRules.parse("test.rules", RULES + "yahoo  cold-rate=1/s\n"),
                        ResponseRules.defaults(),
                        PoolPolicy.of(
                                List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"),
                                List.of(),
                                "shared"));
        controls = new Controls(List.of(quota(B, 5L, null)));
        for (int i = 0; i < 40; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }

        List<Long> times = drain(T0);

        List<Long> fromB = new ArrayList<>();
        for (int i = 0; i < released.size(); i++) {
            if (released.get(i).sendingIp().equals(B)) {
                fromB.add(times.get(i));
            }
        }
        assertThat(fromB)
                .as("B's quota of 5 leaves one a second while A carries the rest at 10/s")
                .containsExactly(0L, 1000L, 2000L, 3000L, 4000L);
        assertThat(released).hasSize(40);
        assertThat(scheduler.effectiveRate(SITE, A, pacing, controls, T0)).isEqualTo(10.0);
        assertThat(scheduler.effectiveRate(SITE, B, pacing, controls, T0)).isEqualTo(1.0);

        // The warm-up over (the quota lapses), B is paced by the rule's rate.
        controls = new Controls(List.of(quota(B, 5L, Instant.ofEpochMilli(T0 + 1))));
        assertThat(scheduler.effectiveRate(SITE, B, pacing, controls, T0 + 10)).isEqualTo(10.0);
    }

    private static Control quota(String ip, Long perDay, java.time.Instant expires) {
        return quota(ip, SITE, perDay, expires);
    }

    private static Control quota(String ip, String site, Long perDay, java.time.Instant expires) {
        return new Control(
                Control.Type.WARMUP_QUOTA, ip, site, null, null, null, perDay, null, expires, "q");
    }

    @Test
    void aSitePausedForEveryIpSendsNothingUntilResumedAndAnIpPausedEverywhereStaysPaused() {
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of());
        controls = new Controls(List.of(ipStatus(null, SITE, "PAUSED")));
        for (int i = 0; i < 4; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }

        long next = runAt(T0);
        assertThat(released).as("the site is paused for every IP").isEmpty();
        assertThat(next).as("nothing to wake for before a decision").isNotEqualTo(T0);

        controls =
                new Controls(List.of(ipStatus(null, SITE, "ACTIVE"), ipStatus(A, null, "PAUSED")));
        drain(T0 + 1_000);
        assertThat(released)
                .as("the site resumed; A stays paused everywhere")
                .extracting(Release::sendingIp)
                .containsOnly(B)
                .hasSize(4);
    }

    private static Control ipStatus(String ip, String site, String status) {
        return new Control(
                Control.Type.IP_STATUS, ip, site, null, null, status, null, null, null, "op");
    }

    @ParameterizedTest
    @CsvSource({
        // quota, what each of Google's 4 shards lets the cold IP send that day
        "1, '1,0,0,0'",
        "2, '1,1,0,0'",
        "6, '2,2,1,1'",
        "8, '2,2,2,2'",
    })
    void theShardsOfASiteSplitAColdIpsQuotaExactlyNotEachRoundingItUp(int quota, String expected) {
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of());
        controls = new Controls(List.of(quota(B, "google", (long) quota, null)));
        List<Long> fromB = new ArrayList<>();
        for (int shard = 0; shard < 4; shard++) {
            // Each shard is its own key: its own queue, pacing and store.
            QueueIndex shardIndex = new QueueIndex();
            SitePacing shardPacing = new SitePacing();
            HeapQueueStore shardStore = new HeapQueueStore();
            List<Release> out = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                scheduler.enqueue(
                        shardIndex,
                        shardStore,
                        delivery("s" + shard + "m" + i, "acme", Priority.MARKETING, null, 1),
                        controls,
                        T0);
            }
            long t = T0;
            while (t >= 0 && t < T0 + 3_600_000) {
                t =
                        scheduler.release(
                                "google",
                                shard,
                                shardIndex,
                                shardPacing,
                                shardStore,
                                controls,
                                t,
                                1000,
                                out::add);
            }
            assertThat(out).as("shard %d sends all its mail", shard).hasSize(10);
            fromB.add(out.stream().filter(r -> r.sendingIp().equals(B)).count());
        }

        assertThat(fromB)
                .as("the cold IP's messages per shard; together exactly its quota of %d", quota)
                .containsExactlyElementsOf(
                        java.util.Arrays.stream(expected.split(",")).map(Long::valueOf).toList());
        assertThat(SiteScheduler.shareOfQuota(quota, 4, 0)).isEqualTo(fromB.get(0));
    }

    @Test
    void aWarmupQuotaCountsOverTheConfiguredDay() {
        // sluice.reputation.day = 10 s: the reputation job steps its plan every 10 s, and the
        // quota of 3 a day is 3 per 10 s here, not 3 per UTC day.
        scheduler =
                new SiteScheduler(
                        ShapingRules.parse("test.rules", RULES),
                        ResponseRules.defaults(),
                        PoolPolicy.of(List.of("shared/" + B + "/b.test"), List.of(), "shared"),
                        java.time.Duration.ofSeconds(10));
        controls =
                new Controls(
                        List.of(
                                new Control(
                                        Control.Type.WARMUP_QUOTA,
                                        B,
                                        SITE,
                                        null,
                                        null,
                                        null,
                                        3L,
                                        null,
                                        null,
                                        "day 1")));
        for (int i = 0; i < 7; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }

        List<Long> times = drain(T0);

        assertThat(times).hasSize(7);
        assertThat(times.stream().map(t -> t / 10_000).toList())
                .containsExactly(0L, 0L, 0L, 1L, 1L, 1L, 2L);
    }

    @Test
    void aQuarantinedTenantLeavesFromTheQuarantinePool() {
        scheduler =
                scheduler(
                        List.of("shared/" + A + "/a.test", "quarantine/" + B + "/b.test"),
                        List.of());
        controls =
                new Controls(
                        List.of(
                                new Control(
                                        Control.Type.TENANT_STATUS,
                                        null,
                                        null,
                                        "quarantine",
                                        "spammy",
                                        "QUARANTINED",
                                        null,
                                        null,
                                        null,
                                        "bounces 6%")));
        enqueue("s1", "spammy", Priority.MARKETING);
        enqueue("g1", "good", Priority.MARKETING);

        drain(T0);

        assertThat(released)
                .extracting(r -> r.delivery().message().messageId() + "@" + r.sendingIp())
                .containsExactlyInAnyOrder("s1@" + B, "g1@" + A);
    }

    @Test
    void anEmptyKeysPacingSettlesOnceItsLastIntervalHasPassed() {
        enqueue("m0", "acme", Priority.MARKETING);
        assertThat(runAt(T0)).isEqualTo(-1);
        // While its attempt is in flight the IP's entry stays (it counts towards the cap).
        assertThat(scheduler.settle(SITE, pacing, T0)).isGreaterThan(T0 + 100);
        feedback(released.get(0).sendingIp(), Kind.DELIVERED, "250 ok", null, T0 + 50);

        assertThat(scheduler.settle(SITE, pacing, T0 + 50)).isEqualTo(T0 + 100);
        assertThat(scheduler.settle(SITE, pacing, T0 + 100)).isEqualTo(-1);
        assertThat(pacing.isEmpty()).isTrue();
    }

    @Test
    void anAttemptWhoseFeedbackNeverComesIsForgottenOnceItsCountIsStale() {
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);

        long stale = T0 + SiteScheduler.IN_FLIGHT_STALE_MILLIS;
        assertThat(scheduler.settle(SITE, pacing, T0 + 100)).isEqualTo(stale);
        assertThat(scheduler.settle(SITE, pacing, stale)).isEqualTo(-1);
        assertThat(pacing.isEmpty()).isTrue();
    }

    @Test
    void anIpHoldsAtMostTwoMessagesPerConnectionInFlightAndFeedbackMakesRoom() {
        // One connection per IP: two in flight each; the rate (10/s) would allow more.
        scheduler =
                new SiteScheduler(
                        ShapingRules.parse("t.rules", "default rate=1000/s connections=1"),
                        ResponseRules.defaults(),
                        PoolPolicy.of(
                                List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"),
                                List.of(),
                                "shared"));
        for (int i = 0; i < 10; i++) {
            enqueue("m" + i, "acme", Priority.MARKETING);
        }
        long next = T0;
        for (long t = T0; t < T0 + 50; t++) {
            next = runAt(t);
        }
        assertThat(released).hasSize(4);
        assertThat(released.stream().map(Release::sendingIp))
                .containsOnly(A, B)
                .filteredOn(A::equals)
                .hasSize(2);
        // Nothing more until an attempt reports back (or the count goes stale).
        assertThat(next).isGreaterThanOrEqualTo(T0 + SiteScheduler.IN_FLIGHT_STALE_MILLIS);

        // A transactional message arriving now waits at the head of the queue, not behind the
        // campaign in a downstream buffer: it is the next to leave.
        enqueue("urgent", "globex", Priority.TRANSACTIONAL);
        feedback(A, Kind.DELIVERED, "250 ok", null, T0 + 60);
        runAt(T0 + 60);
        assertThat(released).hasSize(5);
        assertThat(released.get(4).delivery().message().messageId()).isEqualTo("urgent");
        assertThat(released.get(4).sendingIp()).isEqualTo(A);

        // Feedback that names another shard ends nothing here.
        scheduler.feedback(
                pacing,
                0,
                new Feedback(SITE, B, Kind.DELIVERED, "250 ok", null, 0, T0 + 70, 1),
                Controls.NONE,
                T0 + 70);
        runAt(T0 + 70);
        assertThat(released).hasSize(5);
    }

    @Test
    void aLoweredPaceIsRememberedWhileIdleThenForgotten() {
        enqueue("m0", "acme", Priority.MARKETING);
        runAt(T0);
        feedback(A, Kind.REPLY, "421 4.7.0 slow down", BounceAction.THROTTLE, T0);

        assertThat(scheduler.settle(SITE, pacing, T0 + 1000)).isEqualTo(T0 + 10 * 60_000L);
        assertThat(pacing.ip(A).factor()).isEqualTo(0.5);
        assertThat(scheduler.settle(SITE, pacing, T0 + 10 * 60_000L)).isEqualTo(-1);
    }

    @Test
    void stateSurvivesItsByteEncoding() {
        scheduler =
                scheduler(List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"), List.of());
        for (int i = 0; i < 5; i++) {
            enqueue("m" + i, i % 2 == 0 ? "acme" : "globex", Priority.MARKETING);
        }
        runAt(T0);
        feedback(
                A,
                Kind.REPLY,
                "421 4.7.0 [TSS05] Messages from x temporarily deferred",
                BounceAction.RETRY,
                T0);
        feedback(B, Kind.REPLY, "421 4.7.0 slow down", BounceAction.THROTTLE, T0);

        QueueIndex index2 = QueueIndex.fromBytes(index.toBytes());
        SitePacing pacing2 = SitePacing.fromBytes(pacing.toBytes());

        assertThat(index2.toBytes()).isEqualTo(index.toBytes());
        assertThat(pacing2.toBytes()).isEqualTo(pacing.toBytes());
        assertThat(pacing2.ip(B).factor()).isEqualTo(0.5);
        assertThat(index2.size()).isEqualTo(3);
    }
}
