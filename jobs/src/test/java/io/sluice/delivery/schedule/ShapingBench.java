package io.sluice.delivery.schedule;

import io.sluice.bounce.classify.BounceAction;
import io.sluice.delivery.intake.Priority;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.shaping.Control;
import io.sluice.delivery.shaping.Feedback;
import io.sluice.delivery.shaping.PoolPolicy;
import io.sluice.delivery.shaping.Release;
import io.sluice.delivery.shaping.ResponseRules;
import io.sluice.delivery.shaping.ShapingRules;
import io.sluice.delivery.shaping.SiteScheduler;
import io.sluice.delivery.shaping.SiteSchedulerTest;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * bench/shaping: scheduling decisions per second on one thread (enqueue, release, feedback) for
 * 10,000 sites x 50 sending IPs, through the real operator on RocksDB, beside the same run on heap
 * state. Not a test: run by the script, never by {@code mvn verify}.
 */
public final class ShapingBench {

    static final int SITES = 10_000;
    static final int IPS = 50;
    static final String SLOT_MEMORY = "640mb";

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf(
                "%-10s %8s %10s %12s %14s%n",
                "state", "round", "decisions", "seconds", "decisions/s");
        double heap = 0;
        double rocks = 0;
        for (int r = 1; r <= rounds; r++) {
            heap = run("heap", new HashMapStateBackend(), messages, r);
            // The job's RocksDB settings (DeliveryJob.environment): bloom filters on.
            Configuration conf = new Configuration();
            conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
            // What a task slot gets from a TaskManager with ~1.3 GB of managed memory for two
            // slots. The harness's MockEnvironment has next to no managed memory, and RocksDB
            // (managed memory by default) then flushes a new SST file every few KB: that, not the
            // scheduler, was what the first measurement (2-3k decisions/s) measured.
            conf.set(RocksDBOptions.FIX_PER_SLOT_MEMORY_SIZE, MemorySize.parse(SLOT_MEMORY));
            rocks =
                    run(
                            "rocksdb",
                            new EmbeddedRocksDBStateBackend(true)
                                    .configure(conf, ShapingBench.class.getClassLoader()),
                            messages,
                            r);
        }
        System.out.printf("rocksdb / heap (last round): %.2f%n", rocks / heap);
        System.out.println("shaping-bench: decisions-per-s-per-core=" + Math.round(rocks));
    }

    static double run(String name, StateBackend backend, int messages, int round) throws Exception {
        List<String> ips = new ArrayList<>();
        for (int i = 0; i < IPS; i++) {
            ips.add("shared/10.0." + (i / 250) + "." + (i % 250 + 1) + "/ip" + i + ".test");
        }
        SiteScheduler scheduler =
                new SiteScheduler(
                        ShapingRules.parse("bench.rules", "default rate=1000/s"),
                        ResponseRules.defaults(),
                        PoolPolicy.of(ips, List.of(), "shared"));
        var h =
                new KeyedBroadcastOperatorTestHarness<String, ScheduleInput, Control, Release>(
                        new CoBroadcastWithKeyedOperator<>(
                                new SiteSchedulerFunction(scheduler),
                                List.of(SiteSchedulerFunction.CONTROLS)),
                        ScheduleInput::key,
                        Types.STRING,
                        1,
                        1,
                        0);
        h.setStateBackend(backend);
        h.setup();
        h.open();
        Delivery[] deliveries = new Delivery[1000];
        for (int i = 0; i < deliveries.length; i++) {
            deliveries[i] =
                    SiteSchedulerTest.delivery(
                            "m" + i, "tenant" + (i % 20), Priority.values()[i % 2], null, 1);
        }
        long t = 1_800_000_000_000L;
        h.setProcessingTime(t);
        long decisions = 0;
        long start = System.nanoTime();
        int batch = SITES * 2;
        for (int done = 0; done < messages; done += batch) {
            for (int i = 0; i < batch; i++) {
                String key = SiteKeys.key("site" + (i % SITES) + ".example", 0);
                h.processElement(ScheduleInput.message(key, deliveries[i % deliveries.length]), t);
            }
            t += 1000; // every key's timer fires: all queued messages are due
            h.setProcessingTime(t);
            List<Release> out = h.extractOutputValues();
            h.getOutput().clear();
            for (Release r : out) {
                h.processElement(
                        ScheduleInput.feedback(
                                SiteKeys.key(r.site(), 0),
                                new Feedback(
                                        r.site(),
                                        r.sendingIp(),
                                        Feedback.Kind.DELIVERED,
                                        "250 ok",
                                        BounceAction.NONE,
                                        0,
                                        t)),
                        t);
            }
            decisions += batch + out.size() + out.size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        h.close();
        double rate = decisions / seconds;
        System.out.printf("%-10s %8d %10d %12.2f %14.0f%n", name, round, decisions, seconds, rate);
        return rate;
    }
}
