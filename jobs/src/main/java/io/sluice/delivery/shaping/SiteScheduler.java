package io.sluice.delivery.shaping;

import io.sluice.bounce.classify.BounceAction;
import io.sluice.delivery.intake.Priority;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.shaping.QueueIndex.Lane;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Decides, for one scheduler key (a site or a shard of it), which queued message goes next, when,
 * and from which sending IP; and adapts each IP's pace to what the site answers. Holds no state of
 * its own: the caller passes the key's {@link QueueIndex}, {@link SitePacing} and {@link
 * QueueStore}, so the same logic runs on Flink's keyed state and on plain maps. The algorithm and
 * its parameters are in docs/design/scheduling.md; times are epoch milliseconds.
 */
public final class SiteScheduler implements Serializable {

    private static final long serialVersionUID = 1L;

    /** When nothing can be sent for a reason only a control decision lifts: look again then. */
    static final long RECHECK_MILLIS = 5_000;

    /**
     * Messages in flight per sending IP per connection the site's rule allows, split among the
     * site's shards: one in its transaction and one ready for the connection when it is free.
     */
    static final int IN_FLIGHT_PER_CONNECTION = 2;

    /**
     * An in-flight count that has heard nothing for this long (real time: it is network, not
     * policy) is stale and counts as none: the feedback of its attempts was lost (a restore replays
     * attempts whose feedback the topic had; a crash loses some), and a stale count must not hold
     * an IP back for good.
     */
    public static final long IN_FLIGHT_STALE_MILLIS = 60_000;

    private final ShapingRules rules;
    private final ResponseRules responses;
    private final PoolPolicy pools;
    private final long maxAgeMillis;

    /** The day a warm-up quota counts over (UTC days; shorter only in tests and local runs). */
    private final long dayMillis;

    /** Simulated time: applies to the control stream's rates as the rules were scaled. */
    private final io.sluice.delivery.TimeScale scale;

    /**
     * False when shaping is switched off (sluice.shaping.enabled): replies change no pace (no
     * response rules, no throttle or pause on the classifier's action, no Retry-After).
     */
    private final boolean adaptive;

    public SiteScheduler(ShapingRules rules, ResponseRules responses, PoolPolicy pools) {
        this(rules, responses, pools, Duration.ofDays(1), Long.MAX_VALUE);
    }

    /**
     * @param quotaDay the day a warm-up quota ({@code quota_per_day}) counts over: a day in
     *     production, the reputation job's scaled day (sluice.reputation.day) when a test
     *     compresses a warm-up
     */
    public SiteScheduler(
            ShapingRules rules, ResponseRules responses, PoolPolicy pools, Duration quotaDay) {
        this(rules, responses, pools, quotaDay, Long.MAX_VALUE);
    }

    /**
     * As {@link #SiteScheduler(ShapingRules, ResponseRules, PoolPolicy, Duration, long)}, UTC days.
     */
    public SiteScheduler(
            ShapingRules rules, ResponseRules responses, PoolPolicy pools, long maxAgeMillis) {
        this(rules, responses, pools, Duration.ofDays(1), maxAgeMillis);
    }

    /**
     * @param quotaDay the day a warm-up quota counts over
     * @param maxAgeMillis a message still queued this long after its first attempt (or, never
     *     attempted, after it was submitted) leaves the queue expired, so a site that stays paused
     *     or blocked cannot hold it forever (the retry schedule's max age)
     */
    public SiteScheduler(
            ShapingRules rules,
            ResponseRules responses,
            PoolPolicy pools,
            Duration quotaDay,
            long maxAgeMillis) {
        this.rules = rules;
        this.responses = responses;
        this.pools = pools;
        this.maxAgeMillis = maxAgeMillis;
        this.dayMillis = quotaDay.toMillis();
        this.scale = io.sluice.delivery.TimeScale.REAL;
        this.adaptive = true;
        if (dayMillis <= 0) {
            throw new IllegalArgumentException("quota day " + quotaDay + " -- expected > 0");
        }
    }

    private SiteScheduler(SiteScheduler real, io.sluice.delivery.TimeScale scale) {
        this.rules = real.rules.timeScaled(scale);
        this.responses = real.responses.timeScaled(scale);
        this.pools = real.pools;
        this.maxAgeMillis =
                real.maxAgeMillis == Long.MAX_VALUE
                        ? Long.MAX_VALUE
                        : scale.shrink(Duration.ofMillis(real.maxAgeMillis)).toMillis();
        this.dayMillis = real.dayMillis;
        this.scale = scale;
        this.adaptive = real.adaptive;
    }

