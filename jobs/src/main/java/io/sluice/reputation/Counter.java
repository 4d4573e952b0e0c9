package io.sluice.reputation;

/**
 * What the reputation job counts per entity; docs/design/reputation.md says where each comes from.
 */
public enum Counter {
    ATTEMPTS("attempts"),
    DELIVERIES("deliveries"),
    HARD_BOUNCES("hard-bounces"),
    /** Deferrals and soft bounces that are neither throttles nor blocks. */
    SOFT_BOUNCES("soft-bounces"),
    THROTTLES("throttles"),
    BLOCKS("blocks"),
    COMPLAINTS("complaints"),
    UNSUBSCRIBES("unsubscribes"),
    OPENS("opens"),
    CLICKS("clicks");

    private final String id;

    Counter(String id) {
        this.id = id;
    }

    /** The spelling in rule files and in a decision's figures, e.g. {@code hard-bounces}. */
    public String id() {
        return id;
    }

    public static Counter byId(String id) {
        for (Counter c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        return null;
    }
}
