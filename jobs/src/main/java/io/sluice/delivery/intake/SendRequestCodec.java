package io.sluice.delivery.intake;

import io.sluice.schema.SchemaVersions;
import io.sluice.schema.SendRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary to and from the job's values. Topics carry plain Avro binary (no header, as Flink
 * SQL's avro format reads); the writer's schema version comes from a Kafka header and is resolved
 * against the released copies, so old producers keep working after a compatible change.
 */
public final class SendRequestCodec {

    private SendRequestCodec() {}

    public static <T extends SpecificRecord> T decode(
            byte[] bytes, Class<T> type, Schema current, String writerVersion) throws IOException {
        if (bytes == null) {
            throw new IOException("record has no value");
        }
        Schema writer = SchemaVersions.writerSchema(current, writerVersion);
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, current);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        T value = reader.read(null, decoder);
        if (!decoder.isEnd()) {
            throw new IOException(
                    "trailing bytes after a "
                            + type.getSimpleName()
                            + ": not plain Avro binary of"
                            + " schema version "
                            + (writerVersion == null ? SchemaVersions.CURRENT : writerVersion));
        }
        return value;
    }

    public static <T extends SpecificRecord> byte[] encode(T value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            @SuppressWarnings("unchecked")
            SpecificDatumWriter<T> writer = new SpecificDatumWriter<>((Class<T>) value.getClass());
            writer.write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Message toMessage(SendRequest r) {
        return new Message(
                r.getMessageId(),
                r.getTenant(),
                r.getCampaign(),
                r.getPriority() == io.sluice.schema.Priority.TRANSACTIONAL
                        ? Priority.TRANSACTIONAL
                        : Priority.MARKETING,
                r.getFromAddress(),
                r.getFromName(),
                r.getReplyTo(),
                r.getRecipient(),
                r.getRecipientName(),
                r.getSubject(),
                new LinkedHashMap<>(r.getHeaders()),
                r.getTextBody(),
                r.getHtmlBody(),
                r.getUnsubscribeUrl(),
                r.getIpPool(),
                r.getSubmittedAt(),
                new LinkedHashMap<>(r.getMetadata()));
    }

    public static SendRequest toAvro(Message m) {
        return SendRequest.newBuilder()
                .setMessageId(m.messageId())
                .setTenant(m.tenant())
                .setCampaign(m.campaign())
                .setPriority(
                        m.priority() == Priority.TRANSACTIONAL
                                ? io.sluice.schema.Priority.TRANSACTIONAL
                                : io.sluice.schema.Priority.MARKETING)
                .setFromAddress(m.fromAddress())
                .setFromName(m.fromName())
                .setReplyTo(m.replyTo())
                .setRecipient(m.recipient())
                .setRecipientName(m.recipientName())
                .setSubject(m.subject())
                .setHeaders(orEmpty(m.headers()))
                .setTextBody(m.textBody())
                .setHtmlBody(m.htmlBody())
                .setUnsubscribeUrl(m.unsubscribeUrl())
                .setIpPool(m.ipPool())
                .setSubmittedAt(m.submittedAt() == null ? Instant.EPOCH : m.submittedAt())
                .setMetadata(orEmpty(m.metadata()))
                .build();
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
