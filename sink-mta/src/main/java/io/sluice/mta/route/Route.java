package io.sluice.mta.route;

import java.util.List;

/**
 * Where mail for a domain goes, or why it cannot go anywhere. A permanent failure (NXDOMAIN, null
 * MX) bounces the message; a temporary one (SERVFAIL, time-out) defers it.
 */
public sealed interface Route {

    /** The MX hosts to try, in order: by preference, shuffled among equal preferences. */
    record Deliverable(String domain, List<MxHost> hosts) implements Route {
        public Deliverable {
            hosts = List.copyOf(hosts);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("a deliverable route needs a host: " + domain);
            }
        }
    }

    /**
     * No route. {@code enhancedStatus} is what a local MTA reports for the case (RFC 3463: 5.1.2
     * bad destination system, 5.1.10 null MX per RFC 7505, 4.4.3 directory server failure).
     */
    record Undeliverable(String domain, boolean permanent, String enhancedStatus, String reason)
            implements Route {}
}
