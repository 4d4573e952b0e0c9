package io.sluice.delivery.suppression;

import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.mta.address.EmailAddress;
import io.sluice.schema.SuppressionAction;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import org.apache.flink.api.common.functions.FlatMapFunction;

/**
 * Turns hard bounces into suppression changes: an address that does not exist, or whose domain
 * takes no mail, is suppressed for every tenant. Only a BOUNCED event of class HARD does; soft
 * bounces, throttles, blocks, policy and authentication failures and expiries never suppress
 * (REFERENCE.md: suppressing on those removes live customers).
 */
public final class HardBounces {

    /** How much of the reply the change keeps as its note. */
    private static final int NOTE_LENGTH = 300;

    private HardBounces() {}

    public static FlatMapFunction<Event, SuppressionChange> suppressions() {
        return (e, out) -> {
            SuppressionChange c = suppressionOf(e);
            if (c != null) {
                out.collect(c);
            }
        };
    }

    /** The change a delivery event asks for, or null when it asks for none. */
    public static SuppressionChange suppressionOf(Event e) {
        if (e.type() != EventType.BOUNCED || !"HARD".equals(e.bounceClass())) {
            return null;
        }
        String address;
        try {
            address = SuppressionKey.of(e.recipient());
        } catch (EmailAddress.InvalidAddressException invalid) {
            // The ledger rejects such recipients before any attempt; nothing to suppress.
            return null;
        }
        String note = e.reason();
        if (note != null && note.length() > NOTE_LENGTH) {
            note = note.substring(0, NOTE_LENGTH);
        }
        return SuppressionChange.newBuilder()
                .setAddress(address)
                .setScope(SuppressionScope.GLOBAL)
                .setTenant(null)
                .setAction(SuppressionAction.ADD)
                .setReason(SuppressionReason.HARD_BOUNCE)
                .setSourceEventId(e.eventId())
                .setChangedAt(e.occurredAt())
                .setExpiresAt(null)
                .setNote(note)
                .build();
    }
}
