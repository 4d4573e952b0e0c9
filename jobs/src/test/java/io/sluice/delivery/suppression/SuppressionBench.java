package io.sluice.delivery.suppression;

import io.sluice.delivery.intake.Message;
import io.sluice.delivery.intake.Priority;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.suppression.Suppression.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * The suppression join's benchmark (run by {@code bench/suppression}, not by the test suite): loads
 * N generated suppressed addresses into the real {@link SuppressionFunction} on RocksDB with bloom
 * filters, then measures negative and positive lookups per second on one thread, bytes on disk per
 * address, checkpoint and restore times; and the same load and lookups on the heap state backend
 * for a smaller N as the baseline of the same run. Prints a table and, last, the line {@code
 * suppression-bench: addresses=N negative-lookups-per-s=N bytes-per-address=N load-per-s=N}.
 */
public final class SuppressionBench {

    private static final String SLOT_MEMORY = "640mb";
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final String[] FIRST = {
        "anna", "ben", "carla", "david", "emma", "felix", "grace", "hugo", "ines", "jonas", "kim",
        "lena", "maria", "noah", "olga", "paul", "rosa", "sam", "tina", "yusuf"
    };
    private static final String[] LAST = {
        "smith", "mueller", "garcia", "rossi", "dubois", "kowalski", "nguyen", "silva", "jansen",
        "novak", "ivanova", "tanaka", "okafor", "berg", "larsen", "costa", "weber", "moreau"
    };
    private static final String[] DOMAINS = {
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "icloud.com",
        "aol.com",
        "gmx.de",
        "web.de",
        "orange.fr",
        "comcast.net",
        "mail.ru",
        "qq.com"
    };

    private record Figures(
            String backend,
            long addresses,
            double loadPerS,
            double negativeAfterLoadPerS,
            double negativePerS,
            double positivePerS,
            long diskBytes,
            long checkpointBytes,
            double checkpointS,
            double restoreS) {}

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 100_000_000L;
        Path work = Path.of(args.length > 1 ? args[1] : "target/bench-suppression");
        long lookups = Math.min(n, 5_000_000L);
        long baselineN = Math.min(n, 2_000_000L);
        deleteTree(work);

