package io.sluice.delivery.intake;

import io.sluice.schema.SendRequest;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A valid message to start test cases from. */
public final class Messages {

    private Messages() {}

    /** {@code m} with the changes made on its Avro builder: one line per test variant. */
    public static Message with(Message m, UnaryOperator<SendRequest.Builder> change) {
        return SendRequestCodec.toMessage(
                change.apply(SendRequest.newBuilder(SendRequestCodec.toAvro(m))).build());
    }

    public static Message valid(String id) {
        return new Message(
                id,
                "acme",
                "spring",
                Priority.MARKETING,
                "news@acme.example",
                "Acme",
                null,
                "reader@gmail.com",
                null,
                "Spring news",
                Map.of("X-Campaign", "spring"),
                "Hello",
                "<p>Hello</p>",
                "https://acme.example/u/" + id,
                null,
                Instant.parse("2026-11-28T10:00:00Z"),
                Map.of("k", "v"));
    }
}
