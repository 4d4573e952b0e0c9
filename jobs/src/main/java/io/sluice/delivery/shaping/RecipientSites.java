package io.sluice.delivery.shaping;

import io.sluice.bounce.classify.SiteDirectory;
import java.util.Locale;

/**
 * The site a message is scheduled for, known before any attempt: the recipient's domain mapped
 * through the bounce module's site directory (its provider's mailbox domains: gmail.com and
 * googlemail.com are {@code google}), else the domain itself.
 *
 * <p>A first cut, and a known limit: a site is really the set of MX hosts that receive for a
 * domain, so a company domain hosted by Google Workspace or Microsoft 365 is that provider's site,
 * but here it is a site of its own until resolution comes before the key (an MX lookup, cached per
 * domain, ahead of the scheduler). Its own pace then adds to the provider's.
 */
public final class RecipientSites {

    private final SiteDirectory directory;

    public RecipientSites(SiteDirectory directory) {
        this.directory = directory;
    }

    public String siteOf(String recipient) {
        String domain =
                recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return directory.siteOf(domain).orElse(domain);
    }
}