    private SiteScheduler(SiteScheduler shaped, int connections) {
        this.rules = shaped.rules.unshaped(connections);
        this.responses = shaped.responses;
        this.pools = shaped.pools;
        this.maxAgeMillis = shaped.maxAgeMillis;
        this.dayMillis = shaped.dayMillis;
        this.scale = shaped.scale;
        this.adaptive = false;
    }

    /**
     * This scheduler with shaping switched off (sluice.shaping.enabled false), the baseline a
     * simulation compares Sluice against, and a load test's way to measure the rest of the job: no
     * rate, {@code connections} per IP at every site, and no reaction to replies (see {@link
     * ShapingRules#unshaped(int)}). Warm-up quotas, pauses, blocks and pools from the control
     * stream still apply: they are the reputation job's, switched off on their own.
     */
    public SiteScheduler unshaped(int connections) {
        return new SiteScheduler(this, connections);
    }

    public boolean adaptive() {
        return adaptive;
    }

    /**
     * This scheduler in simulated time: its shaping and response rules, its queue age and the
     * control stream's rates shrink by {@code scale}; the quota day stays as given (the caller
     * passes the scaled day).
     */
    public SiteScheduler timeScaled(io.sluice.delivery.TimeScale scale) {
        if (!this.scale.isReal()) {
            throw new IllegalStateException("already time-scaled by " + this.scale.factor());
        }
        return scale.isReal() ? this : new SiteScheduler(this, scale);
    }

    public ShapingRules rules() {
        return rules;
    }

    /**
     * Adds {@code d} to the end of its lane: by priority, tenant and requested pool; a retry goes
     * to a lane of its own that sticks to the IP its pool's hash gives it.
     */
    public void enqueue(QueueIndex index, QueueStore store, Delivery d, Controls c, long now) {
        var m = d.message();
        String requested = m.ipPool() == null ? "" : m.ipPool();
        String sticky = "";
        if (d.attempt() > 1) {
            String pool = pools.poolFor(m.tenant(), m.ipPool(), c, now);
            sticky = pools.sticky(pool, m.messageId());
        }
        Priority p = m.priority() == null ? Priority.MARKETING : m.priority();
        Lane lane = index.lane(p, m.tenant(), requested, sticky);
        store.put(QueueIndex.entryKey(lane.id, lane.tail), d);
        lane.tail++;
        index.size++;
    }

    /**
     * Releases, in order, every message whose turn and token are due at {@code now}, at most {@code
     * max}. Transactional lanes are served before marketing ones; within a priority the lanes take
     * turns (round robin), so one tenant's blast does not hold back another's few messages.
     *
     * @return when to look again: {@code now} when {@code max} was reached, -1 when the queue is
     *     empty
     */
    public long release(
            String site,
            int shard,
            QueueIndex index,
            SitePacing pacing,
            QueueStore store,
            Controls c,
            long now,
            int max,
            Consumer<Release> out) {
        int released = 0;
        long next = Long.MAX_VALUE;
        int shards = rules.shards(site);
        while (index.size > 0) {
            if (released >= max) {
                return now;
            }
            if (pacing.deadUntil > now) {
                return expire(site, shard, index, store, now, pacing.deadUntil, out);
            }
            boolean probe = pacing.deadUntil > 0;
            boolean found = false;
            for (int p = 0; p < index.lanes.size() && !found; p++) {
                List<Lane> lanes = index.lanes.get(p);
                int n = lanes.size();
                for (int k = 0; k < n; k++) {
                    int li = (index.cursor[p] + k) % n;
                    Lane lane = lanes.get(li);
                    if (c.tenantPaused(lane.tenant, now)) {
                        next = Math.min(next, now + RECHECK_MILLIS);
                        continue;
                    }
                    Choice choice = choose(site, shards, shard, lane, index, pacing, c, now);
                    if (choice.ip == null) {
                        next = Math.min(next, choice.at);
                        continue;
                    }
                    long key = QueueIndex.entryKey(lane.id, lane.head);
                    Delivery d = store.get(key);
                    store.remove(key);
                    lane.head++;
                    index.size--;
                    String ip =
                            ownIpIfFree(site, shards, shard, lane, d, choice.ip, pacing, c, now);
                    take(site, shards, ip, pacing, c, now);
                    if (lane.head == lane.tail) {
                        lanes.remove(li);
                        index.cursor[p] = n == 1 ? 0 : li % (n - 1);
                    } else {
                        index.cursor[p] = (li + 1) % n;
                    }
                    if (d != null) {
                        out.accept(
                                new Release(d, site, shard, ip, c.dkim(d.message().fromDomain())));
                        released++;
                    }
                    found = true;
                    break;
                }
            }
            if (!found) {
                return expire(
                        site,
                        shard,
                        index,
                        store,
                        now,
                        next == Long.MAX_VALUE ? now + RECHECK_MILLIS : next,
                        out);
            }
            if (probe) {
                // One probe at a time to a dead site; its result decides (Postfix's probe).
                pacing.probing = true;
                pacing.deadUntil = now + Math.max(pacing.deadBackoff, 1);
            }
        }
        if (index.size == 0) {
            index.nextLaneId = 0;
            index.ipCursor = 0;
        }
        return -1;
    }

