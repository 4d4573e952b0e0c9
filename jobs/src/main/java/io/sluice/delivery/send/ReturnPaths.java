package io.sluice.delivery.send;

import io.sluice.bounce.verp.VerpAddress;
import io.sluice.bounce.verp.VerpKeys;
import java.io.Serializable;
import java.util.Locale;

/**
 * The return path (MAIL FROM) of each message: a signed VERP address at the bounce domain, naming
 * the message, the recipient and the tenant, so an out-of-band bounce or a complaint that keeps the
 * original's Return-Path is matched to exactly that message, and a forged one matches nothing.
 *
 * <p>The bounce domain may contain {@value #FROM_DOMAIN}, replaced by the message's From domain:
 * {@code bounces.{from-domain}} gives every tenant a return path under its own domain, which aligns
 * SPF with the From domain for DMARC (RFC 7489 section 3.1.2, relaxed mode) the way "custom MAIL
 * FROM" setups do; the tenant publishes that subdomain's MX (Sluice's inbound server) and SPF.
 *
 * <p>Without a bounce domain (a bare test setup) it is {@code bounces@<from domain>}: bounces then
 * reach whatever the tenant runs there, and Sluice cannot act on them; the README's setup and the
 * local stack always configure one.
 */
public final class ReturnPaths implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String FROM_DOMAIN = "{from-domain}";

    private final String bounceDomain;
    private final VerpKeys keys;

    /**
     * @param bounceDomain the domain whose MX is Sluice's inbound server; null for none
     * @param keys the HMAC keys; required with a bounce domain
     */
    public ReturnPaths(String bounceDomain, VerpKeys keys) {
        if (bounceDomain != null && !bounceDomain.isBlank() && keys == null) {
            throw new IllegalArgumentException(
                    "sluice.verp.bounce-domain is set but sluice.verp.secret-keys is not: VERP"
                            + " return paths are signed, configure at least one key");
        }
        this.bounceDomain =
                bounceDomain == null || bounceDomain.isBlank()
                        ? null
                        : bounceDomain.strip().toLowerCase(Locale.ROOT);
        this.keys = keys;
    }

    public static ReturnPaths none() {
        return new ReturnPaths(null, null);
    }

    public boolean verp() {
        return bounceDomain != null;
    }

    public String of(String messageId, String recipient, String tenant, String fromDomain) {
        if (bounceDomain == null) {
            return "bounces@" + fromDomain;
        }
        return new VerpAddress(messageId, recipient, tenant).encode(keys, bounceDomain(fromDomain));
    }

    /** The bounce domain for mail from {@code fromDomain}. */
    public String bounceDomain(String fromDomain) {
        return bounceDomain.replace(FROM_DOMAIN, fromDomain.toLowerCase(Locale.ROOT));
    }
}
