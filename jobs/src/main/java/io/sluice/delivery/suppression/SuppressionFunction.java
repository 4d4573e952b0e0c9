package io.sluice.delivery.suppression;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.mta.address.EmailAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
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
 * SuppressionUpdate}s. State: {@code suppressions}, one list per address of {@link SuppressionSet}
 * changes in compact bytes, to which an addition is appended without a read (RocksDB's merge), and
 * which is folded, oldest first, into the set of the address's scopes when read; a read that finds
 * several changes writes the set back as one. An address nobody suppressed has no state at all, and
 * neither a lookup nor the removal of an address that was never on the list creates any. Timers:
 * one processing-time timer per distinct expiry, which drops the entries that lapse then; a timer
 * whose entry was replaced meanwhile fires and finds nothing to drop. An address's state is cleared
 * when its last entry goes: by a removal, by the expiry timer, or by a lookup that finds everything
 * lapsed. A suppressed delivery becomes a final SUPPRESSED {@link Event} on {@link #EVENTS} and
 * goes no further.
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

    private transient ListState<byte[]> suppressions;
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
        try {
            suppressions =
                    getRuntimeContext()
                            .getListState(
                                    new ListStateDescriptor<>(
                                            STATE_NAME,
                                            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        } catch (RuntimeException e) {
            // Flink refuses a state restored under this name with another type; say which one
            // and what to do, rather than only "Incompatible key/value state types".
            if (org.apache.flink.util.ExceptionUtils.findThrowableWithMessage(
                            e, "Incompatible key/value state types")
                    .isEmpty()) {
                throw e;
            }
            throw new IllegalStateException(
                    "the suppression list in this checkpoint or savepoint (state '"
                            + STATE_NAME
                            + "') was kept by an earlier Sluice as one value per address; this"
                            + " version keeps a list of changes and cannot read it. Rebuild the"
                            + " list from its compacted topic: start the job without this"
                            + " checkpoint, after resetting the job's consumer group"
                            + " (sluice.kafka.group-id) to the earliest offsets of the"
                            + " suppression topic (kafka-consumer-groups.sh --reset-offsets"
                            + " --to-earliest), so that it reads every change again (CHANGELOG,"
                            + " ADR 0003)",
                    e);
        }
        suppressedMessages = getRuntimeContext().getMetricGroup().counter("suppressedMessages");
    }

    @Override
    public void processElement1(Delivery d, Context ctx, Collector<Delivery> out) throws Exception {
        // One point lookup, which RocksDB's whole-key bloom filter answers from memory for the
        // common address nobody suppressed.
        Iterable<byte[]> changes = suppressions.get();
        if (isEmpty(changes)) {
            out.collect(d);
            return;
        }
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        Suppression hit =
                settle(listOf(changes), ctx.getCurrentKey(), now)
                        .applying(d.message().tenant(), now);
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

    /**
     * An addition is appended to the address's list without reading it: a load of millions of
     * addresses costs one RocksDB merge each, not a read and a write (ADR 0003). A removal, rare,
     * reads first, so that taking off an address that was never on leaves no state; an addition
     * that has already lapsed still ends what its scope had, so it counts as a removal.
     */
    @Override
    public void processElement2(SuppressionUpdate u, Context ctx, Collector<Delivery> out)
            throws Exception {
        Suppression s = u.suppression();
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        if (u.action() == SuppressionUpdate.Action.ADD && s.isActiveAt(now)) {
            suppressions.add(SuppressionSet.addition(s));
            if (s.expiresAt() != null) {
                ctx.timerService().registerProcessingTimeTimer(timerOf(s.expiresAt()));
            }
            return;
        }
        Iterable<byte[]> changes = suppressions.get();
        if (!isEmpty(changes)) {
            List<byte[]> elements = listOf(changes);
            elements.add(SuppressionSet.removal(s));
            settle(elements, u.address(), now);
        }
    }

    /**
     * An expiry: settles the address's list, which drops what has lapsed. A timer whose entry was
     * replaced or removed meanwhile finds nothing lapsed, and only compacts the list.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Delivery> out)
            throws Exception {
        Iterable<byte[]> changes = suppressions.get();
        if (!isEmpty(changes)) {
            settle(listOf(changes), ctx.getCurrentKey(), Instant.ofEpochMilli(timestamp));
        }
    }

    /**
     * Folds the address's changes into the set in force at {@code now} and, when that is not what
     * is stored already (several changes, or a lapsed entry), writes it back as one element, or
     * clears the state when nothing is left (a removal folds to nothing).
     */
    private SuppressionSet settle(List<byte[]> elements, String address, Instant now)
            throws Exception {
        SuppressionSet folded = SuppressionSet.fold(address, elements);
        SuppressionSet active = folded.activeAt(now);
        if (active.isEmpty()) {
            suppressions.clear();
        } else if (elements.size() > 1 || active.entries().size() != folded.entries().size()) {
            suppressions.update(List.of(active.encode()));
        }
        return active;
    }

    private static List<byte[]> listOf(Iterable<byte[]> changes) {
        List<byte[]> elements = new ArrayList<>(3);
        changes.forEach(elements::add);
        return elements;
    }

    private static boolean isEmpty(Iterable<byte[]> changes) {
        return changes == null || !changes.iterator().hasNext();
    }

    /** State keeps whole seconds, so the timer does too: it fires when the stored entry lapses. */
    private static long timerOf(Instant expiresAt) {
        return expiresAt.getEpochSecond() * 1000;
    }
}
