package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReputationFunctionTest {

    private static final long T0 = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;
    private static final long HOUR = 60 * MIN;
    private static final Duration DAY = Duration.ofMinutes(10);

    private static final Entity ACME = Entity.tenant("acme");
    private static final Entity IP_AT_YAHOO = Entity.ipAtSite("192.0.2.7", "yahoo");
    private static final Entity IP_AT_GOOGLE = Entity.ipAtSite("192.0.2.8", "google");

    private static final ReputationPolicy POLICY =
            new ReputationPolicy(
                    ReputationRules.defaults(),
                    new Warmup(new WarmupPlan("test.plan", List.of(100L, 200L, 400L)), DAY),
                    "quarantine",
                    Duration.ofMinutes(5));

    private KeyedOneInputStreamOperatorTestHarness<String, Signal, Decision> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness(null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Signal, Decision> newHarness(
            OperatorSubtaskState restore) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ReputationFunction(POLICY)),
                        Signal::entity,
                        Types.STRING);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        h.setProcessingTime(T0);
        return h;
    }

    @Test
    void aTenantIsQuarantinedOnceAtTheWarningLineThenPausedAtTheStopLine() throws Exception {
        count(ACME, Counter.ATTEMPTS, 2000);
        count(ACME, Counter.HARD_BOUNCES, 39);
        assertThat(decisions()).as("1.95% is under the 2% line").isEmpty();

        count(ACME, Counter.HARD_BOUNCES, 1);
        Decision q = single();
        assertThat(q.type()).isEqualTo(Decision.Type.TENANT_STATUS);
        assertThat(q.status()).isEqualTo("QUARANTINED");
        assertThat(q.pool()).isEqualTo("quarantine");
        assertThat(q.tenant()).isEqualTo("acme");
        assertThat(q.reason())
                .startsWith("tenant acme moved to pool quarantine: hard-bounces 2% of 2000")
                .endsWith("it returns only by an operator's command");
        assertThat(q.figures()).containsEntry("hard_bounces_24h", 40.0);
        assertThat(q.topicKey()).isEqualTo("TENANT_STATUS:acme");

        count(ACME, Counter.HARD_BOUNCES, 159);
        assertThat(decisions()).as("no event storm while it stays quarantined").isEmpty();
        count(ACME, Counter.HARD_BOUNCES, 1);
        Decision p = single();
        assertThat(p.status()).isEqualTo("PAUSED");
        assertThat(p.reason()).contains("reached the blocked line 10%");

        // The job never lifts it: a clean day later it is still paused, and nothing is said.
        count(ACME, Counter.ATTEMPTS, 1);
        harness.setProcessingTime(T0 + 23 * HOUR);
        count(ACME, Counter.DELIVERIES, 1);
        assertThat(decisions()).isEmpty();
    }

    @Test
    void anOperatorsResumeIsAFreshStart() throws Exception {
        count(ACME, Counter.ATTEMPTS, 2000);
        count(ACME, Counter.DELIVERIES, 1000);
        count(ACME, Counter.COMPLAINTS, 3);
        assertThat(single().reason()).contains("complaints 0.3% of 1000 deliveries");

        harness.processElement(new StreamRecord<>(Signal.operator(ACME, "ACTIVE", T0)));
        assertThat(harness.numKeyedStateEntries()).as("nothing left to remember").isZero();

        count(ACME, Counter.COMPLAINTS, 1);
        assertThat(decisions()).as("below min-attempts after the resume").isEmpty();
    }

    @Test
    void aBlockAtASiteTakesTheIpOutThereForTheBlockTime() throws Exception {
        harness.setProcessingTime(T0 + MIN);
        harness.processElement(
                new StreamRecord<>(
                        Signal.count(
                                IP_AT_YAHOO,
                                Counter.BLOCKS,
                                T0 + MIN,
                                "blocked: 553 5.7.1 [BL23]")));

        Decision b = single();
        assertThat(b.type()).isEqualTo(Decision.Type.IP_STATUS);
        assertThat(b.status()).isEqualTo("BLOCKED");
        assertThat(b.sendingIp()).isEqualTo("192.0.2.7");
        assertThat(b.site()).isEqualTo("yahoo");
        assertThat(b.expiresAt()).isEqualTo(T0 + MIN + 4 * HOUR);
        assertThat(b.reason())
                .startsWith("sending IP 192.0.2.7 at yahoo taken out of rotation for 4h: blocks 1")
                .endsWith("last reply: blocked: 553 5.7.1 [BL23]");
        assertThat(b.controlId())
                .isEqualTo("IP_STATUS:192.0.2.7/yahoo:BLOCKED:" + (T0 + MIN))
                .as("deterministic");
        assertThat(b.topicKey()).isEqualTo("IP_STATUS:192.0.2.7/yahoo");

        harness.processElement(
                new StreamRecord<>(Signal.count(IP_AT_YAHOO, Counter.BLOCKS, T0 + MIN, "x")));
        assertThat(decisions()).as("already out").isEmpty();

        // A day later nothing is left: no counts, no block, no timer.
        harness.setProcessingTime(T0 + 25 * HOUR);
        assertThat(decisions()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aNewIpClimbsThePlanOneStepPerHealthyDayAndStepsBackWhenThrottled() throws Exception {
        harness.processElement(new StreamRecord<>(Signal.startWarmup(IP_AT_GOOGLE)));
        Decision start = single();
        assertThat(start.type()).isEqualTo(Decision.Type.WARMUP_QUOTA);
        assertThat(start.quotaPerDay()).isEqualTo(100);
        assertThat(start.warmupStep()).isEqualTo(1);
        assertThat(start.topicKey()).isEqualTo("WARMUP_QUOTA:192.0.2.8/google");

        harness.processElement(new StreamRecord<>(Signal.startWarmup(IP_AT_GOOGLE)));
        assertThat(decisions()).as("a restart's seed changes nothing").isEmpty();

        count(IP_AT_GOOGLE, Counter.ATTEMPTS, 100);
        harness.setProcessingTime(T0 + DAY.toMillis() - 1);
        assertThat(decisions()).isEmpty();
        harness.setProcessingTime(T0 + DAY.toMillis());
        Decision up = single();
        assertThat(up.quotaPerDay()).isEqualTo(200);
        assertThat(up.warmupStep()).isEqualTo(2);
        assertThat(up.reason()).startsWith("warm-up advanced after a healthy day");

        long t = T0 + DAY.toMillis() + MIN;
        harness.setProcessingTime(t);
        for (int i = 0; i < 5; i++) {
            harness.processElement(
                    new StreamRecord<>(Signal.count(IP_AT_GOOGLE, Counter.THROTTLES, t, null)));
        }
        Decision back = single();
        assertThat(back.quotaPerDay()).isEqualTo(100);
        assertThat(back.reason()).contains("stepped back").contains("throttles 5 in 1h");

        // Throttled for the hour the throttles stay in the window: held there, then a full
        // healthy day before the next step.
        harness.setProcessingTime(t + HOUR + 5 * MIN);
        assertThat(decisions()).isEmpty();
        harness.setProcessingTime(t + HOUR + 5 * MIN + DAY.toMillis());
        assertThat(single().quotaPerDay()).isEqualTo(200);
        harness.setProcessingTime(t + HOUR + 5 * MIN + 2 * DAY.toMillis());
        assertThat(single().quotaPerDay()).isEqualTo(400);
        // The last step ends only after a day that used at least half of its 400.
        harness.setProcessingTime(t + HOUR + 5 * MIN + 3 * DAY.toMillis());
        assertThat(decisions()).as("100 attempts in the day: not half of 400").isEmpty();
        count(IP_AT_GOOGLE, Counter.ATTEMPTS, 100);
        harness.setProcessingTime(t + HOUR + 5 * MIN + 4 * DAY.toMillis());
        Decision warm = single();
        assertThat(warm.reason()).contains("warm-up finished");
        assertThat(warm.expiresAt())
                .as("lapsed: the delivery job sees no quota")
                .isEqualTo(warm.issuedAt());

        harness.setProcessingTime(t + 25 * HOUR);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aWarningHoldsTheWarmUp() throws Exception {
        harness.processElement(new StreamRecord<>(Signal.startWarmup(IP_AT_GOOGLE)));
        single();
        count(IP_AT_GOOGLE, Counter.ATTEMPTS, 100);
        harness.processElement(
                new StreamRecord<>(Signal.count(IP_AT_GOOGLE, Counter.THROTTLES, T0, null)));
        harness.setProcessingTime(T0 + DAY.toMillis());
        assertThat(decisions()).as("one throttle in the hour is a warning: held").isEmpty();
        harness.setProcessingTime(T0 + HOUR + DAY.toMillis());
        assertThat(single().quotaPerDay()).isEqualTo(200);
    }

    @Test
    void aSnapshotRestoresCountsAndWarmUp() throws Exception {
        harness.processElement(new StreamRecord<>(Signal.startWarmup(IP_AT_GOOGLE)));
        count(IP_AT_GOOGLE, Counter.ATTEMPTS, 100);
        count(ACME, Counter.ATTEMPTS, 2000);
        count(ACME, Counter.HARD_BOUNCES, 39);
        decisions();
        OperatorSubtaskState snapshot = harness.snapshot(1, T0);
        harness.close();

        harness = newHarness(snapshot);
        count(ACME, Counter.HARD_BOUNCES, 1);
        assertThat(single().status())
                .as("the 39 before the restore count")
                .isEqualTo("QUARANTINED");
        harness.setProcessingTime(T0 + DAY.toMillis());
        assertThat(single().quotaPerDay()).as("the restored timer fires").isEqualTo(200);
    }

    @Test
    void anIdleEntityLeavesNothingBehind() throws Exception {
        count(Entity.ip("192.0.2.9"), Counter.OPENS, 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.setProcessingTime(T0 + 24 * HOUR);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    private void count(Entity e, Counter c, int n) throws Exception {
        long now = harness.getProcessingTime();
        for (int i = 0; i < n; i++) {
            harness.processElement(new StreamRecord<>(Signal.count(e, c, now, null)));
        }
    }

    private List<Decision> decisions() {
        List<Decision> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private Decision single() {
        List<Decision> out = decisions();
        assertThat(out).hasSize(1);
        return out.get(0);
    }
}
