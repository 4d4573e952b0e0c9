package io.sluice.delivery.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.DeliveryJob;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.RocksDB;

class SluiceRocksDbOptionsTest {

    @Test
    void theMemtablesGetAWholeKeyBloomFilter() {
        RocksDB.loadLibrary();
        List<AutoCloseable> handles = new ArrayList<>();
        try (ColumnFamilyOptions options =
                new SluiceRocksDbOptions()
                        .createColumnOptions(new ColumnFamilyOptions(), handles)) {
            assertThat(options.memtablePrefixBloomSizeRatio())
                    .isEqualTo(SluiceRocksDbOptions.MEMTABLE_BLOOM_RATIO);
            assertThat(options.memtableWholeKeyFiltering()).isTrue();
        }
    }

    @Test
    void theSettingTheJobsUseLoadsIt() {
        Configuration conf = new Configuration();
        // As flink-conf/config.yaml, DeliveryJob and the local stack set it.
        conf.set(RocksDBOptions.OPTIONS_FACTORY, SluiceRocksDbOptions.class.getName());

        EmbeddedRocksDBStateBackend backend =
                new EmbeddedRocksDBStateBackend().configure(conf, getClass().getClassLoader());

        assertThat(backend.getRocksDBOptions()).isInstanceOf(SluiceRocksDbOptions.class);
    }

    @Test
    void theJobPartitionsFiltersIn16KbBlocks() {
        var conf = DeliveryJob.environment(new Configuration()).getConfiguration();

        assertThat(conf.get(RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS)).isTrue();
        assertThat(conf.get(RocksDBConfigurableOptions.METADATA_BLOCK_SIZE))
                .isEqualTo(MemorySize.parse("16kb"));
    }
}
