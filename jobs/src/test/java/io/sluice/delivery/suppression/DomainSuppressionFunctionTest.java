package io.sluice.delivery.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.intake.Messages;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.suppression.Suppression.Reason;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DomainSuppressionFunctionTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private TwoInputStreamOperatorTestHarness<Delivery, SuppressionUpdate, Delivery> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
        harness.setProcessingTime(T0.toEpochMilli());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static TwoInputStreamOperatorTestHarness<Delivery, SuppressionUpdate, Delivery>
            newHarness() throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(
                        new DomainSuppressionFunction(),
                        List.of(DomainSuppressionFunction.DOMAINS)));
    }

    @Test
    void aTrapDomainStopsEveryAddressAtItInEverySpelling() throws Exception {
        update(
                SuppressionUpdate.add(
                        Suppression.global(
                                SuppressionKey.ofDomain("Bücher.example"),
                                Reason.SPAM_TRAP,
                                null,
                                T0,
                                null)));

        send("m-1", "acme", "a@xn--bcher-kva.example");
        send("m-2", "globex", "B@BÜCHER.example");
        send("m-3", "acme", "a@other.example");

        assertThat(forwarded()).containsExactly("m-3");
        assertThat(events())
                .extracting(Event::reason)
                .containsOnly("suppressed: spam-trap (global, domain xn--bcher-kva.example)");
    }

    @Test
    void aTenantScopedDomainStopsOnlyThatTenantUntilRemoved() throws Exception {
        Suppression closed =
                Suppression.forTenant(
                        SuppressionKey.ofDomain("corp.example"),
                        "acme",
                        Reason.MANUAL,
                        null,
                        T0,
                        null);
        update(SuppressionUpdate.add(closed));
        send("m-1", "acme", "x@corp.example");
        send("m-2", "globex", "x@corp.example");
        update(SuppressionUpdate.remove(closed));
        send("m-3", "acme", "x@corp.example");

        assertThat(forwarded()).containsExactly("m-2", "m-3");
    }

    @Test
    void anExpiredDomainSuppressionStopsApplyingAtItsExpiry() throws Exception {
        update(
                SuppressionUpdate.add(
                        Suppression.global(
                                "@corp.example", Reason.MANUAL, null, T0, T0.plusSeconds(60))));
        send("m-1", "acme", "x@corp.example");
        harness.setProcessingTime(T0.plusSeconds(60).toEpochMilli());
        send("m-2", "acme", "x@corp.example");

        assertThat(forwarded()).containsExactly("m-2");
    }

    @Test
    void theDomainListSurvivesSnapshotAndRestore() throws Exception {
        update(
                SuppressionUpdate.add(
                        Suppression.global("@trap.example", Reason.SPAM_TRAP, null, T0, null)));
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0.toEpochMilli());
        harness.close();

        harness = newHarness();
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        send("m-1", "acme", "x@trap.example");
        send("m-2", "acme", "x@fine.example");

        assertThat(forwarded()).containsExactly("m-2");
    }

    private void update(SuppressionUpdate u) throws Exception {
        harness.processElement2(new StreamRecord<>(u));
    }

    private void send(String id, String tenant, String recipient) throws Exception {
        var m = Messages.with(Messages.valid(id), b -> b.setTenant(tenant).setRecipient(recipient));
        harness.processElement1(new StreamRecord<>(new Delivery(m, 1, null)));
    }

    private List<String> forwarded() {
        return harness.extractOutputValues().stream().map(d -> d.message().messageId()).toList();
    }

    private List<Event> events() {
        var out = harness.getSideOutput(DomainSuppressionFunction.EVENTS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }
}
