package io.sluice.delivery.schedule;

import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.shaping.Control;
import io.sluice.delivery.shaping.Controls;
import io.sluice.delivery.shaping.Feedback;
import io.sluice.delivery.shaping.IpPace;
import io.sluice.delivery.shaping.QueueIndex;
import io.sluice.delivery.shaping.QueueStore;
import io.sluice.delivery.shaping.Release;
import io.sluice.delivery.shaping.SitePacing;
import io.sluice.delivery.shaping.SiteScheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The delivery scheduler at the edge of Flink: holds each key's queue and pacing in keyed state and
 * lets {@link SiteScheduler} decide. docs/design/scheduling.md has the whole picture.
 *
 * <p>Key: {@code site#shard} ({@link SiteKeys}). State: {@code queue-index} (the lanes, a few bytes
 * per tenant), {@code queue} (one entry per waiting message, so RocksDB reads and writes one
 * message at a time, never the whole queue) and {@code pacing} (per sending IP that sent to the
 * site recently). Timer: one processing-time timer per key, at the next time a message's turn and
 * token are due, or when an idle key's pacing lapses. All three states and the timer are cleared
 * when the last message has left and the pacing carries nothing more (normally one send interval
 * later; a lowered pace or a pause is remembered for its duration). Broadcast state {@code
 * controls}: the control stream's decisions in force, latest per scope.
 */
