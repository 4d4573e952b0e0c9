package io.sluice.reputation;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps one entity's reputation and emits the decisions it leads to (the logic is {@link
 * EntityReputation}'s).
 *
 * <p>Key: the entity ({@link Entity#key()}). State: {@code reputation}, one {@code byte[]} with the
 * rolling counts, warm-up progress, last decision and the key's timer. Timer: one processing-time
 * timer per key, at the earliest of the next warm-up evaluation, the end of a block, and the moment
 * the last counted bucket leaves the day window. Cleared: when that timer (or an input) finds
 * nothing left to keep -- no counts in the last 24 h, no warm-up in progress, no block in force --
 * the state is cleared and no timer remains.
 *
 * <p>Time: counts land in the bucket of the event's {@code occurred_at}; windows end at the
 * operator's processing time. Event time was rejected: its watermark would wait for the feedback
 * topic, idle for long stretches, and a replay after a restart still puts each count in its own
 * bucket this way.
 */
public final class ReputationFunction extends KeyedProcessFunction<String, Signal, Decision> {

    private static final long serialVersionUID = 1L;

    private final ReputationPolicy policy;
    private transient ValueState<byte[]> state;
    private transient Counter decisions;

    public ReputationFunction(ReputationPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void open(OpenContext context) {
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "reputation",
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        decisions = getRuntimeContext().getMetricGroup().counter("decisions");
    }

    @Override
    public void processElement(Signal s, Context ctx, Collector<Decision> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        EntityReputation r =
                EntityReputation.decode(
                        Entity.parse(ctx.getCurrentKey()), state.value(), policy.timeScale());
        List<Decision> made =
                switch (s.kind()) {
                    case COUNT -> r.count(policy, s.counter(), s.at(), now, 1, s.detail());
                    case START_WARMUP -> r.startWarmup(policy, now);
                    case OPERATOR -> {
                        r.operator(s.status());
                        yield List.of();
                    }
                };
        emit(made, out);
        persist(r, now, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out)
            throws Exception {
        byte[] bytes = state.value();
        if (bytes == null) {
            return;
        }
        EntityReputation r =
                EntityReputation.decode(
                        Entity.parse(ctx.getCurrentKey()), bytes, policy.timeScale());
        r.timerAt(0); // this one has fired
        emit(r.tick(policy, timestamp), out);
        persist(r, timestamp, ctx.timerService());
    }

    private void emit(List<Decision> made, Collector<Decision> out) {
        for (Decision d : made) {
            decisions.inc();
            out.collect(d);
        }
    }

    private void persist(
            EntityReputation r, long now, org.apache.flink.streaming.api.TimerService timers)
            throws Exception {
        long wanted = r.isIdle(now) ? 0 : r.nextEvaluation(policy, now);
        if (wanted == Long.MAX_VALUE) {
            wanted = 0;
        }
        if (r.timerAt() != wanted) {
            if (r.timerAt() > 0) {
                timers.deleteProcessingTimeTimer(r.timerAt());
            }
            if (wanted > 0) {
                timers.registerProcessingTimeTimer(wanted);
            }
            r.timerAt(wanted);
        }
        if (r.isIdle(now)) {
            state.clear();
        } else {
            state.update(r.encode(now));
        }
    }
}
