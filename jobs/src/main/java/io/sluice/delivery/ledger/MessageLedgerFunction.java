package io.sluice.delivery.ledger;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.delivery.intake.Message;
import io.sluice.delivery.intake.MessageValidator;
import io.sluice.delivery.intake.Rejection;
import io.sluice.delivery.intake.SenderDomainPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The ledger of messages, keyed by message id: it admits each id once (the producer's id is the
 * idempotency key, so a re-sent request gets no second outcome), validates what it admits, and
 * holds deferred messages until their next attempt is due.
 *
 * <p>State: {@code admitted} (when the id was first seen; expires after the dedupe window) and
 * {@code pending} (a deferred message; cleared when its timer fires). Timers: one processing-time
 * timer per pending message, at its next attempt. Emits {@link Delivery} downstream and ACCEPTED
 * and REJECTED events to {@link #EVENTS}.
 */
public final class MessageLedgerFunction
        extends KeyedCoProcessFunction<String, Message, Deferred, Delivery> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Event> EVENTS = new OutputTag<>("ledger-events") {};

    private final MessageValidator validator;
    private final SenderDomainPolicy senderDomains;
    private final Duration dedupeWindow;

    private transient ValueState<Long> admitted;
    private transient ValueState<Deferred> pending;
    private transient Counter duplicates;

    public MessageLedgerFunction(
            MessageValidator validator, SenderDomainPolicy senderDomains, Duration dedupeWindow) {
        this.validator = validator;
        this.senderDomains = senderDomains;
        this.dedupeWindow = dedupeWindow;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        senderDomains.open(Clock.systemUTC());
        ValueStateDescriptor<Long> admittedDescriptor =
                new ValueStateDescriptor<>("admitted", Long.class);
        admittedDescriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(dedupeWindow)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        admitted = getRuntimeContext().getState(admittedDescriptor);
        pending =
                getRuntimeContext().getState(new ValueStateDescriptor<>("pending", Deferred.class));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateRequests");
    }

    @Override
    public void close() throws Exception {
        senderDomains.close();
        super.close();
    }

    @Override
    public void processElement1(Message m, Context ctx, Collector<Delivery> out) throws Exception {
        if (admitted.value() != null) {
            duplicates.inc();
            return;
        }
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        admitted.update(now.toEpochMilli());
        Optional<Rejection> rejection =
                validator.check(m).or(() -> senderDomains.check(m.tenant(), m.fromAddress()));
        if (rejection.isPresent()) {
            ctx.output(EVENTS, Event.of(m, EventType.REJECTED, now, rejection.get().reason()));
            return;
        }
        ctx.output(EVENTS, Event.of(m, EventType.ACCEPTED, now, null));
        out.collect(new Delivery(m, 1, null));
    }

    @Override
    public void processElement2(Deferred d, Context ctx, Collector<Delivery> out) throws Exception {
        Deferred previous = pending.value();
        if (previous != null) {
            ctx.timerService().deleteProcessingTimeTimer(previous.nextAttemptAt().toEpochMilli());
        }
        pending.update(d);
        ctx.timerService().registerProcessingTimeTimer(d.nextAttemptAt().toEpochMilli());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Delivery> out)
            throws Exception {
        Deferred d = pending.value();
        if (d == null || d.nextAttemptAt().toEpochMilli() != timestamp) {
            return;
        }
        pending.clear();
        out.collect(new Delivery(d.message(), d.attempts() + 1, d.firstAttemptAt()));
    }
}
