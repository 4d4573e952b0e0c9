package io.sluice.delivery.intake;

import io.sluice.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw Kafka records into the job's values; a record that cannot be decoded goes to {@link
 * #DEAD_LETTERS} byte for byte with the reason, and the job goes on. Stateless.
 */
public final class DecodeFunction<T> extends ProcessFunction<RawRecord, T> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /**
     * Decoding of one record's value; throws with a message that says what is wrong, or returns
     * null for a record that asks for nothing (a compaction tombstone).
     */
    @FunctionalInterface
    public interface Decoder<T> extends java.io.Serializable {
        T decode(RawRecord record) throws Exception;
    }

    private final Decoder<T> decoder;
    private final Clock clock;
    private transient Counter deadLetters;

    public DecodeFunction(Decoder<T> decoder, Clock clock) {
        this.decoder = decoder;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext context) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<T> out) {
        T value;
        try {
            value = decoder.decode(r);
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, deadLetter(r, e));
            return;
        }
        if (value != null) {
            out.collect(value);
        }
    }

    private DeadLetter deadLetter(RawRecord r, Throwable e) {
        String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        return DeadLetter.newBuilder()
                .setSourceTopic(r.topic())
                .setSourcePartition(r.partition())
                .setSourceOffset(r.offset())
                .setReason("cannot decode record: " + reason)
                .setFailedAt(clock.instant())
                .setRawKey(r.key() == null ? null : ByteBuffer.wrap(r.key()))
                .setRawValue(r.value() == null ? null : ByteBuffer.wrap(r.value()))
                .build();
    }
}
