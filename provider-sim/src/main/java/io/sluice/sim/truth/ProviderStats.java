package io.sluice.sim.truth;

import io.sluice.sim.profile.ReplyKind;
import java.util.Map;

/**
 * Counters of one simulated provider at a moment.
 *
 * @param accepted recipients accepted (one message to two recipients counts twice)
 * @param duplicates acceptances of a Message-ID already accepted for the same recipient
 * @param complaints accepted messages that drew an ARF complaint report
 * @param lateBounces accepted messages whose mailbox turned out dead (a DSN to the return path)
 * @param opens inboxed messages opened (an OPEN event)
 * @param clicks inboxed messages clicked (a CLICK event; each also counts as an open)
 * @param refused refusals by reason: a {@link ReplyKind#key()} or {@code relay-denied}
 */
public record ProviderStats(
        String provider,
        long accepted,
        long inbox,
        long spam,
        long duplicates,
        long complaints,
        long lateBounces,
        long opens,
        long clicks,
        Map<String, Long> refused) {

    public ProviderStats {
        refused = Map.copyOf(refused);
    }

    public long refused(ReplyKind kind) {
        return refused.getOrDefault(kind.key(), 0L);
    }

    /** Refused for going too fast: the rate limit and the reputation throttle. */
    public long throttled() {
        return refused(ReplyKind.RATE_LIMITED) + refused(ReplyKind.THROTTLED);
    }

    public long blocked() {
        return refused(ReplyKind.BLOCKED);
    }
}
