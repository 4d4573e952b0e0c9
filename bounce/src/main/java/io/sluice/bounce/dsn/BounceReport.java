package io.sluice.bounce.dsn;

import java.util.List;

/**
 * The outcome of reading one received message: the recipients it reports on, or why it is not a
 * bounce.
 */
public record BounceReport(boolean bounce, String verdict, List<BouncedRecipient> recipients) {

    public BounceReport {
        recipients = List.copyOf(recipients);
    }

    public static BounceReport of(String format, List<BouncedRecipient> recipients) {
        return new BounceReport(true, format, recipients);
    }

    public static BounceReport notABounce(String why) {
        return new BounceReport(false, "not a bounce: " + why, List.of());
    }
}
