package io.sluice.delivery.state;

import java.util.Collection;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * RocksDB options beyond what Flink's configuration offers, for the jobs' point lookups of keys
 * that are almost never there (the suppression join asks "is this address suppressed?" for every
 * message, and loading a suppression reads the address's entry before writing it).
 *
 * <p>Flink's {@code state.backend.rocksdb.use-bloom-filter} puts bloom filters in the SST files,
 * but a get first searches the memtables, which have none: with a slot's write buffers holding
 * millions of keys, that skip-list search for an absent key costs more than everything else on the
 * path, and it grew with the memtable (the 100M-address suppression load slowed from 92,000/s to
 * under 35,000/s before its first flushes). A whole-key bloom filter on the memtables (10% of their
 * size) answers those misses from a few cache lines. Set with {@code
 * state.backend.rocksdb.options-factory}; Flink applies its own configured options first.
 */
public final class SluiceRocksDbOptions implements RocksDBOptionsFactory {

    private static final long serialVersionUID = 1L;

    /** The share of each memtable's size given to its bloom filter (RocksDB's suggested 0.1). */
    static final double MEMTABLE_BLOOM_RATIO = 0.1;

    @Override
    public DBOptions createDBOptions(
            DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(
            ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions
                .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO)
                .setMemtableWholeKeyFiltering(true);
    }
}
