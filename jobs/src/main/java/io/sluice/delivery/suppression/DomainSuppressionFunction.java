package io.sluice.delivery.suppression;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.delivery.ledger.Delivery;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Stops deliveries to a suppressed domain (a spam-trap domain, a domain an operator closed) for
 * everyone or for one tenant, before any address lookup. The domain list is small and applies to
 * many addresses at once, so every instance holds all of it (ADR 0003).
 *
 * <p>Input 1 is deliveries, input 2 the broadcast domain-wide {@link SuppressionUpdate}s ({@link
 * SuppressionUpdate#isDomainWide()}). State: broadcast state {@code suppressed-domains}, from
 * {@code @domain} to its {@link SuppressionSet} bytes. No timers: a lapsed entry stops applying at
 * its expiry and is dropped by the next update of its domain; an entry is removed by a REMOVE, and
 * a domain's state goes when its last entry does.
 */
public final class DomainSuppressionFunction
        extends BroadcastProcessFunction<Delivery, SuppressionUpdate, Delivery> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Event> EVENTS = new OutputTag<>("domain-suppression-events") {};

    /** The broadcast state; its name is stable because savepoints find it by name. */
    public static final MapStateDescriptor<String, byte[]> DOMAINS =
            new MapStateDescriptor<>(
                    "suppressed-domains",
                    Types.STRING,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private transient Counter suppressedMessages;

    @Override
    public void open(OpenContext context) {
        suppressedMessages = getRuntimeContext().getMetricGroup().counter("suppressedMessages");
    }

    @Override
    public void processElement(Delivery d, ReadOnlyContext ctx, Collector<Delivery> out)
            throws Exception {
        String domain = SuppressionKey.domainOf(SuppressionFunction.key(d.message().recipient()));
        byte[] bytes = ctx.getBroadcastState(DOMAINS).get(domain);
        Instant now = Instant.ofEpochMilli(ctx.currentProcessingTime());
        Suppression hit =
                bytes == null
                        ? null
                        : SuppressionSet.decode(domain, bytes).applying(d.message().tenant(), now);
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
                        "suppressed: "
                                + hit.reason().label()
                                + " ("
                                + hit.scopeKey()
                                + ", domain "
                                + domain.substring(1)
                                + ")"));
    }

    @Override
    public void processBroadcastElement(SuppressionUpdate u, Context ctx, Collector<Delivery> out)
            throws Exception {
        BroadcastState<String, byte[]> domains = ctx.getBroadcastState(DOMAINS);
        Instant now = Instant.ofEpochMilli(ctx.currentProcessingTime());
        byte[] bytes = domains.get(u.address());
        SuppressionSet set =
                (bytes == null
                                ? SuppressionSet.empty(u.address())
                                : SuppressionSet.decode(u.address(), bytes))
                        .activeAt(now)
                        .without(u.suppression().scopeKey());
        if (u.action() == SuppressionUpdate.Action.ADD && u.suppression().isActiveAt(now)) {
            set = set.with(u.suppression());
        }
        if (set.isEmpty()) {
            domains.remove(u.address());
        } else {
            domains.put(u.address(), set.encode());
        }
    }
}
