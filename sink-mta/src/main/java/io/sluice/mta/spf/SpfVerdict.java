package io.sluice.mta.spf;

import java.util.Optional;

/**
 * The outcome of an SPF check: the result, the domain whose policy gave it, the explanation
 * published with exp= for a fail (RFC 7208 section 6.2), and why, for logs.
 */
public record SpfVerdict(
        SpfResult result, String domain, Optional<String> explanation, String reason) {

    static SpfVerdict of(SpfResult result, String domain, String reason) {
        return new SpfVerdict(result, domain, Optional.empty(), reason);
    }
}
