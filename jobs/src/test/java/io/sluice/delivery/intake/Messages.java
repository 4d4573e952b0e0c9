package io.sluice.delivery.intake;

import java.time.Instant;
import java.util.Map;

/** A valid message to start test cases from. */
public final class Messages {

    private Messages() {}

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
