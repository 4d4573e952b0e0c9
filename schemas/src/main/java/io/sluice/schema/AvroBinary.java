package io.sluice.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record as the value of a Sluice topic: plain Avro binary with no framing (the writer's schema
 * version goes in the {@value SchemaVersions#HEADER} header beside it).
 */
public final class AvroBinary {

    private AvroBinary() {}

    public static byte[] encode(SpecificRecord record) {
        return encode(record, 256);
    }

    /** As {@link #encode(SpecificRecord)}, with a first guess of the size (a bounce's content). */
    @SuppressWarnings("unchecked")
    public static byte[] encode(SpecificRecord record, int sizeHint) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>((Class<SpecificRecord>) record.getClass())
                    .write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            // A ByteArrayOutputStream never fails; a record that does not match its schema does.
            throw new UncheckedIOException(e);
        }
    }
}
