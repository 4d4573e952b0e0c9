package io.sluice.delivery.ledger;

import io.sluice.delivery.intake.Message;
import java.time.Instant;

/** A message waiting for its next attempt after {@code attempts} temporary failures. */
public record Deferred(
        Message message,
        int attempts,
        Instant firstAttemptAt,
        Instant nextAttemptAt,
        String lastReply) {}
