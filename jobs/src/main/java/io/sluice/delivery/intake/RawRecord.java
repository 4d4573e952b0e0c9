package io.sluice.delivery.intake;

/** A Kafka record before decoding, with where it came from so a dead letter can point back. */
public record RawRecord(
        String topic, int partition, long offset, byte[] key, byte[] value, String schemaVersion) {}
