package io.sluice.bounce.verp;

import java.util.Locale;
import java.util.Optional;

/**
 * A VERP return path ({@code b-<key>.<payload>.<mac>@bounces.example.com}) naming the message,
 * recipient and tenant a bounce is about, signed with HMAC-SHA256 so that a forged bounce cannot
 * name an arbitrary recipient and get it suppressed, nor move a complaint to another tenant.
 *
 * <p>The token is lower-case base32 (RFC 4648 section 6, no padding) because local parts are often
 * case-folded on the way back, which would corrupt base64. The MAC is truncated to 80 bits (RFC
 * 2104 section 5 allows truncation to no less than half the hash and 80 bits): forging one needs
 * about 2^79 tries against a server that answers each with a round trip. Long recipients can push
 * the local part past RFC 5321's 64 octets (section 4.5.3.1.1); receivers in practice accept longer
 * ones, and the alternative -- a lookup table from a short id -- needs shared state.
 */
public record VerpAddress(String messageId, String recipient, String tenant) {

    private static final String PREFIX = "b-";
    private static final int MAC_BYTES = 10;
    private static final char SEPARATOR = '\n';

    /**
     * @param tenant who sent the message; null when unknown (addresses signed before the tenant was
     *     carried decode with a null tenant)
     */
    public VerpAddress {
        if (messageId.indexOf(SEPARATOR) >= 0
                || recipient.indexOf(SEPARATOR) >= 0
                || (tenant != null && tenant.indexOf(SEPARATOR) >= 0)) {
            throw new IllegalArgumentException(
                    "message id, recipient and tenant must be single lines");
        }
    }

    public VerpAddress(String messageId, String recipient) {
        this(messageId, recipient, null);
    }

    /** The return path for this message and recipient at {@code bounceDomain}. */
    public String encode(VerpKeys keys, String bounceDomain) {
        String text =
                messageId + SEPARATOR + recipient + (tenant == null ? "" : SEPARATOR + tenant);
        // No label in the MAC: return paths signed before labels existed must keep verifying.
        return PREFIX + SignedToken.encode(keys, "", text, MAC_BYTES) + "@" + bounceDomain;
    }

    /**
     * The message and recipient a return path names, or empty when it is not one of ours, its key
     * is unknown (retired), or its MAC does not verify.
     */
    public static Optional<VerpAddress> decode(VerpKeys keys, String address) {
        if (address == null) {
            return Optional.empty();
        }
        int at = address.lastIndexOf('@');
        String local = (at < 0 ? address : address.substring(0, at)).toLowerCase(Locale.ROOT);
        if (!local.startsWith(PREFIX) || local.length() > 1024) {
            return Optional.empty();
        }
        Optional<String> text =
                SignedToken.decode(keys, "", local.substring(PREFIX.length()), MAC_BYTES);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] fields = text.get().split("\n", -1);
        if (fields.length < 2 || fields.length > 3) {
            return Optional.empty();
        }
        return Optional.of(
                new VerpAddress(fields[0], fields[1], fields.length == 3 ? fields[2] : null));
    }
}
