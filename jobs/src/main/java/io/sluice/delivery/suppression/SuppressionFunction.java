package io.sluice.delivery.suppression;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.mta.address.EmailAddress;
import java.time.Instant;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The suppression join: holds back every message whose recipient is suppressed, globally or for the
 * message's tenant, and passes the rest on unchanged. Why a keyed join and not a broadcast:
 * docs/adr/0003-suppression-keyed-join.md.
 *
 * <p>Key: the recipient's {@link SuppressionKey} (deliveries: {@link #byRecipient()}; updates:
 * {@link SuppressionUpdate#address()}). Input 1 is deliveries (first attempts and retries alike, so
 * a suppression that arrives while a message waits for its retry stops the retry), input 2 {@link
 * SuppressionUpdate}s. State: {@code suppressions}, one value per address, the {@link
 * SuppressionSet} of its scopes in compact bytes; an address nobody suppressed has no state at all,
 * and a lookup creates none. Timers: one processing-time timer per distinct expiry, which drops the
 * entries that lapse then. An address's state is cleared when its last entry goes: by a removal, by
 * the expiry timer, or by a lookup that finds everything lapsed. A suppressed delivery becomes a
 * final SUPPRESSED {@link Event} on {@link #EVENTS} and goes no further.
 *
 * <p>Ordering: messages and updates for one address share the key, so they meet on one subtask and
 * are processed one at a time against the same state. An update processed before a message always
 * wins: no message to that address processed after it is forwarded. A message processed before the
 * update was ahead of it, as if it had been sent a moment earlier; nothing can be done about that
 * short of delaying every message. Updates for one address and scope stay in order because the
 * topic's key ({@code <scope>:<address>}) puts them in one partition, read by one source subtask
 * over one channel. After a failure, state and both inputs' offsets restart from the same
 * checkpoint, so the replay may order a message and an update differently from the lost run, whose
 * output was never committed. The full argument is in the ADR.
 */
public final class SuppressionFunction
        extends KeyedCoProcessFunction<String, Delivery, SuppressionUpdate, Delivery> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Event> EVENTS = new OutputTag<>("suppression-events") {};

    /** The state's name; savepoints find the state by it, so never change it. */
    static final String STATE_NAME = "suppressions";

    private transient ValueState<byte[]> suppressions;
    private transient Counter suppressedMessages;

    /**
     * Keys a delivery by its recipient, the way updates are keyed. The ledger has validated the
     * address; should one still not parse, its lower-cased text is the key, which no update can
     * match wrongly because updates are normalized by the same rule.
     */
    public static KeySelector<Delivery, String> byRecipient() {
        return d -> key(d.message().recipient());
    }

    /** Keys an update by its (already normalized) address. */
    public static KeySelector<SuppressionUpdate, String> byAddress() {
        return SuppressionUpdate::address;
    }

    static String key(String recipient) {
        try {
            return SuppressionKey.ofValid(recipient);
        } catch (EmailAddress.InvalidAddressException e) {
            return recipient.toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public void open(OpenContext context) {
        suppressions =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        STATE_NAME,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        suppressedMessages = getRuntimeContext().getMetricGroup().counter("suppressedMessages");
    }

    @Override
    public void processElement1(Delivery d, Context ctx, Collector<Delivery> out) throws Exception {
        // One point lookup, which RocksDB's whole-key bloom filter answers from memory for the
        // common address nobody suppressed.
        byte[] bytes = suppressions.value();
        if (bytes == null) {
            out.collect(d);
            return;
        }
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        SuppressionSet set = SuppressionSet.decode(ctx.getCurrentKey(), bytes);
        Suppression hit = set.applying(d.message().tenant(), now);
        SuppressionSet active = set.activeAt(now);
        if (active.entries().size() != set.entries().size()) {
            // Lapsed, and its timer has not fired yet (timers fire between records).
            store(active, set, ctx);
        }
        if (hit == null) {
            out.collect(d);
            return;
        }
        suppressedMessages.inc();
        ctx.output(
                EVENTS,
                Event.of(
                        d.message(),
                        EventType.SUPPRESSED,
                        now,
                        "suppressed: " + hit.reason().label() + " (" + hit.scopeKey() + ")"));
    }

    @Override
    public void processElement2(SuppressionUpdate u, Context ctx, Collector<Delivery> out)
            throws Exception {
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        byte[] bytes = suppressions.value();
        Suppression s = u.suppression();
        if (bytes == null) {
            // The common case of a load: an address with no state yet. A removal (or a lapsed
            // addition) leaves it without state, and needs no write at all.
            if (u.action() == SuppressionUpdate.Action.ADD && s.isActiveAt(now)) {
                SuppressionSet none = SuppressionSet.empty(u.address());
                store(none.with(s), none, ctx);
            }
            return;
        }
        SuppressionSet before = SuppressionSet.decode(u.address(), bytes);
        SuppressionSet after = before.without(s.scopeKey());
        // An addition that has already lapsed still replaces (and so ends) what the scope had.
        if (u.action() == SuppressionUpdate.Action.ADD && s.isActiveAt(now)) {
            after = after.with(s);
        }
        store(after, before, ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Delivery> out)
            throws Exception {
        byte[] bytes = suppressions.value();
        if (bytes == null) {
            return;
        }
        SuppressionSet set = SuppressionSet.decode(ctx.getCurrentKey(), bytes);
        SuppressionSet active = set.activeAt(Instant.ofEpochMilli(timestamp));
        if (active.entries().size() != set.entries().size()) {
            store(active, set, ctx);
        }
    }

    /**
     * Writes {@code after} in place of {@code before} (clearing the state when it is empty) and
     * moves the expiry timers along: one per distinct expiry, since timers are unique per key and
     * timestamp.
     */
    private void store(SuppressionSet after, SuppressionSet before, Context ctx) throws Exception {
        if (after.isEmpty()) {
            suppressions.clear();
        } else {
            suppressions.update(after.encode());
        }
        for (Suppression gone : before.entries()) {
            if (gone.expiresAt() != null && !expiresAt(after, gone.expiresAt())) {
                ctx.timerService().deleteProcessingTimeTimer(timerOf(gone.expiresAt()));
            }
        }
        for (Suppression kept : after.entries()) {
            if (kept.expiresAt() != null && !expiresAt(before, kept.expiresAt())) {
                ctx.timerService().registerProcessingTimeTimer(timerOf(kept.expiresAt()));
            }
        }
    }

    private static boolean expiresAt(SuppressionSet set, Instant at) {
        for (Suppression s : set.entries()) {
            if (at.equals(s.expiresAt())) {
                return true;
            }
        }
        return false;
    }

    /** State keeps whole seconds, so the timer does too: it fires when the stored entry lapses. */
    private static long timerOf(Instant expiresAt) {
        return expiresAt.getEpochSecond() * 1000;
    }
}
