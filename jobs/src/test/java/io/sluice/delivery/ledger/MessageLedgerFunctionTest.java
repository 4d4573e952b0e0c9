package io.sluice.delivery.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.delivery.intake.Message;
import io.sluice.delivery.intake.MessageValidator;
import io.sluice.delivery.intake.Messages;
import io.sluice.delivery.intake.SenderDomainPolicy;
import io.sluice.delivery.send.ReturnPaths;
import io.sluice.delivery.send.SendingPools;
import io.sluice.delivery.shaping.PoolPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MessageLedgerFunctionTest {

    private static final long T0 = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

    private KeyedTwoInputStreamOperatorTestHarness<String, Message, Deferred, Delivery> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
        harness.setProcessingTime(T0);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Message, Deferred, Delivery>
            newHarness() throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(
                        new MessageLedgerFunction(
                                new MessageValidator(1 << 20, true),
                                claimsOnly("acme/acme.example"),
                                Duration.ofDays(1))),
                Message::messageId,
                d -> d.message().messageId(),
                Types.STRING);
    }

    @Test
    void admitsAMessageOnceAndEmitsAccepted() throws Exception {
        harness.processElement1(new StreamRecord<>(Messages.valid("m-1")));
        harness.processElement1(new StreamRecord<>(Messages.valid("m-1")));

        assertThat(deliveries())
                .extracting(d -> d.message().messageId() + "#" + d.attempt())
                .containsExactly("m-1#1");
        assertThat(events()).extracting(Event::type).containsExactly(EventType.ACCEPTED);
    }

    @Test
    void anInvalidMessageIsRejectedAndNeverDelivered() throws Exception {
        Message bad = Messages.with(Messages.valid("m-2"), b -> b.setRecipient("not-an-address"));

        harness.processElement1(new StreamRecord<>(bad));

        assertThat(deliveries()).isEmpty();
        assertThat(events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.type()).isEqualTo(EventType.REJECTED);
                            assertThat(e.reason()).startsWith("invalid-recipient");
                        });
    }

    @Test
    void aFromDomainItsTenantHasNotClaimedIsRejectedAndNeverDelivered() throws Exception {
        Message foreign =
                Messages.with(Messages.valid("m-3"), b -> b.setFromAddress("ceo@globex.example"));
        Message otherTenant = Messages.with(Messages.valid("m-4"), b -> b.setTenant("globex"));

        harness.processElement1(new StreamRecord<>(foreign));
        harness.processElement1(new StreamRecord<>(otherTenant));

        assertThat(deliveries()).isEmpty();
        assertThat(events())
                .extracting(Event::type, Event::reason)
                .containsExactly(
                        tuple(
                                EventType.REJECTED,
                                "sender-domain-not-verified: tenant acme has not claimed"
                                        + " globex.example (sluice.sender-domains"
                                        + " acme/globex.example)"),
                        tuple(
                                EventType.REJECTED,
                                "sender-domain-not-verified: tenant globex has not claimed"
                                        + " acme.example (sluice.sender-domains"
                                        + " globex/acme.example)"));
    }

    /** The claims alone: DNS verification is {@link SenderDomainPolicyTest}'s. */
    static SenderDomainPolicy claimsOnly(String... claims) {
        List<String> ips = List.of("shared/127.0.0.1/localhost");
        return new SenderDomainPolicy(
                List.of(claims),
                false,
                Duration.ofHours(1),
                SendingPools.parse(ips, "shared"),
                PoolPolicy.of(ips, List.of(), "shared"),
                List.of(),
                ReturnPaths.none(),
                () -> {
                    throw new AssertionError("no DNS without verification");
                });
    }

    @Test
    void holdsADeferredMessageUntilItsTimeAndThenClearsIt() throws Exception {
        Instant due = Instant.ofEpochMilli(T0 + 60_000);
        harness.processElement2(
                new StreamRecord<>(
                        new Deferred(
                                Messages.valid("m-3"),
                                1,
                                Instant.ofEpochMilli(T0),
                                due,
                                "451 later")));

        harness.setProcessingTime(T0 + 59_999);
        assertThat(deliveries()).isEmpty();

        harness.setProcessingTime(T0 + 60_000);
        assertThat(deliveries())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.attempt()).isEqualTo(2);
                            assertThat(d.firstAttemptAt()).isEqualTo(Instant.ofEpochMilli(T0));
                        });
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aWaitingRetrySurvivesSnapshotAndRestore() throws Exception {
        harness.processElement1(new StreamRecord<>(Messages.valid("m-4")));
        harness.processElement2(
                new StreamRecord<>(
                        new Deferred(
                                Messages.valid("m-4"),
                                1,
                                Instant.ofEpochMilli(T0),
                                Instant.ofEpochMilli(T0 + 5_000),
                                "451")));
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();

        harness = newHarness();
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(T0 + 5_000);
        harness.processElement1(new StreamRecord<>(Messages.valid("m-4")));

        assertThat(deliveries()).extracting(Delivery::attempt).containsExactly(2);
        assertThat(events())
                .as("the restored ledger still knows m-4: no second ACCEPTED")
                .isEmpty();
    }

    private List<Delivery> deliveries() {
        return harness.extractOutputValues();
    }

    private List<Event> events() {
        return harness.getSideOutput(MessageLedgerFunction.EVENTS) == null
                ? List.of()
                : harness.getSideOutput(MessageLedgerFunction.EVENTS).stream()
                        .map(StreamRecord::getValue)
                        .toList();
    }
}
