package io.sluice.reputation;

/**
 * An entity's standing, worst last: what warm-up and isolation act on (docs/design/reputation.md).
 */
public enum Health {
    HEALTHY,
    /** A warning line crossed: warm-up holds, a tenant is quarantined. */
    WARNING,
    /** A review line crossed or the site slows us down: warm-up steps back. */
    THROTTLED,
    /** A stop line crossed or the site refuses us: a tenant is paused, an IP taken out there. */
    BLOCKED;

    public boolean atLeast(Health other) {
        return compareTo(other) >= 0;
    }
}