    /**
     * When nothing can leave: lets every lane's head go that is past its max age, as a release with
     * no sending IP (the delivery step ends it EXPIRED without an attempt). Only heads are looked
     * at -- a lane is first in, first out, so its head is its oldest message -- and only when the
     * queue is stuck, so a flowing site pays nothing for it.
     *
     * @return when to look again: {@code next}, or sooner when a head expires before then; -1 when
     *     the queue emptied
     */
    private long expire(
            String site,
            int shard,
            QueueIndex index,
            QueueStore store,
            long now,
            long next,
            Consumer<Release> out) {
        if (maxAgeMillis == Long.MAX_VALUE) {
            return next;
        }
        long soonest = next;
        for (int p = 0; p < index.lanes.size(); p++) {
            List<Lane> lanes = index.lanes.get(p);
            for (int li = lanes.size() - 1; li >= 0; li--) {
                Lane lane = lanes.get(li);
                while (lane.head < lane.tail) {
                    long key = QueueIndex.entryKey(lane.id, lane.head);
                    Delivery d = store.get(key);
                    long deadline = d == null ? now : deadline(d);
                    if (deadline > now) {
                        soonest = Math.min(soonest, deadline);
                        break;
                    }
                    store.remove(key);
                    lane.head++;
                    index.size--;
                    if (d != null) {
                        out.accept(new Release(d, site, shard, null));
                    }
                }
                if (lane.head == lane.tail) {
                    lanes.remove(li);
                    index.cursor[p] = 0;
                }
            }
        }
        if (index.size == 0) {
            index.nextLaneId = 0;
            index.ipCursor = 0;
            return -1;
        }
        return soonest;
    }

    private long deadline(Delivery d) {
        java.time.Instant from =
                d.firstAttemptAt() != null ? d.firstAttemptAt() : d.message().submittedAt();
        if (from == null) {
            return Long.MAX_VALUE;
        }
        long start = from.toEpochMilli();
        return start > Long.MAX_VALUE - maxAgeMillis ? Long.MAX_VALUE : start + maxAgeMillis;
    }

    private record Choice(String ip, long at) {}

