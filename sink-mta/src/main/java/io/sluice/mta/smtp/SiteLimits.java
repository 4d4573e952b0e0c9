package io.sluice.mta.smtp;

/**
 * What one site allows one sending IP, from the shaping rules: at most {@code connections} open
 * connections from the IP to any of the site's MX hosts, each carrying at most {@code
 * perConnection} messages before it is closed and a new one opened.
 *
 * @param site the site name (domains grouped by MX provider); connections are counted per IP and
 *     site, whichever MX host of the site they go to
 * @param tlsRequired the site's policy requires TLS: a host that does not offer STARTTLS is not
 *     sent to (the non-blocking client)
 */
public record SiteLimits(String site, int connections, int perConnection, boolean tlsRequired) {

    public SiteLimits(String site, int connections, int perConnection) {
        this(site, connections, perConnection, false);
    }

    public SiteLimits {
        if (connections < 1 || perConnection < 1) {
            throw new IllegalArgumentException(
                    "site "
                            + site
                            + ": connections and per-connection must be at least 1, were "
                            + connections
                            + " and "
                            + perConnection);
        }
    }
}
