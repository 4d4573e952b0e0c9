package io.sluice.mta.spf;

import java.net.InetAddress;

/**
 * One directive of an SPF record: a qualifier and a mechanism (RFC 7208 sections 4.6.2 and 5), with
 * its target (a domain-spec, still holding macros) or network, and CIDR prefix lengths.
 *
 * @param domainSpec the target for include, a, mx, ptr and exists; null when absent
 * @param network the address for ip4 and ip6; null otherwise
 */
record SpfDirective(
        char qualifier,
        Mechanism mechanism,
        String domainSpec,
        InetAddress network,
        int ip4Prefix,
        int ip6Prefix) {

    enum Mechanism {
        ALL,
        INCLUDE,
        A,
        MX,
        PTR,
        IP4,
        IP6,
        EXISTS
    }
}
