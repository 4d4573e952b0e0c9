package io.sluice.delivery.schedule;

import io.sluice.delivery.shaping.Feedback;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Sends one attempt's feedback to every shard of its site: each shard paces its own share of the
 * site's IPs, so a throttle, a block or a dead-site verdict must reach all of them
 * (docs/design/scheduling.md). Stateless.
 */
public final class FeedbackFanOut implements FlatMapFunction<Feedback, ScheduleInput> {

    private static final long serialVersionUID = 1L;

    private final SiteKeys keys;

    public FeedbackFanOut(SiteKeys keys) {
        this.keys = keys;
    }

    @Override
    public void flatMap(Feedback f, Collector<ScheduleInput> out) {
        int shards = keys.shards(f.site());
        for (int s = 0; s < shards; s++) {
            out.collect(ScheduleInput.feedback(SiteKeys.key(f.site(), s), f));
        }
    }
}
