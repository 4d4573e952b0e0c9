package io.sluice.delivery.shaping;

import io.sluice.delivery.ledger.Delivery;
import java.util.HashMap;
import java.util.Map;

/** A key's queued messages in a map: the unit tests' store and the benchmark's baseline. */
public final class HeapQueueStore implements QueueStore {

    public final Map<Long, Delivery> entries = new HashMap<>();

    @Override
    public Delivery get(long entryKey) {
        return entries.get(entryKey);
    }

    @Override
    public void put(long entryKey, Delivery delivery) {
        entries.put(entryKey, delivery);
    }

    @Override
    public void remove(long entryKey) {
        entries.remove(entryKey);
    }
}
