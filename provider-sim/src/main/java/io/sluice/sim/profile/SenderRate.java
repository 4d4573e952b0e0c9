package io.sluice.sim.profile;

import java.util.Locale;
import java.util.Map;

/**
 * One feedback rate (a share from 0 to 1) as a provider applies it to a sender: a default, and
 * overrides for particular sending IPs and sending domains. A domain's override covers its
 * subdomains too (a return path at {@code bounces.acme.example} is acme.example's mail), the most
 * specific one winning; and a domain's override wins over an IP's: complaints and dead addresses
 * follow a sender's list and content more than the address it sends from, and a shared IP carries
 * several domains.
 */
public record SenderRate(double byDefault, Map<String, Double> byIp, Map<String, Double> byDomain) {

    public SenderRate {
        byIp = Map.copyOf(byIp);
        byDomain = Map.copyOf(byDomain);
        check(byDefault);
        byIp.values().forEach(SenderRate::check);
        byDomain.values().forEach(SenderRate::check);
    }

    /** The same share for every sender. */
    public static SenderRate of(double share) {
        return new SenderRate(share, Map.of(), Map.of());
    }

    /** The share for mail from {@code ip} with this sending domain (MAIL FROM's, or HELO's). */
    public double forSender(String ip, String senderDomain) {
        String domain = senderDomain.toLowerCase(Locale.ROOT);
        while (!byDomain.isEmpty() && !domain.isEmpty()) {
            Double d = byDomain.get(domain);
            if (d != null) {
                return d;
            }
            int dot = domain.indexOf('.');
            domain = dot < 0 ? "" : domain.substring(dot + 1);
        }
        return byIp.getOrDefault(ip, byDefault);
    }

    private static void check(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("a rate must be from 0 to 1, was " + share);
        }
    }
}
