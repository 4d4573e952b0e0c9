package io.sluice.sim.world;

import io.sluice.sim.profile.ProviderProfile;
import io.sluice.sim.profile.ProviderProfiles;
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

    /** Where a profile's provider lives, without its behaviour. */
    public static ProviderSpec of(ProviderProfile profile) {
        return new ProviderSpec(
                profile.name(), profile.mxHosts(), profile.domains(), profile.hostOctet());
    }

    /**
     * The stand-ins for the providers that carry most mail, with their real MX host names so that
     * grouping destinations into sites sees what it would see on the Internet; read from the
     * built-in profiles ({@link ProviderProfiles}).
     */
    public static List<ProviderSpec> standard() {
        return ProviderProfiles.standard().stream().map(ProviderSpec::of).toList();
    }
}
