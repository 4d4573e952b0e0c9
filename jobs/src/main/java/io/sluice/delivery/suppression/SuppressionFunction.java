package io.sluice.delivery.suppression;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.delivery.intake.Message;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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
 * <p>Key: the recipient's {@link SuppressionKey} (messages: {@link #byRecipient()}; updates: {@link
 * SuppressionUpdate#address()}). Input 1 is messages, input 2 {@link SuppressionUpdate}s. State:
 * {@code suppressions}, a map from scope ({@code global} or {@code tenant:<id>}) to the {@link
 * Suppression} in force; an address nobody suppressed has no state at all, and a lookup creates
 * none. Timers: one processing-time timer per distinct expiry, which clears the entries that lapse
 * then. State is cleared by a removal, by a replacing addition, by the expiry timer, and by a
 * lookup that finds an entry already lapsed. A suppressed message becomes a final SUPPRESSED {@link
 * Event} on {@link #EVENTS} and goes no further.
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
        extends KeyedCoProcessFunction<String, Message, SuppressionUpdate, Message> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Event> EVENTS = new OutputTag<>("suppression-events") {};

    /** The state's name; savepoints find the state by it, so never change it. */
    static final String STATE_NAME = "suppressions";

    private transient MapState<String, Suppression> suppressions;
    private transient Counter suppressedMessages;

    /** Keys a message by its recipient, the way updates are keyed. */
    public static KeySelector<Message, String> byRecipient() {
        return m -> SuppressionKey.of(m.recipient());
    }

    /** Keys an update by its (already normalized) address. */
    public static KeySelector<SuppressionUpdate, String> byAddress() {
        return SuppressionUpdate::address;
    }

    @Override
    public void open(OpenContext context) {
        suppressions =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        STATE_NAME,
                                        Types.STRING,
                                        TypeInformation.of(Suppression.class)));
        suppressedMessages = getRuntimeContext().getMetricGroup().counter("suppressedMessages");
    }

    @Override
    public void processElement1(Message m, Context ctx, Collector<Message> out) throws Exception {
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        // Two point lookups rather than one scan of the address's entries: a point get is what
        // RocksDB's whole-key bloom filter answers without reading a block from disk.
        Suppression hit = active(Suppression.GLOBAL_SCOPE, now, ctx);
        if (hit == null && m.tenant() != null) {
            hit = active(Suppression.tenantScope(m.tenant()), now, ctx);
        }
        if (hit == null) {
            out.collect(m);
            return;
        }
        suppressedMessages.inc();
        ctx.output(
                EVENTS,
                Event.of(
                        m,
                        EventType.SUPPRESSED,
                        now,
                        "suppressed: " + hit.reason().label() + " (" + hit.scopeKey() + ")"));
    }

    @Override
    public void processElement2(SuppressionUpdate u, Context ctx, Collector<Message> out)
            throws Exception {
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        Suppression s = u.suppression();
        String scope = s.scopeKey();
        Suppression previous = suppressions.get(scope);
        if (previous != null) {
            suppressions.remove(scope);
            deleteTimerIfUnused(previous, ctx);
        }
        // An addition that has already lapsed still replaces (and so ends) what the scope had.
        if (u.action() == SuppressionUpdate.Action.ADD && s.isActiveAt(now)) {
            suppressions.put(scope, s);
            if (s.expiresAt() != null) {
                ctx.timerService().registerProcessingTimeTimer(s.expiresAt().toEpochMilli());
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Message> out)
            throws Exception {
        Instant at = Instant.ofEpochMilli(timestamp);
        List<String> lapsed = new ArrayList<>(2);
        for (Map.Entry<String, Suppression> e : suppressions.entries()) {
            if (!e.getValue().isActiveAt(at)) {
                lapsed.add(e.getKey());
            }
        }
        for (String scope : lapsed) {
            suppressions.remove(scope);
        }
    }

    /** The suppression in force for {@code scope} at {@code now}; removes it if it has lapsed. */
    private Suppression active(String scope, Instant now, Context ctx) throws Exception {
        Suppression s = suppressions.get(scope);
        if (s == null || s.isActiveAt(now)) {
            return s;
        }
        // Lapsed, and its timer has not fired yet (timers fire between records, not before them).
        suppressions.remove(scope);
        deleteTimerIfUnused(s, ctx);
        return null;
    }

    /**
     * Deletes the expiry timer of a removed entry unless another entry of this address lapses at
     * the same instant: timers are unique per key and timestamp, so the two share one.
     */
    private void deleteTimerIfUnused(Suppression removed, Context ctx) throws Exception {
        if (removed.expiresAt() == null) {
            return;
        }
        for (Suppression other : suppressions.values()) {
            if (removed.expiresAt().equals(other.expiresAt())) {
                return;
            }
        }
        ctx.timerService().deleteProcessingTimeTimer(removed.expiresAt().toEpochMilli());
    }
}
