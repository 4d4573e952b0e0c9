package io.sluice.delivery.suppression;

import io.sluice.mta.address.EmailAddress;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.SuppressionAction;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import java.util.Locale;
import org.apache.flink.api.common.functions.FlatMapFunction;

/**
 * Turns what recipients and providers report after delivery into suppressions: a complaint (a
 * feedback-loop report) or an unsubscribe suppresses the address for the tenant that sent the mail;
 * an out-of-band hard bounce suppresses it for everyone. Opens, clicks and soft bounces change
 * nothing.
 *
 * <p>A complaint or unsubscribe whose tenant is unknown (a report that lost the VERP address that
 * names the message) suppresses globally: not mailing someone who complained costs one reader,
 * mailing them again costs the sending IP's reputation (REFERENCE.md: complaints above 0.3% get a
 * sender blocked).
 */
public final class FeedbackSuppressions {

    private static final int NOTE_LENGTH = 300;

    private FeedbackSuppressions() {}

    public static FlatMapFunction<FeedbackEvent, SuppressionChange> suppressions() {
        return (f, out) -> {
            SuppressionChange c = suppressionOf(f);
            if (c != null) {
                out.collect(c);
            }
        };
    }

    /** The change a feedback event asks for, or null. */
    public static SuppressionChange suppressionOf(FeedbackEvent f) {
        SuppressionReason reason;
        boolean perTenant;
        switch (f.getType()) {
            case COMPLAINT -> {
                reason = SuppressionReason.COMPLAINT;
                perTenant = true;
            }
            case UNSUBSCRIBE -> {
                reason = SuppressionReason.UNSUBSCRIBE;
                perTenant = true;
            }
            case BOUNCE -> {
                if (f.getBounce() == null
                        || f.getBounce().getBounceClass() == null
                        || !f.getBounce().getBounceClass().equalsIgnoreCase("hard")) {
                    return null;
                }
                reason = SuppressionReason.HARD_BOUNCE;
                perTenant = false;
            }
            default -> {
                return null;
            }
        }
        String address;
        try {
            address = SuppressionKey.of(f.getRecipient());
        } catch (EmailAddress.InvalidAddressException e) {
            // A report naming no usable recipient: the parser that made it says why elsewhere.
            return null;
        }
        String tenant = perTenant ? f.getTenant() : null;
        String note =
                f.getType().name().toLowerCase(Locale.ROOT)
                        + (f.getProvider() == null ? "" : " via " + f.getProvider())
                        + (f.getReportType() == null ? "" : " (" + f.getReportType() + ")")
                        + (perTenant && tenant == null ? "; tenant unknown, so global" : "");
        return SuppressionChange.newBuilder()
                .setAddress(address)
                .setScope(tenant == null ? SuppressionScope.GLOBAL : SuppressionScope.TENANT)
                .setTenant(tenant)
                .setAction(SuppressionAction.ADD)
                .setReason(reason)
                .setSourceEventId(f.getFeedbackId())
                .setChangedAt(f.getReceivedAt())
                .setExpiresAt(null)
                .setNote(note.length() > NOTE_LENGTH ? note.substring(0, NOTE_LENGTH) : note)
                .build();
    }
}
