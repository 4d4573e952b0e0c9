package io.sluice.delivery.send;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many connections a sending IP may hold to a site, learned from the site's replies, after
 * Postfix's concurrency feedback (SCHEDULER_README; REFERENCE.md "Throttling and backoff"): the
 * shaping rule's share is the ceiling; a "too many connections" refusal of a new connection lowers
 * the limit by one (negative feedback 1), never below one; the limit then comes back one connection
 * per {@code recoverEvery} without a refusal, up to the ceiling, where the IP and site are
 * forgotten. Sites that never refuse cost nothing: nothing is kept for them.
 *
 * <p>Recovery is by time, not Postfix's 1/N per delivery: a site that refuses above a fixed count
 * (the Yahoo-like provider's 5) saw the limit climb back within a few deliveries and refuse again,
 * as often as before (750 refusals in a 3-day simulation either way); one step a minute refuses
 * about once a minute per task.
 *
 * <p>The limit is this task's (each parallel SMTP task holds its own connections and its share of
 * the rule's); thread-safe.
 */
final class ConnectionConcurrency {

    private record Learned(int limit, long since) {}

    private final ConcurrentHashMap<String, Learned> learned = new ConcurrentHashMap<>();
    private final long recoverEveryMillis;

    ConnectionConcurrency(Duration recoverEvery) {
        this.recoverEveryMillis = recoverEvery.toMillis();
        if (recoverEveryMillis <= 0) {
            throw new IllegalArgumentException(
                    "recover every " + recoverEvery + " -- expected > 0");
        }
    }

    /** The connections {@code ip} may hold to {@code site} at {@code now}: 1 to {@code ceiling}. */
    int limit(String ip, String site, int ceiling, long now) {
        Learned l = learned.get(key(ip, site));
        if (l == null) {
            return ceiling;
        }
        int limit = recovered(l, ceiling, now);
        if (limit >= ceiling) {
            learned.remove(key(ip, site), l);
        }
        return Math.min(limit, ceiling);
    }

    /**
     * The site refused a new connection from {@code ip} as one too many: the limit drops by one,
     * never below 1.
     *
     * @return the new limit
     */
    int tooMany(String ip, String site, int ceiling, long now) {
        return learned.compute(
                        key(ip, site),
                        (k, l) ->
                                new Learned(
                                        Math.max(
                                                1,
                                                (l == null ? ceiling : recovered(l, ceiling, now))
                                                        - 1),
                                        now))
                .limit();
    }

    /** The IP and site pairs with a learned limit. */
    int learning() {
        return learned.size();
    }

    private int recovered(Learned l, int ceiling, long now) {
        long steps = Math.max(0, now - l.since()) / recoverEveryMillis;
        return (int) Math.min(ceiling, l.limit() + steps);
    }

    private static String key(String ip, String site) {
        return ip + "|" + site;
    }
}
