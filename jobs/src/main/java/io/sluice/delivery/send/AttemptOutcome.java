package io.sluice.delivery.send;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.ledger.Deferred;
import io.sluice.delivery.shaping.Feedback;

/**
 * What one attempt produced: its events (ATTEMPTED, then DELIVERED, BOUNCED, DEFERRED or EXPIRED),
 * when deferred the message to try again, and what the attempt tells the scheduler about the
 * sending IP at the site.
 */
public record AttemptOutcome(Event[] events, Deferred retry, Feedback feedback) {}