public final class SiteSchedulerFunction
        extends KeyedBroadcastProcessFunction<String, ScheduleInput, Control, Release> {

    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, Control> CONTROLS =
            new MapStateDescriptor<>("controls", Types.STRING, TypeInformation.of(Control.class));

    /** Releases per timer callback, so one busy key cannot hold the task thread for long. */
    static final int MAX_RELEASES_PER_CALL = 1000;

    static final String OTHER_SITES = "other";

    private final SiteScheduler scheduler;

    /**
     * The key's queue index and pacing in one value ({@link #join}): each event reads it once and
     * writes it at most once, where two values cost two of each (RocksDB's JNI get and put are most
     * of this operator's time).
     */
    private transient ValueState<byte[]> siteState;

    /** The state's name; savepoints find it by this name. */
    static final String SITE_STATE = "site";

    private transient MapState<Long, Delivery> queue;
    private transient Controls controls;

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(SiteSchedulerFunction.class);

    private transient org.apache.flink.metrics.Counter slowdowns;

    /** From the last reply that slowed an IP down to its being applied here; -1 before any. */
    private transient volatile long lastReactionMillis = -1;

    /** Per gauge group, the depth of each key; only the task thread adds groups. */
    private transient Map<String, Map<String, Long>> depthBySite;

    public SiteSchedulerFunction(SiteScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public void open(OpenContext context) {
        siteState =
                getRuntimeContext().getState(new ValueStateDescriptor<>(SITE_STATE, byte[].class));
        queue =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "queue", Types.LONG, TypeInformation.of(Delivery.class)));
        depthBySite = new HashMap<>();
        slowdowns = getRuntimeContext().getMetricGroup().counter("paceSlowdowns");
        getRuntimeContext()
                .getMetricGroup()
                .gauge("paceReactionMillis", (Gauge<Long>) () -> lastReactionMillis);
    }

    @Override
    public void processElement(ScheduleInput in, ReadOnlyContext ctx, Collector<Release> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Controls c = controls(ctx);
        if (in.feedback() != null) {
            feedback(in, ctx, c, now);
            return;
        }
        byte[][] stored = split(siteState.value());
        QueueIndex index = QueueIndex.fromBytes(stored[0]);
        scheduler.enqueue(index, store(), in.delivery(), c, now);
        // A new message may be due at once (a transactional one, another pool): look now.
        wake(index, ctx.timerService(), now);
        depth(ctx.getCurrentKey(), index.size());
        siteState.update(join(index.toBytes(), stored[1]));
    }

    /**
     * Most feedback changes nothing (a delivery while the pace is already full), so the pacing is
     * written only when its bytes changed and the index is read only when an idle key needs a timer
     * to settle: a state access saved per attempt is most of this path's cost on RocksDB.
     */
    private void feedback(ScheduleInput in, ReadOnlyContext ctx, Controls c, long now)
            throws Exception {
        byte[][] stored = split(siteState.value());
        SitePacing pacing = SitePacing.fromBytes(stored[1]);
        Feedback f = in.feedback();
        IpPace was = pacing.ip(f.sendingIp());
        double factorBefore = was == null ? 1.0 : was.factor();
        long pausedBefore = was == null ? 0 : was.pausedUntil();
        boolean ended = scheduler.feedback(pacing, SiteKeys.shard(ctx.getCurrentKey()), f, c, now);
        IpPace is = pacing.ip(f.sendingIp());
        if (is != null && (is.factor() < factorBefore || is.pausedUntil() > pausedBefore)) {
            slowedDown(f, is, now);
        }
        byte[] after = pacing.isEmpty() ? null : pacing.toBytes();
        if (Arrays.equals(stored[1], after)) {
            return;
        }
        byte[] indexBytes = stored[0];
        if (after != null || ended) {
            QueueIndex index = QueueIndex.fromBytes(indexBytes);
            if (ended || index.wakeAt() == 0) {
                // An attempt of this key ended (its IP has room for the next message now, or the
                // pacing may settle sooner), or an idle key: settle (and clear) when it lapses.
                wake(index, ctx.timerService(), now);
                indexBytes = index.toBytes();
            }
        }
        write(join(indexBytes, after));
    }

    /**
     * A reply made an IP slower at a site (a multiplicative decrease, at most one per decrease gap,
     * or a pause): logged, counted, and its delay from the reply to here kept as a gauge, the
     * feedback loop's reaction time (ADR 4: the reply travels through Kafka to every shard).
     */
    private void slowedDown(Feedback f, IpPace pace, long now) {
        long latency = Math.max(0, now - f.atMillis());
        lastReactionMillis = latency;
        slowdowns.inc();
        LOG.info(
                "{} at {}: pace x{}{} {} ms after the reply: {}",
                f.sendingIp(),
                f.site(),
                String.format(java.util.Locale.ROOT, "%.4f", pace.factor()),
                pace.pausedUntil() > now ? ", paused " + (pace.pausedUntil() - now) + " ms" : "",
                latency,
                f.reply());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Release> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        byte[][] stored = split(siteState.value());
        QueueIndex index = QueueIndex.fromBytes(stored[0]);
        if (index.wakeAt() != timestamp) {
            return; // superseded by an earlier timer
        }
        index.wakeAt(0);
        SitePacing pacing = SitePacing.fromBytes(stored[1]);
        String key = ctx.getCurrentKey();
        long next = -1;
        if (index.size() > 0) {
            next =
                    scheduler.release(
                            SiteKeys.site(key),
                            SiteKeys.shard(key),
                            index,
                            pacing,
                            store(),
                            controls(ctx),
                            now,
                            MAX_RELEASES_PER_CALL,
                            out::collect);
            depth(key, index.size());
        }
        if (next < 0) {
            next = scheduler.settle(SiteKeys.site(key), pacing, now);
        }
        if (next < 0) {
            // Every queue entry was removed as its message left; a clear() here would be a range
            // scan in RocksDB for nothing.
            siteState.clear();
            depth(key, 0);
            return;
        }
        wakeAt(index, ctx.timerService(), Math.max(next, now));
        write(join(index.toBytes(), pacing.isEmpty() ? null : pacing.toBytes()));
    }

    private void write(byte[] joined) throws Exception {
        if (joined == null) {
            siteState.clear();
        } else {
            siteState.update(joined);
        }
    }

    /**
     * The index and the pacing as one value: the index's length (4 bytes, 0 for none), the index,
     * then the pacing (nothing for none); null when both are absent.
     */
    static byte[] join(byte[] index, byte[] pacing) {
        if (index == null && pacing == null) {
            return null;
        }
        int n = index == null ? 0 : index.length;
        int m = pacing == null ? 0 : pacing.length;
        byte[] joined = new byte[4 + n + m];
        joined[0] = (byte) (n >>> 24);
        joined[1] = (byte) (n >>> 16);
        joined[2] = (byte) (n >>> 8);
        joined[3] = (byte) n;
        if (n > 0) {
            System.arraycopy(index, 0, joined, 4, n);
        }
        if (m > 0) {
            System.arraycopy(pacing, 0, joined, 4 + n, m);
        }
        return joined;
    }

    /** {index, pacing} of a value made by {@link #join}, each null when absent. */
    static byte[][] split(byte[] joined) {
        if (joined == null) {
            return new byte[2][];
        }
        int n =
                (joined[0] & 0xff) << 24
                        | (joined[1] & 0xff) << 16
                        | (joined[2] & 0xff) << 8
                        | (joined[3] & 0xff);
        byte[] index = n == 0 ? null : Arrays.copyOfRange(joined, 4, 4 + n);
        byte[] pacing =
                joined.length == 4 + n ? null : Arrays.copyOfRange(joined, 4 + n, joined.length);
        return new byte[][] {index, pacing};
    }

    @Override
    public void processBroadcastElement(Control control, Context ctx, Collector<Release> out)
            throws Exception {
        ctx.getBroadcastState(CONTROLS).put(control.scope(), control);
        List<Control> all = new ArrayList<>();
        for (var e : ctx.getBroadcastState(CONTROLS).entries()) {
            all.add(e.getValue());
        }
        controls = new Controls(all);
    }

    private Controls controls(ReadOnlyContext ctx) throws Exception {
        if (controls == null) {
            List<Control> all = new ArrayList<>();
            for (var e : ctx.getBroadcastState(CONTROLS).immutableEntries()) {
                all.add(e.getValue());
            }
            controls = all.isEmpty() ? Controls.NONE : new Controls(all);
        }
        return controls;
    }

    /** One timer per key: move it earlier to {@code t} if it is later or absent. */
    private static void wake(
            QueueIndex index, org.apache.flink.streaming.api.TimerService timers, long t) {
        if (index.wakeAt() == 0 || index.wakeAt() > t) {
            wakeAt(index, timers, t);
        }
    }

    private static void wakeAt(
            QueueIndex index, org.apache.flink.streaming.api.TimerService timers, long t) {
        if (index.wakeAt() != 0 && index.wakeAt() != t) {
            timers.deleteProcessingTimeTimer(index.wakeAt());
        }
        timers.registerProcessingTimeTimer(t);
        index.wakeAt(t);
    }

    private QueueStore store() {
        return new QueueStore() {
            @Override
            public Delivery get(long entryKey) {
                try {
                    return queue.get(entryKey);
                } catch (Exception e) {
                    throw new IllegalStateException("queue state unreadable", e);
                }
            }

            @Override
            public void put(long entryKey, Delivery delivery) {
                try {
                    queue.put(entryKey, delivery);
                } catch (Exception e) {
                    throw new IllegalStateException("queue state unwritable", e);
                }
            }

            @Override
            public void remove(long entryKey) {
                try {
                    queue.remove(entryKey);
                } catch (Exception e) {
                    throw new IllegalStateException("queue state unwritable", e);
                }
            }
        };
    }

    /**
     * Queue depth per site (the sum over its shards on this subtask) as a gauge, for the sites the
     * rules name; every other site counts under {@code site=other}. Any domain can be a site, so a
     * gauge each would be a metric group per recipient domain, never removed. Keys whose queue is
     * empty are dropped from the sums.
     */
    private void depth(String key, long size) {
        String site = SiteKeys.site(key);
        String group = scheduler.rules().names(site) ? site : OTHER_SITES;
        Map<String, Long> shards = depthBySite.get(group);
        if (shards == null) {
            Map<String, Long> m = new ConcurrentHashMap<>();
            getRuntimeContext()
                    .getMetricGroup()
                    .addGroup("site", group)
                    .gauge(
                            "queueDepth",
                            (Gauge<Long>)
                                    () -> m.values().stream().mapToLong(Long::longValue).sum());
            depthBySite.put(group, m);
            shards = m;
        }
        if (size == 0) {
            shards.remove(key);
        } else {
            shards.put(key, size);
        }
    }
}
