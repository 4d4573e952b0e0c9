package io.sluice.delivery.shaping;

import java.io.Serializable;
import java.util.Locale;

/**
 * A DKIM key decision of the control stream, as the SMTP stage applies it: activate a selector
 * (from then on it signs for its domain and algorithm: rotation) or withdraw one (from then on
 * nothing is signed with it, and it can never sign again: a compromised key). The private key never
 * travels: {@code keyRef} names the PEM file provisioned beside the job.
 *
 * @param algorithm {@code rsa-sha256} or {@code ed25519-sha256}; null for a withdrawal (every
 *     algorithm of the selector)
 * @param keyRef where the private key of an activation is; null for a withdrawal
 * @param issuedAt when the decision was made: changes apply in this order
 */
public record DkimChange(
        String domain,
        String selector,
        String algorithm,
        boolean withdraw,
        String keyRef,
        long issuedAt)
        implements Serializable {

    public DkimChange {
        domain = domain.toLowerCase(Locale.ROOT);
    }

    /** Identifies the change, so the SMTP stage applies each once. */
    public String id() {
        return domain
                + "|"
                + selector
                + "|"
                + (withdraw ? "withdraw" : "activate")
                + "|"
                + issuedAt;
    }
}
