package io.sluice.inbound;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The inbound server's settings.
 *
 * @param bounceDomains the domains of the VERP return paths Sluice signs (the MX of each points
 *     here); a recipient at one of them is accepted only when its HMAC verifies
 * @param feedbackAddresses the addresses registered with the providers' feedback loops, accepted as
 *     they are
 * @param maxMessageBytes larger messages are refused with 552 (RFC 5321 4.5.3.1.10); a bounce
 *     quoting a whole message is rarely above a few MB
 */
public record InboundSettings(
        InetAddress bindAddress,
        int port,
        String hostName,
        Set<String> bounceDomains,
        Set<String> feedbackAddresses,
        int maxMessageBytes) {

    public InboundSettings {
        bounceDomains = lower(bounceDomains);
        feedbackAddresses = lower(feedbackAddresses);
        if (bounceDomains.isEmpty() && feedbackAddresses.isEmpty()) {
            throw new IllegalArgumentException(
                    "inbound server with no bounce domain and no feedback address would accept"
                            + " nothing -- configure at least one");
        }
    }

    private static Set<String> lower(Set<String> s) {
        return s.stream()
                .map(v -> v.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }
}
