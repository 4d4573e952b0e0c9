package io.sluice.bounce.classify;

/**
 * The verdict on one reply: why it failed, whether the address is gone, and what to do about it.
 *
 * @param rule where the deciding rule was written ({@code google.rules:12}), for people reading
 *     logs
 * @param byText whether the deciding rule looked at the reply text, rather than codes alone
 */
public record Classification(
        Reason reason, BounceClass bounceClass, BounceAction action, String rule, boolean byText) {

    /**
     * A verdict reached outside the rule files (e.g. a DSN's own Action field), with its reason.
     */
    public static Classification of(Reason reason, SmtpReply reply, String origin) {
        BounceClass bounceClass = BounceClass.of(reason, reply);
        BounceAction action = reason.defaultAction();
        if (action == BounceAction.SUPPRESS && bounceClass != BounceClass.HARD) {
            action = BounceAction.RETRY;
        }
        return new Classification(reason, bounceClass, action, origin, false);
    }

    /** No rule matched: a failure of unknown cause, retried, never suppressed. */
    public static Classification undefined(SmtpReply reply) {
        Reason reason = Reason.UNDEFINED;
        return new Classification(
                reason, BounceClass.of(reason, reply), reason.defaultAction(), "none", false);
    }

    public boolean isHard() {
        return bounceClass == BounceClass.HARD;
    }
}
