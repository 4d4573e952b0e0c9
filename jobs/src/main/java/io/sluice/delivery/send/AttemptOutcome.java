package io.sluice.delivery.send;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.ledger.Deferred;

/**
 * What one attempt produced: its events (ATTEMPTED, then DELIVERED, BOUNCED, DEFERRED or EXPIRED)
 * and, when deferred, the message to try again.
 */
public record AttemptOutcome(Event[] events, Deferred retry) {}
