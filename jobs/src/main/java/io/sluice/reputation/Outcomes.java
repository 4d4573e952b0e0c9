package io.sluice.reputation;

/**
 * Which counter a delivery outcome adds to. A hard bounce is the list's fault; a soft failure is a
 * block or a throttle when its reason is one of the rules' block or throttle reasons, else when the
 * bounce classifier's action says so (PAUSE, THROTTLE), else a soft bounce; a neutral reason (the
 * rules' {@code neutral-reasons}: one connection too many) counts toward nothing. Attempts and
 * deliveries count as themselves; EXPIRED adds nothing (its deferrals were counted as they
 * happened).
 */
public final class Outcomes {

    private Outcomes() {}

    /**
     * @param type the delivery event's type (ATTEMPTED, DELIVERED, BOUNCED, DEFERRED, ...)
     * @param bounceClass HARD or SOFT on a bounce, else null
     * @param reason the bounce classifier's reason (sisimai id) of the reply, or null
     * @param action the classifier's action id (throttle, pause, ...) on the reply, or null
     * @return the counter, or null for an event that counts toward nothing
     */
    public static Counter of(
            ReputationRules rules, String type, String bounceClass, String reason, String action) {
        return switch (type) {
            case "ATTEMPTED" -> Counter.ATTEMPTS;
            case "DELIVERED" -> Counter.DELIVERIES;
            case "BOUNCED" ->
                    "HARD".equals(bounceClass)
                            ? Counter.HARD_BOUNCES
                            : failure(rules, reason, action);
            case "DEFERRED" -> failure(rules, reason, action);
            default -> null;
        };
    }

    private static Counter failure(ReputationRules rules, String reason, String action) {
        // The rules' reason lists first, the classifier's action only for a reason they do not
        // name: Yahoo's [TSS04] is badreputation with the action pause (the delivery job stops
        // the IP there for a while), and the rules call badreputation a throttle, not a block.
        if (rules.isNeutral(reason)) {
            return null;
        }
        if (rules.isBlock(reason)) {
            return Counter.BLOCKS;
        }
        if (rules.isThrottle(reason)) {
            return Counter.THROTTLES;
        }
        if ("pause".equals(action)) {
            return Counter.BLOCKS;
        }
        if ("throttle".equals(action)) {
            return Counter.THROTTLES;
        }
        return Counter.SOFT_BOUNCES;
    }

    /** The counter of a feedback event's type; null for one that counts toward nothing. */
    public static Counter ofFeedback(String type, String bounceClass) {
        return switch (type) {
            case "COMPLAINT" -> Counter.COMPLAINTS;
            case "UNSUBSCRIBE" -> Counter.UNSUBSCRIBES;
            case "OPEN" -> Counter.OPENS;
            case "CLICK" -> Counter.CLICKS;
            case "BOUNCE" ->
                    "hard".equalsIgnoreCase(bounceClass)
                            ? Counter.HARD_BOUNCES
                            : Counter.SOFT_BOUNCES;
            default -> null;
        };
    }
}
