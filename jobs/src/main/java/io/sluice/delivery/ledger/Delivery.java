package io.sluice.delivery.ledger;

import io.sluice.delivery.intake.Message;
import java.time.Instant;

/**
 * A message on its way to an attempt.
 *
 * @param attempt 1 for the first attempt
 * @param firstAttemptAt when attempt 1 was made; null before it
 */
public record Delivery(Message message, int attempt, Instant firstAttemptAt) {}
