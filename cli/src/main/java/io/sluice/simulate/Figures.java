package io.sluice.simulate;

import java.util.Locale;

/**
 * The outcome of a run for all mail or one tenant, counted from the providers' ground truth.
 *
 * @param messages send requests produced
 * @param delivered messages a provider accepted (once, however often it was sent)
 * @param inboxed delivered messages filed to the inbox
 * @param bounced messages whose recipient was refused as unknown or disabled, or bounced later
 * @param complaints delivered messages the recipient reported as spam
 * @param blocks refusals of a sending IP as blocked
 * @param duplicates acceptances of a message already accepted for the same recipient
 * @param lost messages with no final event from Sluice, or reported delivered but never accepted
 * @param quarantined tenants the reputation job moved to the quarantine pool or paused
 * @param overQuota days a warming IP's mail accepted at a site exceeded its warm-up quota there
 * @param withdrawnSigned messages accepted well after a DKIM key's withdrawal (10 s, real) that
 *     still carried a valid signature by it
 * @param days simulated days the run took, from the first request to the last final outcome
 */
public record Figures(
        long messages,
        long delivered,
        long inboxed,
        long bounced,
        long complaints,
        long blocks,
        long duplicates,
        long lost,
        long quarantined,
        long overQuota,
        long withdrawnSigned,
        double days) {

    static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    public double deliveredPercent() {
        return percent(delivered, messages);
    }

    public double inboxedPercent() {
        return percent(inboxed, delivered);
    }

    public double bouncedPercent() {
        return percent(bounced, messages);
    }

    public double complaintsPercent() {
        return percent(complaints, delivered);
    }

    /** The value of an expectation's metric: percents for rates, counts for the rest. */
    double metric(String name) {
        return switch (name) {
            case "delivered" -> deliveredPercent();
            case "inboxed" -> inboxedPercent();
            case "bounced" -> bouncedPercent();
            case "complaints" -> complaintsPercent();
            case "blocks" -> blocks;
            case "duplicates" -> duplicates;
            case "lost" -> lost;
            case "quarantined" -> quarantined;
            case "over-quota" -> overQuota;
            case "withdrawn-signed" -> withdrawnSigned;
            default -> throw new IllegalArgumentException("no metric " + name);
        };
    }

    /** The summary line, a contract: tools parse it. */
    public String line(String scenario) {
        return String.format(
                Locale.ROOT,
                "simulate %s: messages=%d delivered=%.1f%% inboxed=%.1f%% bounced=%.1f%%"
                        + " complaints=%.2f%% blocks=%d duplicates=%d lost=%d days=%s",
                scenario,
                messages,
                deliveredPercent(),
                inboxedPercent(),
                bouncedPercent(),
                complaintsPercent(),
                blocks,
                duplicates,
                lost,
                days == Math.rint(days)
                        ? Long.toString((long) days)
                        : String.format(Locale.ROOT, "%.1f", days));
    }
}
