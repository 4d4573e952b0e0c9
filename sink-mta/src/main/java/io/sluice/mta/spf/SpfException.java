package io.sluice.mta.spf;

/**
 * Ends an evaluation with temperror or permerror (RFC 7208 sections 2.6.6 and 2.6.7); carries the
 * reason. Never escapes {@link SpfChecker}.
 */
final class SpfException extends Exception {

    private final SpfResult result;

    private SpfException(SpfResult result, String reason) {
        super(reason, null, false, false);
        this.result = result;
    }

    static SpfException perm(String reason) {
        return new SpfException(SpfResult.PERMERROR, reason);
    }

    static SpfException temp(String reason) {
        return new SpfException(SpfResult.TEMPERROR, reason);
    }

    SpfResult result() {
        return result;
    }
}
