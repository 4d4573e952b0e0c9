package io.sluice.delivery.suppression;

import io.sluice.mta.address.EmailAddress;
import java.util.Locale;

/**
 * The form of an address under which it is suppressed, and the key the suppression join is
 * partitioned by: two addresses are the same recipient for suppression exactly when their keys are
 * equal.
 *
 * <p>The rules, and nothing beyond them:
 *
 * <ul>
 *   <li>Domain: IDNA A-labels, lower case ({@link EmailAddress#parse}), so {@code Bücher.example}
 *       and {@code xn--bcher-kva.example} are one domain. Domains are case-insensitive by
 *       definition (RFC 1035 2.3.3, RFC 5890).
 *   <li>Local part: lower case ({@link Locale#ROOT}). RFC 5321 2.4 lets a receiver treat case as
 *       significant, but the providers that receive our mail compare it case-insensitively, and a
 *       user who bounced as {@code Reader@} must not receive mail as {@code reader@}.
 *   <li>No provider-specific aliasing: dots and {@code +tags} are kept ({@code first.last+news@}
 *       stays itself) and quoted local parts keep their quotes. Stripping them is correct only at
 *       some providers, and wrongly merging two mailboxes would suppress a person who never asked.
 * </ul>
 */
public final class SuppressionKey {

    private SuppressionKey() {}

    /**
     * The key of {@code address}.
     *
     * @throws EmailAddress.InvalidAddressException if it is not a mailbox; the message names the
     *     rule it breaks
     */
    public static String of(String address) {
        EmailAddress parsed = EmailAddress.parse(address);
        return parsed.localPart().toLowerCase(Locale.ROOT) + "@" + parsed.domain();
    }

    /**
     * The key of every address at {@code domain}: {@code @} and the domain in the form {@link #of}
     * gives it.
     *
     * @throws EmailAddress.InvalidAddressException if it is not a domain a mailbox can have
     */
    public static String ofDomain(String domain) {
        return "@" + EmailAddress.parse("postmaster@" + domain).domain();
    }

    /** The domain part of a key made by {@link #of}, with its {@code @}: {@code @example.com}. */
    public static String domainOf(String key) {
        return key.substring(key.lastIndexOf('@'));
    }

    /**
     * The key of an address already known to be valid (the ledger validated every recipient): for
     * an all-ASCII address that is the address in lower case, which is what {@link #of} gives for
     * it (IDNA leaves ASCII labels alone), without parsing it again; {@link #of} otherwise. Every
     * message pays for this twice (partitioning and the join), so it is worth the shortcut.
     *
     * @throws EmailAddress.InvalidAddressException if it is not ASCII and not a mailbox
     */
    public static String ofValid(String address) {
        for (int i = 0; i < address.length(); i++) {
            if (address.charAt(i) > 127) {
                return of(address);
            }
        }
        return address.toLowerCase(Locale.ROOT);
    }
}
