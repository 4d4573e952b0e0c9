package io.sluice.mta.dmarc;

/** DMARC evaluation results (RFC 7489 section 11.2, the dmarc= method of RFC 8601). */
public enum DmarcResult {
    PASS,
    FAIL,
    /** No DMARC record for the From domain or its Organizational Domain. */
    NONE,
    /** The policy could not be fetched for now. */
    TEMPERROR
}
