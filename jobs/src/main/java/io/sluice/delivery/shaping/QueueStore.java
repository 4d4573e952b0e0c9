package io.sluice.delivery.shaping;

import io.sluice.delivery.ledger.Delivery;

/**
 * Where one key's queued messages are kept, one entry each: Flink's keyed {@code MapState} in the
 * job (RocksDB), a map in tests and in the benchmark's baseline.
 */
public interface QueueStore {

    Delivery get(long entryKey);

    void put(long entryKey, Delivery delivery);

    void remove(long entryKey);
}