        // -Dbench.heap=false leaves out the heap baseline (for profiling the RocksDB run alone).
        Figures heap =
                Boolean.parseBoolean(System.getProperty("bench.heap", "true"))
                        ? run(
                                "heap (baseline)",
                                new HashMapStateBackend(),
                                baselineN,
                                lookups,
                                work)
                        : null;
        Configuration conf = new Configuration();
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // As the job runs (DeliveryJob.environment): a full filter of a large SST file is bigger
        // than a block-cache shard, so without partitions every lookup reads it again.
        conf.set(
                RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS,
                !Boolean.getBoolean("bench.no-partitioned-filters"));
        conf.set(
                RocksDBConfigurableOptions.METADATA_BLOCK_SIZE,
                io.sluice.delivery.DeliveryJob.FILTER_PARTITION_SIZE);
        // What a task slot gets from a TaskManager with ~1.3 GB of managed memory for two slots;
        // the test harness has next to no managed memory, which would flush a file every few KB.
        conf.set(RocksDBOptions.FIX_PER_SLOT_MEMORY_SIZE, MemorySize.parse(SLOT_MEMORY));
        // Experiments: -Dbench.conf.state.backend.rocksdb.writebuffer.size=16mb and the like.
        Map<String, String> extra = new java.util.HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("bench.conf.")) {
                extra.put(name.substring("bench.conf.".length()), System.getProperty(name));
            }
        }
        conf.addAll(Configuration.fromMap(extra));
        EmbeddedRocksDBStateBackend rocks =
                new EmbeddedRocksDBStateBackend(true)
                        .configure(conf, SuppressionBench.class.getClassLoader());
        rocks.setDbStoragePath(work.resolve("rocksdb").toAbsolutePath().toString());
        if (!Boolean.getBoolean("bench.no-memtable-bloom")) {
            rocks.setRocksDBOptions(new ExperimentOptions());
        }
        Figures rocksdb = run("rocksdb + bloom", rocks, n, lookups, work);
        // -Dbench.parallelism=0 leaves out the load on every core.
        int parallelism =
                Integer.getInteger("bench.parallelism", Runtime.getRuntime().availableProcessors());
        double parallelLoad = parallelism > 1 ? parallelLoad(rocks, n, parallelism, work) : -1;
        System.out.println(
                "RocksDB: bloom filters on, "
                        + conf.get(RocksDBOptions.FIX_PER_SLOT_MEMORY_SIZE).toHumanReadableString()
                        + " per slot (memtables + block cache), lookups spread uniformly over the"
                        + " list, one thread calling the operator; RocksDB's flush and compaction"
                        + " threads run beside it. *positive lookups are bound by the test"
                        + " harness, which builds a serializer per side-output event. †negative"
                        + " lookups right after the load: compactions still owed, and a cold"
                        + " block cache (the first pass reads the filter partitions in); the next"
                        + " column is a second pass once the compactions are done, as in a"
                        + " running job.");

        System.out.printf(
                Locale.ROOT,
                "%n%-18s %12s %12s %16s %14s %14s %12s %12s %12s %12s%n",
                "state backend",
                "addresses",
                "load/s",
                "negative/s†",
                "negative/s",
                "positive/s*",
                "disk B/addr",
                "ckpt B/addr",
                "checkpoint s",
                "restore s");
        for (Figures f : heap == null ? List.of(rocksdb) : List.of(heap, rocksdb)) {
            System.out.printf(
                    Locale.ROOT,
                    "%-18s %12d %12.0f %16.0f %14.0f %14.0f %12s %12.1f %12.1f %12.1f%n",
                    f.backend(),
                    f.addresses(),
                    f.loadPerS(),
                    f.negativeAfterLoadPerS(),
                    f.negativePerS(),
                    f.positivePerS(),
                    f.diskBytes() < 0
                            ? "-"
                            : String.format(
                                    Locale.ROOT, "%.1f", (double) f.diskBytes() / f.addresses()),
                    (double) f.checkpointBytes() / f.addresses(),
                    f.checkpointS(),
                    f.restoreS());
        }
        if (parallelLoad > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "%nload on every core: %d addresses split over %d subtasks (each its own"
                            + " RocksDB, as on one task manager), loaded on %d threads at once:"
                            + " %.0f/s together (%.2fx one subtask's %.0f/s); %.0f s for the"
                            + " list%n",
                    n,
                    parallelism,
                    parallelism,
                    parallelLoad,
                    parallelLoad / rocksdb.loadPerS(),
                    rocksdb.loadPerS(),
                    n / parallelLoad);
        }
        System.out.printf(
                Locale.ROOT,
                "suppression-bench: addresses=%d negative-lookups-per-s=%.0f bytes-per-address=%.0f"
                        + " load-per-s=%.0f%n",
                rocksdb.addresses(),
                rocksdb.negativePerS(),
                (double) rocksdb.diskBytes() / rocksdb.addresses(),
                rocksdb.loadPerS());
    }

    /**
     * The job's options, and for experiments a few RocksDB options that Flink's configuration does
     * not reach: -Dbench.l0-trigger=N (level0_file_num_compaction_trigger).
     */
    private static final class ExperimentOptions
            implements org.apache.flink.state.rocksdb.RocksDBOptionsFactory {
        private static final long serialVersionUID = 1L;
        private final io.sluice.delivery.state.SluiceRocksDbOptions job =
                new io.sluice.delivery.state.SluiceRocksDbOptions();

        @Override
        public org.rocksdb.DBOptions createDBOptions(
                org.rocksdb.DBOptions current, java.util.Collection<AutoCloseable> handles) {
            return job.createDBOptions(current, handles);
        }

        @Override
        public org.rocksdb.ColumnFamilyOptions createColumnOptions(
                org.rocksdb.ColumnFamilyOptions current,
                java.util.Collection<AutoCloseable> handles) {
            org.rocksdb.ColumnFamilyOptions o = job.createColumnOptions(current, handles);
            Integer trigger = Integer.getInteger("bench.l0-trigger");
            if (trigger != null) {
                o.setLevel0FileNumCompactionTrigger(trigger);
            }
            return o;
        }
    }

    private static Figures run(String name, StateBackend backend, long n, long lookups, Path work)
            throws Exception {
        var harness = harness(backend, work);
        harness.open();
        harness.setProcessingTime(NOW.toEpochMilli());

        System.err.printf(Locale.ROOT, "%s: loading %d addresses%n", name, n);
        // The updates are made in batches before the clock runs, as the lookups' deliveries are:
        // the figure is the operator's (keying, the state read and write), not the generator's.
        int batch = 100_000;
        double loading = 0;
        // The calling thread's CPU time too, on standard error: on a shared machine the wall-clock
        // figure also counts the time other processes took the core.
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long loadCpu = 0;
        long t0 = System.nanoTime();
        for (long from = 0; from < n; from += batch) {
            int size = (int) Math.min(batch, n - from);
            List<StreamRecord<SuppressionUpdate>> updates = new ArrayList<>(size);
            for (long i = from; i < from + size; i++) {
                updates.add(
                        new StreamRecord<>(
                                SuppressionUpdate.add(
                                        Suppression.global(
                                                address(i), Reason.HARD_BOUNCE, null, NOW, null))));
            }
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            for (StreamRecord<SuppressionUpdate> u : updates) {
                harness.processElement2(u);
            }
            loadCpu += threads.getCurrentThreadCpuTime() - cpuStart;
            loading += seconds(start);
            if ((from + size) % 5_000_000 == 0) {
                System.err.printf(
                        Locale.ROOT,
                        "%s: %d loaded, %.0f/s (%.0f s on the clock)%n",
                        name,
                        from + size,
                        (from + size) / loading,
                        seconds(t0));
            }
        }
        double loadPerS = n / loading;
        System.err.printf(
                Locale.ROOT,
                "%s: load %.0f/s wall, %.0f/s of the loading thread's CPU time%n",
                name,
                loadPerS,
                n / (loadCpu / 1e9));

        // Right after a bulk load RocksDB still owes compactions (L0 files every lookup must
        // consult), and the filter and index partitions of the files it wrote are not in its
        // block cache yet; a running job has no compactions owed and a warm cache. Both are
        // measured: first as the load leaves it, then once the compactions are done and a first
        // pass of lookups has read the partitions into the cache.
        double negativeAfterLoadPerS = lookups(harness, n, lookups, false, 7);
        double negativePerS = negativeAfterLoadPerS;
        var rocksdb = rocksDb(harness);
        if (rocksdb != null) {
            var db = rocksdb.db();
            var cf = rocksdb.column();
            System.err.println("after the load: " + levels(db, cf));
            long settleStart = System.nanoTime();
            while ((db.getLongProperty(cf, "rocksdb.compaction-pending") > 0
                            || db.getLongProperty(cf, "rocksdb.num-running-compactions") > 0
                            || db.getLongProperty(cf, "rocksdb.num-running-flushes") > 0)
                    && seconds(settleStart) < 1800) {
                Thread.sleep(1000);
            }
            System.err.printf(
                    Locale.ROOT,
                    "compactions settled in %.0f s: %s%n",
                    seconds(settleStart),
                    levels(db, cf));
            // Other addresses than the first pass's: a warm cache, not the same answers.
            negativePerS = lookups(harness, n, lookups, false, 11);
        }
        // Fewer: the test harness builds a new serializer for every side-output record (Flink's
        // MockOutput), which costs far more than the lookup, so this figure is a lower bound.
        double positivePerS = lookups(harness, n, Math.min(lookups, 200_000), true, 7);

        t0 = System.nanoTime();
        OperatorSubtaskState snapshot = harness.snapshot(1L, NOW.toEpochMilli());
        double checkpointS = seconds(t0);
        long diskBytes = backend instanceof EmbeddedRocksDBStateBackend ? sstBytes(work) : -1;
        harness.close();

        var restored = harness(backend, work);
        t0 = System.nanoTime();
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        double restoreS = seconds(t0);
        restored.setProcessingTime(NOW.toEpochMilli());
        // The restored state answers: a suppressed address is still suppressed.
        restored.processElement1(new StreamRecord<>(delivery(address(n / 2))));
        if (!restored.getOutput().isEmpty()) {
            throw new IllegalStateException("restored state lost address " + address(n / 2));
        }
        restored.close();
        deleteTree(work);
        return new Figures(
                name,
                n,
                loadPerS,
                negativeAfterLoadPerS,
                negativePerS,
                positivePerS,
                diskBytes,
                snapshot.getStateSize(),
                checkpointS,
                restoreS);
    }

    /**
     * The load as a job with one subtask per core runs it on one machine: the addresses split
     * (index modulo {@code parallelism}, as a hash partition would) over {@code parallelism}
     * harnesses, each with its own RocksDB, loaded on as many threads at once while RocksDB's
     * flushes and compactions share the same cores. The rate is by the wall clock from the first
     * address to the last, generating the updates included (~0.3 us each), so it errs low.
     */
    private static double parallelLoad(StateBackend backend, long n, int parallelism, Path work)
            throws Exception {
        System.err.printf(
                Locale.ROOT, "parallel load: %d addresses over %d subtasks%n", n, parallelism);
        List<KeyedTwoInputStreamOperatorTestHarness<String, Delivery, SuppressionUpdate, Delivery>>
                harnesses = new ArrayList<>();
        for (int p = 0; p < parallelism; p++) {
            var h = harness(backend, work.resolve("parallel-" + p));
            h.open();
            h.setProcessingTime(NOW.toEpochMilli());
            harnesses.add(h);
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(parallelism);
        try {
            long t0 = System.nanoTime();
            List<java.util.concurrent.Future<?>> loads = new ArrayList<>();
            for (int p = 0; p < parallelism; p++) {
                int subtask = p;
                var h = harnesses.get(p);
                loads.add(
                        pool.submit(
                                () -> {
                                    for (long i = subtask; i < n; i += parallelism) {
                                        h.processElement2(
                                                new StreamRecord<>(
                                                        SuppressionUpdate.add(
                                                                Suppression.global(
                                                                        address(i),
                                                                        Reason.HARD_BOUNCE,
                                                                        null,
                                                                        NOW,
                                                                        null))));
                                    }
                                    return null;
                                }));
            }
            for (var load : loads) {
                load.get();
            }
            double rate = n / seconds(t0);
            System.err.printf(Locale.ROOT, "parallel load: %.0f/s wall%n", rate);
            return rate;
        } finally {
            pool.shutdownNow();
            for (var h : harnesses) {
                h.close();
            }
            deleteTree(work);
        }
    }

    private record Rocks(org.rocksdb.RocksDB db, org.rocksdb.ColumnFamilyHandle column) {}

    /**
     * The harness's RocksDB instance and the join's column family, or null on another backend:
     * Flink keeps both out of its public API, so they are read by reflection, for the benchmark's
     * diagnostics (compactions owed, files per level) only.
     */
    private static Rocks rocksDb(
            KeyedTwoInputStreamOperatorTestHarness<String, Delivery, SuppressionUpdate, Delivery> h)
            throws ReflectiveOperationException {
        Object backend = h.getOperator().getKeyedStateBackend();
        var type = org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend.class;
        if (!type.isInstance(backend)) {
            return null;
        }
        var db = type.getDeclaredField("db");
        db.setAccessible(true);
        var column = type.getDeclaredMethod("getColumnFamilyHandle", String.class);
        column.setAccessible(true);
        return new Rocks(
                (org.rocksdb.RocksDB) db.get(backend),
                (org.rocksdb.ColumnFamilyHandle)
                        column.invoke(backend, SuppressionFunction.STATE_NAME));
    }

    /** Files per level of the join's column family, from RocksDB's own property. */
    private static String levels(org.rocksdb.RocksDB db, org.rocksdb.ColumnFamilyHandle cf)
            throws org.rocksdb.RocksDBException {
        StringBuilder files = new StringBuilder("files per level");
        for (int level = 0; level < 7; level++) {
            files.append(level == 0 ? " " : "/")
                    .append(db.getProperty(cf, "rocksdb.num-files-at-level" + level));
        }
        // The block cache is the slot's (shared by every column family, memtables charged to it).
        return files.append(
                        String.format(
                                Locale.ROOT,
                                "; block cache %d MB used, %d MB pinned; table readers %d MB"
                                        + " outside it",
                                db.getLongProperty(cf, "rocksdb.block-cache-usage") >> 20,
                                db.getLongProperty(cf, "rocksdb.block-cache-pinned-usage") >> 20,
                                db.getLongProperty(cf, "rocksdb.estimate-table-readers-mem") >> 20))
                .toString();
    }

    /**
     * Lookups per second for {@code lookups} deliveries to addresses spread uniformly over the list
     * (so they are not served by one cached block), suppressed or not. The deliveries are built
     * before the clock starts, and the harness's output is drained as it goes, so the figure is the
     * operator's: key normalization, the state lookup, and forwarding or the event.
     */
    private static double lookups(
            KeyedTwoInputStreamOperatorTestHarness<String, Delivery, SuppressionUpdate, Delivery> h,
            long n,
            long lookups,
            boolean suppressed,
            long seed)
            throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int batch = 200_000;
        long forwarded = 0;
        long events = 0;
        double elapsed = 0;
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = 0;
        for (long done = 0; done < lookups; done += batch) {
            int size = (int) Math.min(batch, lookups - done);
            List<StreamRecord<Delivery>> records = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                long index = random.nextLong(n);
                records.add(
                        new StreamRecord<>(
                                delivery(suppressed ? address(index) : address(n + index))));
            }
            long t0 = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            for (StreamRecord<Delivery> r : records) {
                h.processElement1(r);
            }
            cpu += threads.getCurrentThreadCpuTime() - cpuStart;
            elapsed += seconds(t0);
            forwarded += h.getOutput().size();
            h.getOutput().clear();
            var side = h.getSideOutput(SuppressionFunction.EVENTS);
            if (side != null) {
                events += side.size();
                side.clear();
            }
        }
        if ((suppressed ? events : forwarded) != lookups) {
            throw new IllegalStateException(
                    (suppressed ? "suppressed " : "forwarded ")
                            + (suppressed ? events : forwarded)
                            + " of "
                            + lookups
                            + " lookups");
        }
        System.err.printf(
                Locale.ROOT,
                "%s lookups: %.0f/s wall, %.0f/s of the calling thread's CPU time%n",
                suppressed ? "positive" : "negative",
                lookups / elapsed,
                lookups / (cpu / 1e9));
        return lookups / elapsed;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, Delivery, SuppressionUpdate, Delivery>
            harness(StateBackend backend, Path work) throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new SuppressionFunction()),
                        SuppressionFunction.byRecipient(),
                        SuppressionFunction.byAddress(),
                        Types.STRING);
        h.setStateBackend(backend);
        h.setCheckpointStorage(
                new FileSystemCheckpointStorage(work.resolve("checkpoints").toUri()));
        return h;
    }

    /**
     * The i-th generated address, different for every i: a first and last name, i in base 36, and a
     * domain weighted like a consumer list (about 30 characters, like real lists).
     */
    static String address(long i) {
        long h = i * 0x9E3779B97F4A7C15L;
        int a = (int) ((h >>> 8) & 0xffff);
        return FIRST[a % FIRST.length]
                + (a % 3 == 0 ? "." : a % 3 == 1 ? "_" : "")
                + LAST[(a >>> 5) % LAST.length]
                + Long.toString(i, 36)
                + "@"
                + DOMAINS[(int) ((h >>> 32) & 0x7fffffff) % DOMAINS.length];
    }

    private static Delivery delivery(String recipient) {
        return new Delivery(
                new Message(
                        "m",
                        "acme",
                        null,
                        Priority.MARKETING,
                        "news@acme.example",
                        null,
                        null,
                        recipient,
                        null,
                        "s",
                        Map.of(),
                        "t",
                        null,
                        null,
                        null,
                        NOW,
                        Map.of()),
                1,
                null);
    }

    private static long sstBytes(Path work) throws IOException {
        try (Stream<Path> files = Files.walk(work.resolve("rocksdb"))) {
            return files.filter(p -> p.toString().endsWith(".sst"))
                    .mapToLong(
                            p -> {
                                try {
                                    return Files.size(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            })
                    .sum();
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(paths::add);
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            Files.delete(paths.get(i));
        }
    }
}
