package io.sluice.delivery.shaping;

import io.sluice.bounce.classify.SiteDirectory;
import io.sluice.mta.dmarc.OrganizationalDomain;
import io.sluice.mta.route.MxHost;
import io.sluice.mta.route.Route;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * The site a message is scheduled for, known before any attempt. A site is the set of MX hosts that
 * receive for a domain, so it is found in this order:
 *
 * <ol>
 *   <li>the recipient's domain in the bounce module's site directory (a provider's own mailbox
 *       domains: gmail.com and googlemail.com are {@code google}), with no DNS at all;
 *   <li>else the domain's most preferred MX host: in the directory (a company domain hosted by
 *       Google Workspace has {@code aspmx.l.google.com}, so it is {@code google} and shares
 *       Google's pace, as the feedback from its attempts does), else the MX host's registrable
 *       domain (mx1 and mx2.example.co.uk are one site, {@code example.co.uk});
 *   <li>else (no MX answer: null MX, NXDOMAIN, DNS failing) the domain itself; the SMTP stage then
 *       gives the message its outcome.
 * </ol>
 */
public final class RecipientSites {

    private final SiteDirectory directory;

    public RecipientSites(SiteDirectory directory) {
        this.directory = directory;
    }

    /** The recipient's domain, lower case, without a trailing dot. */
    public static String domainOf(String recipient) {
        String domain =
                recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    }

    /** The site from the directory alone, if it knows the recipient's domain. */
    public Optional<String> known(String recipient) {
        return directory.siteOf(domainOf(recipient));
    }

    /** The site without DNS: the directory's, else the domain itself. */
    public String siteOf(String recipient) {
        String domain = domainOf(recipient);
        return directory.siteOf(domain).orElse(domain);
    }

    /** The site of {@code domain} given its route (step 2 and 3 above). */
    public String siteOf(String domain, Route route) {
        if (!(route instanceof Route.Deliverable d) || d.hosts().isEmpty()) {
            return directory.siteOf(domain).orElse(domain);
        }
        // The most preferred host; among equals (shuffled per lookup) the first by name, so the
        // answer does not change from one lookup to the next.
        String host =
                d.hosts().stream()
                        .min(
                                Comparator.comparingInt(MxHost::preference)
                                        .thenComparing(MxHost::name))
                        .orElseThrow()
                        .name()
                        .toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        Optional<String> provider = directory.siteOf(host);
        if (provider.isPresent()) {
            return provider.get();
        }
        try {
            return OrganizationalDomain.of(host);
        } catch (RuntimeException e) {
            return host;
        }
    }
}
