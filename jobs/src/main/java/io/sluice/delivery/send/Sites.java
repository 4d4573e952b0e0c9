package io.sluice.delivery.send;

import io.sluice.mta.dmarc.OrganizationalDomain;

/**
 * Fallback site naming for MX hosts of no known provider: the registrable domain of the MX host
 * (Public Suffix List), so all MX hosts under one organisation share a site ({@code
 * mx1.example.co.uk} and {@code mx2.example.co.uk} are {@code example.co.uk}). Known providers are
 * named by the bounce classifier's site directory first; a data file of published provider patterns
 * is issue #3.
 */
final class Sites {

    private Sites() {}

    static String of(String mxHost) {
        return OrganizationalDomain.of(mxHost);
    }
}
