package io.sluice.delivery.suppression;

/**
 * A change to the suppression list: an address put on it for one scope, or taken off it (a
 * re-subscribe, an operator's fix). The latest update for an address and scope wins.
 *
 * @param suppression for {@link Action#REMOVE}, only its address and scope matter
 */
public record SuppressionUpdate(Action action, Suppression suppression) {

    /** Put on the list (replacing what the scope had), or take off. */
    public enum Action {
        ADD,
        REMOVE
    }

    public static SuppressionUpdate add(Suppression s) {
        return new SuppressionUpdate(Action.ADD, s);
    }

    public static SuppressionUpdate remove(Suppression s) {
        return new SuppressionUpdate(Action.REMOVE, s);
    }

    /** The normalized address (the key of the suppression join), or {@code @domain}. */
    public String address() {
        return suppression.address();
    }

    /**
     * Whether it applies to every address at a domain ({@code @domain}): suppressed and spam-trap
     * domains, which are few and are broadcast rather than keyed (ADR 0003).
     */
    public boolean isDomainWide() {
        return suppression.address().startsWith("@");
    }
}
