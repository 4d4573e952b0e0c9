package io.sluice.delivery.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.delivery.intake.Message;
import io.sluice.delivery.intake.Messages;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.suppression.Suppression.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SuppressionFunctionTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final String READER = "reader@gmail.com";

    private KeyedTwoInputStreamOperatorTestHarness<String, Delivery, SuppressionUpdate, Delivery>
            harness;

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void open(String backend) throws Exception {
        harness = newHarness(backend);
        harness.open();
        harness.setProcessingTime(T0.toEpochMilli());
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, Delivery, SuppressionUpdate, Delivery>
            newHarness(String backend) throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new SuppressionFunction()),
                        SuppressionFunction.byRecipient(),
                        SuppressionFunction.byAddress(),
                        Types.STRING);
        h.setStateBackend(
                backend.equals("rocksdb")
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        return h;
    }

    @Test
    void aTenantSuppressionBlocksOnlyThatTenant() throws Exception {
        open("hashmap");
        suppress(Suppression.forTenant(READER, "acme", Reason.COMPLAINT, "fbl-1", T0, null));

        send(message("m-1", "acme", READER));
        send(message("m-2", "globex", READER));

        assertThat(forwarded()).containsExactly("m-2");
        assertThat(events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.messageId()).isEqualTo("m-1");
                            assertThat(e.type()).isEqualTo(EventType.SUPPRESSED);
                            assertThat(e.reason()).isEqualTo("suppressed: complaint (tenant:acme)");
                            assertThat(e.occurredAt()).isEqualTo(T0);
                        });
    }

    @Test
    void aSuppressionThatArrivesWhileAMessageWaitsForItsRetryStopsTheRetry() throws Exception {
        open("rocksdb");
        Delivery first = message("m-1", "acme", READER);
        send(first);
        suppress(Suppression.global(READER, Reason.HARD_BOUNCE, "m-0:bounced:1", T0, null));

        send(new Delivery(first.message(), 2, T0));

        assertThat(forwarded()).containsExactly("m-1");
        assertThat(events())
                .extracting(Event::messageId, Event::type)
                .containsExactly(tuple("m-1", EventType.SUPPRESSED));
    }

    @Test
    void aGlobalSuppressionBlocksEveryTenant() throws Exception {
        open("hashmap");
        suppress(Suppression.global(READER, Reason.HARD_BOUNCE, "m-0:bounced:1", T0, null));

        send(message("m-1", "acme", READER));
        send(message("m-2", "globex", READER));
        send(message("m-3", "acme", "other@gmail.com"));

        assertThat(forwarded()).containsExactly("m-3");
        assertThat(events())
                .extracting(Event::messageId, Event::reason)
                .containsExactly(
                        tuple("m-1", "suppressed: hard-bounce (global)"),
                        tuple("m-2", "suppressed: hard-bounce (global)"));
    }

    @Test
    void anotherSpellingOfTheAddressIsTheSameRecipient() throws Exception {
        open("hashmap");
        suppress(
                Suppression.global(
                        SuppressionKey.of("user@xn--bcher-kva.example"),
                        Reason.SPAM_TRAP,
                        null,
                        T0,
                        null));

        send(message("m-1", "acme", "User@BÜCHER.example"));
        send(message("m-2", "acme", "user+tag@bücher.example"));

        assertThat(forwarded()).containsExactly("m-2");
    }

    @Test
    void aRemovalReEnablesDeliveryAndLeavesNoState() throws Exception {
        open("hashmap");
        Suppression s = Suppression.forTenant(READER, "acme", Reason.UNSUBSCRIBE, null, T0, null);
        suppress(s);
        send(message("m-1", "acme", READER));

        harness.processElement2(new StreamRecord<>(SuppressionUpdate.remove(s)));
        send(message("m-2", "acme", READER));

        assertThat(forwarded()).containsExactly("m-2");
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void updatesThatLeaveAnAddressWithoutStateCreateNone(String backend) throws Exception {
        open(backend);
        Suppression never = Suppression.global(READER, Reason.MANUAL, null, T0, null);
        harness.processElement2(new StreamRecord<>(SuppressionUpdate.remove(never)));
        suppress(
                Suppression.forTenant(
                        "other@example.com",
                        "acme",
                        Reason.UNSUBSCRIBE,
                        null,
                        T0.minus(Duration.ofDays(2)),
                        T0.minus(Duration.ofDays(1))));
        send(message("m-1", "acme", READER));
        send(message("m-2", "acme", "other@example.com"));

        assertThat(forwarded()).containsExactly("m-1", "m-2");
        try (var keys =
                harness.getOperator()
                        .getKeyedStateBackend()
                        .getKeys(SuppressionFunction.STATE_NAME, VoidNamespace.INSTANCE)) {
            assertThat(keys.toList()).isEmpty();
        }
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aRemovalOfOneScopeKeepsTheOther() throws Exception {
        open("hashmap");
        Suppression global = Suppression.global(READER, Reason.HARD_BOUNCE, null, T0, null);
        suppress(global);
        suppress(Suppression.forTenant(READER, "acme", Reason.COMPLAINT, null, T0, null));

        harness.processElement2(new StreamRecord<>(SuppressionUpdate.remove(global)));
        send(message("m-1", "acme", READER));
        send(message("m-2", "globex", READER));

        assertThat(forwarded()).containsExactly("m-2");
        assertThat(events())
                .extracting(Event::reason)
                .containsExactly("suppressed: complaint (tenant:acme)");
    }

    @Test
    void aSuppressionExpiresAtItsTimeAndItsTimerClearsTheState() throws Exception {
        open("hashmap");
        Instant expiry = T0.plus(Duration.ofHours(1));
        suppress(Suppression.global(READER, Reason.MANUAL, null, T0, expiry));

        harness.setProcessingTime(expiry.toEpochMilli() - 1);
        send(message("m-1", "acme", READER));
        harness.setProcessingTime(expiry.toEpochMilli());
        assertNothingLeft();
        send(message("m-2", "acme", READER));

        assertThat(forwarded()).containsExactly("m-2");
        assertNothingLeft();
    }

    @Test
    void anAdditionThatHasAlreadyLapsedEndsTheScopesSuppression() throws Exception {
        open("hashmap");
        suppress(Suppression.global(READER, Reason.MANUAL, null, T0, null));
        harness.setProcessingTime(T0.plusSeconds(60).toEpochMilli());
        suppress(
                Suppression.global(
                        READER, Reason.MANUAL, null, T0.plusSeconds(10), T0.plusSeconds(30)));

        send(message("m-1", "acme", READER));

        assertThat(forwarded()).containsExactly("m-1");
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aPermanentSuppressionThatReplacedAnExpiringOneOutlivesTheOldExpiry(String backend)
            throws Exception {
        open(backend);
        suppress(Suppression.global(READER, Reason.MANUAL, null, T0, T0.plusSeconds(3600)));
        suppress(Suppression.global(READER, Reason.HARD_BOUNCE, null, T0, null));

        // The first one's timer is not looked for (that would cost a read per addition): it
        // fires, finds nothing lapsed, and leaves the permanent entry as the address's one change.
        harness.setProcessingTime(T0.plusSeconds(7200).toEpochMilli());
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(storedChanges(READER)).hasSize(1);
        send(message("m-1", "acme", READER));

        assertThat(forwarded()).isEmpty();
        assertThat(events())
                .extracting(Event::reason)
                .containsExactly("suppressed: hard-bounce (global)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void changesAppendedWithoutReadingFoldInTheOrderTheyArrived(String backend) throws Exception {
        open(backend);
        Suppression global = Suppression.global(READER, Reason.SPAM_TRAP, null, T0, null);
        suppress(global);
        suppress(Suppression.forTenant(READER, "acme", Reason.COMPLAINT, null, T0, null));
        suppress(Suppression.forTenant(READER, "globex", Reason.UNSUBSCRIBE, null, T0, null));
        assertThat(storedChanges(READER)).as("additions are appended").hasSize(3);
        harness.processElement2(new StreamRecord<>(SuppressionUpdate.remove(global)));
        assertThat(storedChanges(READER))
                .as("the removal read the list and wrote it back folded")
                .hasSize(1);
        suppress(Suppression.forTenant(READER, "acme", Reason.MANUAL, null, T0, null));
        suppress(Suppression.forTenant(READER, "initech", Reason.UNSUBSCRIBE, null, T0, null));
        assertThat(storedChanges(READER)).hasSize(3);

        send(message("m-1", "acme", READER));
        send(message("m-2", "globex", READER));
        send(message("m-3", "initech", READER));
        send(message("m-4", "hooli", READER));

        assertThat(forwarded()).containsExactly("m-4");
        assertThat(events())
                .extracting(Event::messageId, Event::reason)
                .containsExactly(
                        tuple("m-1", "suppressed: manual (tenant:acme)"),
                        tuple("m-2", "suppressed: unsubscribe (tenant:globex)"),
                        tuple("m-3", "suppressed: unsubscribe (tenant:initech)"));
        assertThat(storedChanges(READER)).as("the lookup wrote the fold back").hasSize(1);
    }

    @Test
    void twoScopesExpiringAtOneInstantShareATimerThatSurvivesRemovingOne() throws Exception {
        open("hashmap");
        Instant expiry = T0.plusSeconds(3600);
        Suppression global = Suppression.global(READER, Reason.MANUAL, null, T0, expiry);
        suppress(global);
        suppress(Suppression.forTenant(READER, "acme", Reason.UNSUBSCRIBE, null, T0, expiry));

        harness.processElement2(new StreamRecord<>(SuppressionUpdate.remove(global)));
        assertThat(harness.numProcessingTimeTimers()).isOne();
        harness.setProcessingTime(expiry.toEpochMilli());

        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void lookingUpAddressesNobodySuppressedLeavesNoState(String backend) throws Exception {
        open(backend);
        suppress(Suppression.global(READER, Reason.HARD_BOUNCE, null, T0, null));
        for (int i = 0; i < 1_000; i++) {
            send(message("m-" + i, i % 2 == 0 ? "acme" : "globex", "r" + i + "@example.com"));
        }

        assertThat(forwarded()).hasSize(1_000);
        // numKeyedStateEntries() knows only the heap backend; getKeys works on both.
        try (var keys =
                harness.getOperator()
                        .getKeyedStateBackend()
                        .getKeys(SuppressionFunction.STATE_NAME, VoidNamespace.INSTANCE)) {
            assertThat(keys.toList())
                    .as("only the one suppressed address has state")
                    .containsExactly(READER);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void everySuppressionSurvivesSnapshotAndRestore(String backend) throws Exception {
        open(backend);
        Instant expiry = T0.plusSeconds(3600);
        suppress(Suppression.global("a@example.com", Reason.HARD_BOUNCE, "e-a", T0, null));
        suppress(Suppression.forTenant("b@example.com", "acme", Reason.COMPLAINT, "e-b", T0, null));
        suppress(Suppression.global("c@example.com", Reason.MANUAL, "e-c", T0, expiry));
        suppress(
                Suppression.forTenant("c@example.com", "acme", Reason.UNSUBSCRIBE, null, T0, null));
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0.toEpochMilli());
        harness.close();

        harness = newHarness(backend);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(T0.plusSeconds(60).toEpochMilli());
        send(message("m-a", "globex", "a@example.com"));
        send(message("m-b1", "acme", "b@example.com"));
        send(message("m-b2", "globex", "b@example.com"));
        send(message("m-c1", "globex", "c@example.com"));
        harness.setProcessingTime(expiry.toEpochMilli());
        send(message("m-c2", "globex", "c@example.com"));
        send(message("m-c3", "acme", "c@example.com"));

        assertThat(forwarded()).containsExactly("m-b2", "m-c2");
        assertThat(events())
                .extracting(Event::messageId, Event::reason)
                .containsExactly(
                        tuple("m-a", "suppressed: hard-bounce (global)"),
                        tuple("m-b1", "suppressed: complaint (tenant:acme)"),
                        tuple("m-c1", "suppressed: manual (global)"),
                        tuple("m-c3", "suppressed: unsubscribe (tenant:acme)"));
        assertThat(harness.numProcessingTimeTimers())
                .as("the restored expiry timer fired")
                .isZero();
    }

    /**
     * Before the list, the join kept one value per address under the same state name. A savepoint
     * of that version must be refused with a clear error, never restored as an empty list that
     * would let mail go to every suppressed address.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSavepointOfTheValueStateVersionIsRefusedNotReadAsEmpty(String backend) throws Exception {
        var old =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new ValueStateVersion()),
                        SuppressionFunction.byRecipient(),
                        SuppressionFunction.byAddress(),
                        Types.STRING);
        old.setStateBackend(
                backend.equals("rocksdb")
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        old.open();
        old.processElement2(
                new StreamRecord<>(
                        SuppressionUpdate.add(
                                Suppression.global(READER, Reason.HARD_BOUNCE, null, T0, null))));
        OperatorSubtaskState snapshot = old.snapshot(1L, T0.toEpochMilli());
        old.close();

        harness = newHarness(backend);
        harness.setup();
        harness.initializeState(snapshot);
        assertThatThrownBy(() -> harness.open())
                .hasStackTraceContaining("state '" + SuppressionFunction.STATE_NAME + "'")
                .hasStackTraceContaining("Rebuild the list from its compacted topic");
    }

    /** The join's state as it was kept before the list: one value per address. */
    private static final class ValueStateVersion
            extends org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction<
                    String, Delivery, SuppressionUpdate, Delivery> {
        private transient org.apache.flink.api.common.state.ValueState<byte[]> value;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext context) {
            value =
                    getRuntimeContext()
                            .getState(
                                    new org.apache.flink.api.common.state.ValueStateDescriptor<>(
                                            SuppressionFunction.STATE_NAME,
                                            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        }

        @Override
        public void processElement1(Delivery d, Context ctx, Collector<Delivery> out) {
            out.collect(d);
        }

        @Override
        public void processElement2(SuppressionUpdate u, Context ctx, Collector<Delivery> out)
                throws Exception {
            value.update(SuppressionSet.empty(u.address()).with(u.suppression()).encode());
        }
    }

    /** The list of changes the join keeps for {@code address}, read from its state backend. */
    private List<byte[]> storedChanges(String address) throws Exception {
        var backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(address);
        ListState<byte[]> state =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new ListStateDescriptor<>(
                                SuppressionFunction.STATE_NAME,
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        List<byte[]> changes = new java.util.ArrayList<>();
        Iterable<byte[]> stored = state.get();
        if (stored != null) {
            stored.forEach(changes::add);
        }
        return changes;
    }

    private void suppress(Suppression s) throws Exception {
        harness.processElement2(new StreamRecord<>(SuppressionUpdate.add(s)));
    }

    private void send(Delivery d) throws Exception {
        harness.processElement1(new StreamRecord<>(d));
    }

    private void assertNothingLeft() {
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    private static Delivery message(String id, String tenant, String recipient) {
        Message m = Messages.valid(id);
        return new Delivery(
                new Message(
                        m.messageId(),
                        tenant,
                        m.campaign(),
                        m.priority(),
                        m.fromAddress(),
                        m.fromName(),
                        m.replyTo(),
                        recipient,
                        m.recipientName(),
                        m.subject(),
                        m.headers(),
                        m.textBody(),
                        m.htmlBody(),
                        m.unsubscribeUrl(),
                        m.ipPool(),
                        m.submittedAt(),
                        m.metadata()),
                1,
                null);
    }

    private List<String> forwarded() {
        return harness.extractOutputValues().stream().map(d -> d.message().messageId()).toList();
    }

    private List<Event> events() {
        var out = harness.getSideOutput(SuppressionFunction.EVENTS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }
}
