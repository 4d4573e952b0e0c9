package io.sluice.sim.world;

import java.util.List;

/**
 * One simulated mailbox provider: the MX host names it publishes, the domains it hosts, and the
 * last octet of the loopback address its receiving server listens on.
 */
public record ProviderSpec(String name, List<String> mxHosts, List<String> domains, int hostOctet) {

    public ProviderSpec {
        mxHosts = List.copyOf(mxHosts);
        domains = List.copyOf(domains);
        if (mxHosts.isEmpty() || domains.isEmpty()) {
            throw new IllegalArgumentException(name + ": a provider needs MX hosts and domains");
        }
    }

    /**
     * The stand-ins for the providers that carry most mail, with their real MX host names so that
     * grouping destinations into sites sees what it would see on the Internet.
     */
    public static List<ProviderSpec> standard() {
        return List.of(
                new ProviderSpec(
                        "gmail",
                        List.of("gmail-smtp-in.l.google.com", "alt1.gmail-smtp-in.l.google.com"),
                        List.of("gmail.com", "googlemail.com"),
                        1),
                new ProviderSpec(
                        "outlook",
                        List.of("outlook-com.olc.protection.outlook.com"),
                        List.of("outlook.com", "hotmail.com", "live.com"),
                        2),
                new ProviderSpec(
                        "yahoo",
                        List.of("mta5.am0.yahoodns.net", "mta6.am0.yahoodns.net"),
                        List.of("yahoo.com", "ymail.com", "aol.com"),
                        3),
                new ProviderSpec(
                        "m365-corporate",
                        List.of("contoso-example.mail.protection.outlook.com"),
                        List.of("contoso.example"),
                        4),
                new ProviderSpec(
                        "small-isp",
                        List.of("mx1.smallisp.example", "mx2.smallisp.example"),
                        List.of("smallisp.example"),
                        5));
    }
}