    /** The IP the lane's head message leaves from now, or when one will be free. */
    private Choice choose(
            String site,
            int shards,
            int shard,
            Lane lane,
            QueueIndex index,
            SitePacing pacing,
            Controls c,
            long now) {
        String pool = pools.poolFor(lane.tenant, lane.pool.isEmpty() ? null : lane.pool, c, now);
        List<String> ips = pools.ips(pool);
        if (ips.isEmpty()) {
            return new Choice(null, now + RECHECK_MILLIS);
        }
        long soonest = Long.MAX_VALUE;
        if (!lane.sticky.isEmpty() && ips.contains(lane.sticky)) {
            long at = availableAt(site, shards, shard, lane.sticky, pacing, c, now);
            if (at <= now) {
                return new Choice(lane.sticky, now);
            }
            if (stoppedUntil(site, shard, lane.sticky, pacing, c, now) <= now
                    && !slowed(pacing, lane.sticky)) {
                // Paced at its full rate, not stopped: a retry waits for its own IP rather than be
                // greylisted anew.
                return new Choice(null, at);
            }
            // Stopped there (paused, blocked, quota used) or slowed by the site's throttle replies
            // (a 10/min limit would hold every retry of the lane minutes behind the others): the
            // rest of the pool takes over.
        }
        int n = ips.size();
        int start = Math.floorMod(index.ipCursor, n);
        // Cold IPs first while they have quota left (they warm up only by sending), warm ones
        // after: warm before cold once a cold IP's quota is used.
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < n; k++) {
                String ip = ips.get((start + k) % n);
                boolean cold = quota(c, site, ip, now) >= 0;
                if (cold != (pass == 0)) {
                    continue;
                }
                long at = availableAt(site, shards, shard, ip, pacing, c, now);
                if (at <= now) {
                    index.ipCursor = start + k + 1;
                    return new Choice(ip, now);
                }
                soonest = Math.min(soonest, at);
            }
        }
        return new Choice(null, soonest == Long.MAX_VALUE ? now + RECHECK_MILLIS : soonest);
    }

    /**
     * The warm-up quota of {@code ip} at {@code site}: the control stream's, and for an IP listed
     * as new (sluice.reputation.new-ips) that has had no quota yet, 0: it stays cold until the
     * reputation job's first quota arrives, rather than warm for as long as that takes.
     */
    private long quota(Controls c, String site, String ip, long now) {
        long quota = c.quota(site, ip, now);
        return quota < 0 && pools.isNew(ip) && !c.everHadQuota(site, ip) ? 0 : quota;
    }

    /**
     * The IP a first attempt leaves from: its own (the pool's hash of its id, where its retries
     * will stick, so that a greylisting receiver sees the retry come from the IP it greylisted)
     * when that IP can send now and is as cold or warm as the rotation's {@code chosen}; else
     * {@code chosen}. Only the IP changes, never whether the message leaves now.
     */
    private String ownIpIfFree(
            String site,
            int shards,
            int shard,
            Lane lane,
            Delivery d,
            String chosen,
            SitePacing pacing,
            Controls c,
            long now) {
        if (d == null || d.attempt() > 1 || !lane.sticky.isEmpty()) {
            return chosen;
        }
        String pool = pools.poolFor(lane.tenant, lane.pool.isEmpty() ? null : lane.pool, c, now);
        if (pools.ips(pool).isEmpty()) {
            return chosen;
        }
        String own = pools.sticky(pool, d.message().messageId());
        if (own.equals(chosen)
                || (quota(c, site, own, now) >= 0) != (quota(c, site, chosen, now) >= 0)
                || availableAt(site, shards, shard, own, pacing, c, now) > now) {
            return chosen;
        }
        return own;
    }

    /** The IP's messages in flight from this key, none once the count is stale. */
    private static int inFlight(IpPace pace, long now) {
        return now - pace.inFlightAt >= IN_FLIGHT_STALE_MILLIS ? 0 : pace.inFlight;
    }

    /**
     * How many of {@code ip}'s messages this key lets be in flight at once: {@link
     * #IN_FLIGHT_PER_CONNECTION} per connection the rule allows the IP at the site, divided among
     * the site's shards (rounded up, at least one). Beyond it the messages wait here, in priority
     * order, not in the SMTP stage's first-come queues, so a transactional message passes a
     * campaign that the site (or Sluice's own SMTP stage) takes more slowly than its rate allows.
     */
    int inFlightCap(String site, int shards, String ip) {
        int connections = rules.at(site, ip).connections();
        return Math.max(1, (IN_FLIGHT_PER_CONNECTION * connections + shards - 1) / shards);
    }

    /** Whether the site's throttle replies have lowered {@code ip}'s pace below its rule's rate. */
    private static boolean slowed(SitePacing pacing, String ip) {
        IpPace pace = pacing.ip(ip);
        return pace != null && pace.factor < 1.0;
    }

    /** When {@code ip} may next send to the site: its pause, its quota's day, its GCRA token. */
    private long availableAt(
            String site,
            int shards,
            int shard,
            String ip,
            SitePacing pacing,
            Controls c,
            long now) {
        long stopped = stoppedUntil(site, shard, ip, pacing, c, now);
        IpPace pace = pacing.ip(ip);
        long token = pace == null ? now : Math.max(now, ceilMillis(pace.tatMicros));
        long at = Math.max(stopped, token);
        if (pace != null && inFlight(pace, now) >= inFlightCap(site, shards, ip)) {
            // Busy: the feedback of one of its attempts wakes the key; failing that, the count
            // goes stale.
            at = Math.max(at, pace.inFlightAt + IN_FLIGHT_STALE_MILLIS);
        }
        return at;
    }

    private long stoppedUntil(
            String site, int shard, String ip, SitePacing pacing, Controls c, long now) {
        long stopped = c.ipStoppedUntil(site, ip, now);
        IpPace pace = pacing.ip(ip);
        if (pace != null && pace.pausedUntil > now) {
            stopped = Math.max(stopped, pace.pausedUntil);
        }
        long quota = quota(c, site, ip, now);
        long sentToday = pace != null && pace.day == now / dayMillis ? pace.sentToday : 0;
        if (quota >= 0 && sentToday >= shareOfQuota(quota, rules.shards(site), shard)) {
            stopped = Math.max(stopped, (now / dayMillis + 1) * dayMillis);
        }
        return stopped;
    }

    /**
     * This key's share of a warm-up quota: the day's quota split exactly among the site's shards,
     * the remainder to the lowest-numbered ones (a quota of 1 at a site of four shards lets one
     * message leave, from shard 0, not one from each). The shards together never pass the quota,
     * and no shard has to ask another: each knows its number and the site's count. A shard whose
     * share is 0 sends the IP's day's mail from warm IPs (cold before warm only while the cold one
     * has quota left here).
     */
    static long shareOfQuota(long quota, int shards, int shard) {
        return quota / shards + (Math.floorMod(shard, shards) < quota % shards ? 1 : 0);
    }

    /** Spends {@code ip}'s token: GCRA at the effective rate, and the warm-up day's count. */
    private void take(String site, int shards, String ip, SitePacing pacing, Controls c, long now) {
        IpPace pace = pacing.getOrCreate(ip);
        pace.inFlight = inFlight(pace, now) + 1;
        pace.inFlightAt = now;
        long nowMicros = now * 1000;
        pace.tatMicros =
                Math.max(pace.tatMicros, nowMicros)
                        + intervalMicros(site, shards, ip, pace, c, now);
        if (quota(c, site, ip, now) >= 0) {
            long day = now / dayMillis;
            if (pace.day != day) {
                pace.day = day;
                pace.sentToday = 0;
            }
            pace.sentToday++;
        }
    }

    /**
     * Time between two messages of {@code ip} at this key: the rule's rate (or the control stream's
     * override) times the adaptive factor, divided among the site's shards.
     */
    long intervalMicros(String site, int shards, String ip, IpPace pace, Controls c, long now) {
        double perSecond = baseRate(site, ip, c, now).perSecond() * pace.factor / shards;
        return (long) Math.ceil(1_000_000.0 / perSecond);
    }

    /**
     * The effective rate of {@code ip} at this key, in messages per second (for tests, metrics).
     */
    public double effectiveRate(String site, String ip, SitePacing pacing, Controls c, long now) {
        IpPace pace = pacing.ip(ip);
        double factor = pace == null ? 1.0 : pace.factor;
        return baseRate(site, ip, c, now).perSecond() * factor / rules.shards(site);
    }

    /**
     * The rate before adaptation: the rule's (or the control stream's override), and while {@code
     * ip} warms up at the site at most the rule's cold rate, so that its day's quota leaves at the
     * pace a provider allows an IP it does not know instead of in one burst at the campaign hour.
     */
    private Rate baseRate(String site, String ip, Controls c, long now) {
        SiteRule rule = rules.at(site, ip);
        boolean cold = rule.coldRate() != null && quota(c, site, ip, now) >= 0;
        if (c.isEmpty()) {
            return rule.rateFor(cold);
        }
        Rate base = c.rate(site, ip, now).map(r -> r.timeScaled(scale)).orElseGet(rule::rate);
        return cold && rule.coldRate().perSecond() < base.perSecond() ? rule.coldRate() : base;
    }

    /**
     * Learns from one attempt's result: response rules and the classifier's action on replies,
     * recovery on deliveries, dead-site detection on connection failures; and, when {@code shard}
     * (this key's) released the message, the end of its time in flight.
     *
     * @return whether an attempt of this key ended, so that the IP has room for another
     */
    public boolean feedback(SitePacing pacing, int shard, Feedback f, Controls c, long now) {
        String site = f.site();
        SiteRule rule = rules.at(site, f.sendingIp());
        boolean ended = false;
        if (f.shard() == shard) {
            // One of this key's releases is no longer in flight: room for the next.
            IpPace pace = pacing.ip(f.sendingIp());
            if (pace != null && pace.inFlight > 0) {
                pace.inFlight--;
                pace.inFlightAt = now;
                ended = true;
            }
        }
        switch (f.kind()) {
            case LOCAL -> {
                // Sluice's own failure: no evidence about the site.
            }
            case CONNECTION_FAILURE -> connectionFailed(pacing, rule, now);
            case DELIVERED -> {
                siteAnswered(pacing);
                IpPace pace = pacing.ip(f.sendingIp());
                if (pace != null) {
                    recover(pace, rule, now);
                }
            }
            case REPLY -> {
                siteAnswered(pacing);
                reply(pacing, f, rule, c, now);
            }
        }
        return ended;
    }

    private void reply(SitePacing pacing, Feedback f, SiteRule rule, Controls c, long now) {
        if (!adaptive) {
            return;
        }
        String site = f.site();
        if (f.retryAfterMillis() > 0) {
            IpPace pace = pacing.getOrCreate(f.sendingIp());
            pace.pausedUntil = Math.max(pace.pausedUntil, now + f.retryAfterMillis());
        }
        Optional<ResponseRule> matched = responses.match(site, f.reply());
        if (matched.isPresent()) {
            ResponseRule r = matched.get();
            IpPace pace = pacing.getOrCreate(f.sendingIp());
            if (!thresholdReached(pace, r, now)) {
                return;
            }
            switch (r.action()) {
                case THROTTLE -> throttle(pace, rule, now);
                case PAUSE ->
                        pace.pausedUntil =
                                Math.max(pace.pausedUntil, now + r.duration().toMillis());
                case LIMIT -> {
                    double base = baseRate(site, f.sendingIp(), c, now).perSecond();
                    limit(pace, rule, r.limit().perSecond() / base, now);
                    pace.holdUntil = Math.max(pace.holdUntil, now + r.duration().toMillis());
                }
            }
            return;
        }
        if (f.action() == BounceAction.THROTTLE) {
            throttle(pacing.getOrCreate(f.sendingIp()), rule, now);
        } else if (f.action() == BounceAction.PAUSE) {
            IpPace pace = pacing.getOrCreate(f.sendingIp());
            pace.pausedUntil = Math.max(pace.pausedUntil, now + rule.pause().toMillis());
        }
    }

    /**
     * Multiplicative decrease, once per {@code decreaseGap}: the replies to messages already on the
     * wire arrive together and describe one overload, not several (TCP cuts once per window).
     */
    private static void throttle(IpPace pace, SiteRule rule, long now) {
        if (withinDecreaseGap(pace, rule, now)) {
            return;
        }
        // Down to the floor, never up to it: a limit may have put the pace below the floor.
        pace.factor = Math.min(pace.factor, Math.max(rule.floor(), pace.factor * rule.decrease()));
        pace.lastDecreaseAt = now;
    }

    /**
     * A response rule's {@code limit}: the pace drops to it at once. A match while the pace is
     * already at or under the limit means the limit is above what the site allows now (a new IP's
     * hourly allowance is below Google's rule of 10/min), so the pace keeps falling
     * multiplicatively, once per decrease gap, down to the floor's share of the limit. Without this
     * a limit above the allowance kept every IP over it until the site blocked it.
     */
    private static void limit(IpPace pace, SiteRule rule, double limit, long now) {
        if (pace.factor > limit) {
            pace.factor = limit;
            pace.lastDecreaseAt = now;
        } else if (!withinDecreaseGap(pace, rule, now)) {
            pace.factor =
                    Math.min(
                            pace.factor,
                            Math.max(limit * rule.floor(), pace.factor * rule.decrease()));
            pace.lastDecreaseAt = now;
        }
    }

    /** Replies within a gap of the last decrease answer mail sent before it: one overload. */
    private static boolean withinDecreaseGap(IpPace pace, SiteRule rule, long now) {
        return pace.lastDecreaseAt != 0
                && now - pace.lastDecreaseAt < rule.decreaseGap().toMillis();
    }

    /**
     * Increase by {@code recoverStep} of the current pace, one step per {@code recoverEvery} of
     * successes after the last change: the pace climbs back towards the limit that threw it out
     * rather than snapping back to it. The step is relative to the pace, not to the rule's rate: a
     * step of 5% of Google's 100/s would take an IP held at a new IP's 500/h to 18,500/h in one
     * step, straight back over the allowance (as CampaignShapingITCase showed on a faster machine).
     */
    private static void recover(IpPace pace, SiteRule rule, long now) {
        if (pace.factor >= 1.0 || now < pace.holdUntil) {
            return;
        }
        long last = Math.max(pace.lastDecreaseAt, pace.lastIncreaseAt);
        last = Math.max(last, pace.holdUntil);
        if (now - last < rule.recoverEvery().toMillis()) {
            return;
        }
        pace.factor = Math.min(1.0, pace.factor * (1 + rule.recoverStep()));
        pace.lastIncreaseAt = now;
    }

    /** Records a match of a threshold rule; true when this match completes the threshold. */
    private static boolean thresholdReached(IpPace pace, ResponseRule r, long now) {
        if (r.count() <= 1) {
            return true;
        }
        int kept = 0;
        int[] rulesKept = new int[pace.hitRules.length + 1];
        long[] timesKept = new long[pace.hitTimes.length + 1];
        int matches = 1;
        for (int i = 0; i < pace.hitRules.length; i++) {
            boolean same = pace.hitRules[i] == r.index();
            if (same && pace.hitTimes[i] <= now - r.window().toMillis()) {
                continue;
            }
            if (same) {
                matches++;
            }
            rulesKept[kept] = pace.hitRules[i];
            timesKept[kept++] = pace.hitTimes[i];
        }
        if (matches >= r.count()) {
            // Acted on: this rule's count starts again.
            int k = 0;
            for (int i = 0; i < kept; i++) {
                if (rulesKept[i] != r.index()) {
                    rulesKept[k] = rulesKept[i];
                    timesKept[k++] = timesKept[i];
                }
            }
            kept = k;
        } else {
            rulesKept[kept] = r.index();
            timesKept[kept++] = now;
        }
        pace.hitRules = java.util.Arrays.copyOf(rulesKept, kept);
        pace.hitTimes = java.util.Arrays.copyOf(timesKept, kept);
        return matches >= r.count();
    }

    private static void siteAnswered(SitePacing pacing) {
        pacing.connectionFailures = 0;
        pacing.deadUntil = 0;
        pacing.deadBackoff = 0;
        pacing.probing = false;
    }

    /**
     * Postfix's dead-site detection: {@code deadAfter} connection failures in a row mark the site
     * dead; it is probed after {@code deadProbe}, doubling per failed probe up to {@code
     * deadProbeMax}. Failures of messages released before the site was marked dead do not extend
     * the wait; only the probe's own failure does.
     */
    private static void connectionFailed(SitePacing pacing, SiteRule rule, long now) {
        pacing.connectionFailures++;
        if (pacing.connectionFailures < rule.deadAfter()) {
            return;
        }
        boolean dead = pacing.deadUntil > 0;
        if (dead && !pacing.probing) {
            return;
        }
        long backoff =
                pacing.deadBackoff == 0
                        ? rule.deadProbe().toMillis()
                        : Math.min(rule.deadProbeMax().toMillis(), pacing.deadBackoff * 2);
        pacing.deadBackoff = backoff;
        pacing.deadUntil = now + backoff;
        pacing.probing = false;
    }

    /**
     * Drops what an empty key's pacing no longer needs and says when the rest lapses: the time to
     * look again, or -1 when nothing is left and the key's state can be cleared. An IP's entry
     * outlives the queue while it holds a pause, a hold, an unspent interval, a lowered factor (for
     * {@code forget} after its last change) or a warm-up count (until the day ends).
     */
    public long settle(String site, SitePacing pacing, long now) {
        long forget = rules.site(site).forget().toMillis();
        long next = Long.MAX_VALUE;
        var it = pacing.ips.values().iterator();
        while (it.hasNext()) {
            long t = it.next().settlesAt(forget);
            if (t <= now) {
                it.remove();
            } else {
                next = Math.min(next, t);
            }
        }
        if (pacing.deadUntil > now) {
            next = Math.min(next, pacing.deadUntil);
        } else {
            // No mail waits for the site: the next message finds out afresh.
            siteAnswered(pacing);
        }
        return pacing.isEmpty() ? -1 : next;
    }

    private static long ceilMillis(long micros) {
        return (micros + 999) / 1000;
    }
}
