package io.sluice.sim.auth;

/** What a provider demands of a message before it accepts it. */
public enum AuthRequirement {
    /** Accepts unauthenticated mail. */
    OFF,
    /** SPF or DKIM must pass, aligned or not (Gmail's rule for every sender). */
    SPF_OR_DKIM,
    /** DMARC must pass: an aligned SPF or DKIM pass (the 2024 bulk-sender rules). */
    DMARC;

    public boolean met(AuthVerdict v) {
        return switch (this) {
            case OFF -> true;
            case SPF_OR_DKIM -> v.dkimPass() || v.spfPass();
            case DMARC -> v.dmarc().equals("pass");
        };
    }
}
