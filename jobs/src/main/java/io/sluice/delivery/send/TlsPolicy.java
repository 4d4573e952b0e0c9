package io.sluice.delivery.send;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * Where mail must not travel in clear: to the sites and for the tenants listed (STARTTLS is
 * otherwise opportunistic, RFC 3207). A host that does not offer STARTTLS then gets no such mail:
 * the attempt fails temporarily at the STARTTLS stage and is retried, perhaps to another MX host.
 *
 * @param sites site names (as the shaping rules name them: google, microsoft, ...)
 * @param tenants tenant ids
 */
public record TlsPolicy(Set<String> sites, Set<String> tenants) implements Serializable {

    public static final TlsPolicy OPPORTUNISTIC = new TlsPolicy(Set.of(), Set.of());

    public TlsPolicy {
        sites = Set.copyOf(sites);
        tenants = Set.copyOf(tenants);
    }

    public static TlsPolicy of(List<String> sites, List<String> tenants) {
        return new TlsPolicy(
                sites.stream().map(String::strip).filter(s -> !s.isEmpty()).collect(toSet()),
                tenants.stream().map(String::strip).filter(s -> !s.isEmpty()).collect(toSet()));
    }

    private static <T> java.util.stream.Collector<T, ?, Set<T>> toSet() {
        return java.util.stream.Collectors.toUnmodifiableSet();
    }

    /** Whether mail of {@code tenant} to {@code site} (either may be null) requires TLS. */
    public boolean required(String site, String tenant) {
        return (site != null && sites.contains(site))
                || (tenant != null && tenants.contains(tenant));
    }
}
