package io.sluice.mta.dkim;

/** The outcome of verifying one DKIM-Signature (RFC 6376 section 6.1, RFC 8601 result names). */
public enum DkimStatus {
    PASS,
    /** The signature does not verify, or is unusable: a permanent failure (PERMFAIL). */
    FAIL,
    /** The key could not be fetched for now (TEMPFAIL): try again later. */
    TEMPFAIL,
    /**
     * Cryptographically valid, but a displayed field it covers (From, Subject, ...) also appears
     * unsigned above the signed one, so a reader may see text nobody signed (RFC 6376 section
     * 8.15). Treated as a failure by Sluice.
     */
    POLICY_FAIL
}
