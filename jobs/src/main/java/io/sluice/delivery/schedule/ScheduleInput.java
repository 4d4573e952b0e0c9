package io.sluice.delivery.schedule;

import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.shaping.Feedback;

/**
 * What reaches one scheduler key: a message to queue, or feedback about an attempt (exactly one is
 * set). One type, because a keyed broadcast function has one keyed input.
 *
 * @param key {@link SiteKeys#key(String, int)}: the site and the shard
 */
public record ScheduleInput(String key, Delivery delivery, Feedback feedback) {

    public static ScheduleInput message(String key, Delivery d) {
        return new ScheduleInput(key, d, null);
    }

    public static ScheduleInput feedback(String key, Feedback f) {
        return new ScheduleInput(key, null, f);
    }
}
