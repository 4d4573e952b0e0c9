package io.sluice.delivery.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.classify.BounceAction;
import io.sluice.delivery.intake.Priority;
import io.sluice.delivery.shaping.Control;
import io.sluice.delivery.shaping.Feedback;
import io.sluice.delivery.shaping.PoolPolicy;
import io.sluice.delivery.shaping.Release;
import io.sluice.delivery.shaping.ResponseRules;
import io.sluice.delivery.shaping.ShapingRules;
import io.sluice.delivery.shaping.SiteScheduler;
import io.sluice.delivery.shaping.SiteSchedulerTest;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scheduler in Flink's keyed broadcast operator, time driven by hand, on both backends. */
class SiteSchedulerFunctionTest {

    static final long T0 = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    static final String KEY = SiteKeys.key("yahoo", 0);
    static final String A = "192.0.2.1";
    static final String B = "192.0.2.2";

    KeyedBroadcastOperatorTestHarness<String, ScheduleInput, Control, Release> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    static KeyedBroadcastOperatorTestHarness<String, ScheduleInput, Control, Release> newHarness(
            String backend, OperatorSubtaskState restoreFrom) throws Exception {
        SiteScheduler scheduler =
                new SiteScheduler(
                        ShapingRules.parse("test.rules", "default rate=10/s forget=10m"),
                        ResponseRules.defaults(),
                        PoolPolicy.of(
                                List.of("shared/" + A + "/a.test", "shared/" + B + "/b.test"),
                                List.of(),
                                "shared"));
        var h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new SiteSchedulerFunction(scheduler),
                                List.of(SiteSchedulerFunction.CONTROLS)),
                        ScheduleInput::key,
                        Types.STRING,
                        1,
                        1,
                        0);
        h.setStateBackend(
                backend.equals("rocksdb")
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    void send(String id, Priority p, long at) throws Exception {
        harness.processElement(
                ScheduleInput.message(KEY, SiteSchedulerTest.delivery(id, "acme", p, null, 1)), at);
    }

    List<String> ids() {
        return harness.extractOutputValues().stream()
                .map(r -> r.delivery().message().messageId())
                .toList();
    }

    List<String> ips() {
        return harness.extractOutputValues().stream().map(Release::sendingIp).toList();
    }

    List<String> released() {
        return harness.extractOutputValues().stream()
                .map(r -> r.delivery().message().messageId() + "@" + r.sendingIp())
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void releasesAtThePaceThenLeavesNoStateOrTimerBehind(String backend) throws Exception {
        harness = newHarness(backend, null);
        harness.setProcessingTime(T0);
        for (int i = 0; i < 4; i++) {
            send("m" + i, Priority.MARKETING, T0);
        }
        send("urgent", Priority.TRANSACTIONAL, T0);

        harness.setProcessingTime(T0);
        // Transactional first; one from each IP (which from which follows their ids' hashes).
        assertThat(ids()).containsExactly("urgent", "m0");
        assertThat(ips()).containsExactlyInAnyOrder(A, B);
        harness.setProcessingTime(T0 + 99);
        assertThat(released()).hasSize(2);
        harness.setProcessingTime(T0 + 100);
        assertThat(released()).hasSize(4);
        harness.setProcessingTime(T0 + 200);
        assertThat(released()).hasSize(5);

        // Each attempt reports back (its pacing feedback names this key's shard).
        harness.setProcessingTime(T0 + 250);
        assertThat(keyedStateEntries()).isPositive(); // the attempts are in flight
        attemptsEnded(T0 + 250);
        harness.setProcessingTime(T0 + 300); // the last send interval has passed
        assertThat(keyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aBlockReplyStopsThatIpAtOnceAndItsStateLastsAsLongAsThePause(String backend)
            throws Exception {
        harness = newHarness(backend, null);
        harness.setProcessingTime(T0);
        send("m0", Priority.MARKETING, T0);
        harness.setProcessingTime(T0);
        harness.processElement(
                ScheduleInput.feedback(
                        KEY,
                        new Feedback(
                                "yahoo",
                                A,
                                Feedback.Kind.REPLY,
                                "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily"
                                        + " deferred",
                                BounceAction.PAUSE,
                                0,
                                T0)),
                T0);
        for (int i = 1; i < 5; i++) {
            send("m" + i, Priority.MARKETING, T0);
        }
        for (long t = T0; t <= T0 + 1000; t += 100) {
            harness.setProcessingTime(t);
        }
        assertThat(released()).hasSize(5).allMatch(r -> r.endsWith("@" + B) || r.equals("m0@" + A));

        harness.setProcessingTime(T0 + 2 * 3_600_000L - 1);
        assertThat(keyedStateEntries()).isPositive(); // the pause is remembered
        harness.setProcessingTime(T0 + 2 * 3_600_000L);
        assertThat(keyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aControlPauseHoldsTheIpUntilItIsLifted(String backend) throws Exception {
        harness = newHarness(backend, null);
        harness.setProcessingTime(T0);
        harness.processBroadcastElement(ipStatus(A, "BLOCKED"), T0);
        harness.processBroadcastElement(ipStatus(B, "PAUSED"), T0);
        send("m0", Priority.MARKETING, T0);
        harness.setProcessingTime(T0 + 1);
        harness.setProcessingTime(T0 + 10_000);
        assertThat(released()).isEmpty();

        harness.processBroadcastElement(ipStatus(B, "ACTIVE"), T0 + 10_000);
        harness.setProcessingTime(T0 + 20_000);
        assertThat(released()).containsExactly("m0@" + B);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSnapshotRestoresTheQueueThePaceAndTheTimer(String backend) throws Exception {
        harness = newHarness(backend, null);
        harness.setProcessingTime(T0);
        for (int i = 0; i < 5; i++) {
            send("m" + i, Priority.MARKETING, T0);
        }
        harness.setProcessingTime(T0);
        assertThat(ids()).containsExactly("m0", "m1");
        assertThat(ips()).containsExactlyInAnyOrder(A, B);
        OperatorSubtaskState snapshot = harness.snapshot(1, T0);
        harness.close();

        harness = newHarness(backend, snapshot);
        harness.setProcessingTime(T0 + 50);
        assertThat(released()).isEmpty(); // the restored pace still spaces them 100 ms apart
        harness.setProcessingTime(T0 + 100);
        harness.setProcessingTime(T0 + 200);
        assertThat(ids()).containsExactly("m2", "m3", "m4");
        assertThat(ips().subList(0, 2)).containsExactlyInAnyOrder(A, B);
        // The attempts of m0 and m1, under way at the snapshot, report back too (the async
        // stage's restored attempts), then the ones released since.
        ended(A, T0 + 300);
        ended(B, T0 + 300);
        attemptsEnded(T0 + 300);
        harness.setProcessingTime(T0 + 400);
        assertThat(keyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    /** Every release so far reports back delivered, as the SMTP stage's feedback does. */
    void attemptsEnded(long at) throws Exception {
        for (Release r : harness.extractOutputValues()) {
            ended(r.sendingIp(), at);
        }
    }

    /** One attempt this key released from {@code ip} reports back delivered. */
    void ended(String ip, long at) throws Exception {
        harness.processElement(
                ScheduleInput.feedback(
                        KEY,
                        new Feedback(
                                "yahoo",
                                ip,
                                Feedback.Kind.DELIVERED,
                                "250 ok",
                                null,
                                0,
                                at,
                                SiteKeys.shard(KEY))),
                at);
    }

    /** Keys holding any of the function's keyed state. */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void feedbackToAnIdleKeyLeavesStateOnlyWhenItChangesThePace(String backend) throws Exception {
        harness = newHarness(backend, null);
        harness.setProcessingTime(T0);
        harness.processElement(
                ScheduleInput.feedback(
                        KEY,
                        new Feedback("yahoo", A, Feedback.Kind.DELIVERED, "250 ok", null, 0, T0)),
                T0);
        // A delivery at full pace teaches nothing: no state, no timer.
        assertThat(keyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        harness.processElement(
                ScheduleInput.feedback(
                        KEY,
                        new Feedback(
                                "yahoo",
                                A,
                                Feedback.Kind.REPLY,
                                "421 4.7.0 rate limited",
                                BounceAction.THROTTLE,
                                0,
                                T0)),
                T0);
        // A throttle is remembered (the key's one site value: an index waiting to settle, and
        // the pacing), with a timer to forget it when it lapses.
        assertThat(keyedStateEntries()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void theIndexAndThePacingShareOneValueAndComeBackApart() {
        byte[] index = {1, 2, 3};
        byte[] pacing = {9, 8};

        assertThat(SiteSchedulerFunction.join(null, null)).isNull();
        assertThat(SiteSchedulerFunction.split(null)[0]).isNull();
        assertThat(SiteSchedulerFunction.split(null)[1]).isNull();
        byte[][] both = SiteSchedulerFunction.split(SiteSchedulerFunction.join(index, pacing));
        assertThat(both[0]).isEqualTo(index);
        assertThat(both[1]).isEqualTo(pacing);
        byte[][] indexOnly = SiteSchedulerFunction.split(SiteSchedulerFunction.join(index, null));
        assertThat(indexOnly[0]).isEqualTo(index);
        assertThat(indexOnly[1]).isNull();
        byte[][] pacingOnly = SiteSchedulerFunction.split(SiteSchedulerFunction.join(null, pacing));
        assertThat(pacingOnly[0]).isNull();
        assertThat(pacingOnly[1]).isEqualTo(pacing);
    }

    long keyedStateEntries() {
        var backend = harness.getOperator().getKeyedStateBackend();
        return java.util.stream.Stream.of(SiteSchedulerFunction.SITE_STATE, "queue")
                .mapToLong(s -> backend.getKeys(s, VoidNamespace.INSTANCE).count())
                .sum();
    }

    static Control ipStatus(String ip, String status) {
        return new Control(
                Control.Type.IP_STATUS, ip, "yahoo", null, null, status, null, null, null, "test");
    }
}
