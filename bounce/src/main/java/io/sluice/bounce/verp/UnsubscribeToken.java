package io.sluice.bounce.verp;

import java.util.Optional;

/**
 * The token of a one-click unsubscribe URL (RFC 8058): the message, recipient and tenant it was
 * sent for, signed with HMAC-SHA256 under the VERP key ring, so that a POST to Sluice's endpoint
 * can unsubscribe exactly that recipient from exactly that tenant and nobody can forge one for an
 * address of their choosing.
 *
 * <p>Form: {@code <key id>.<base32 payload>.<base32 MAC>}, lower-case base32 (RFC 4648 section 6)
 * so it survives any URL handling. The MAC covers the label {@value #LABEL} before the key id and
 * payload: the same keys sign VERP return paths, and the label keeps a token from ever verifying as
 * a return path or the other way round (domain separation). Truncated to 128 bits, more than VERP's
 * 80, because a web endpoint can be asked millions of times a second, not once per mail round trip.
 * Retired keys verify until removed, as for return paths: unsubscribe links stay valid in mailboxes
 * for months, so a retired key should stay configured that long.
 */
public record UnsubscribeToken(String messageId, String recipient, String tenant) {

    static final String LABEL = "sluice-unsubscribe-v1";
    private static final int MAC_BYTES = 16;
    private static final char SEPARATOR = '\n';
    private static final int MAX_LENGTH = 2048;

    public UnsubscribeToken {
        if (messageId == null || recipient == null || tenant == null) {
            throw new IllegalArgumentException("message id, recipient and tenant are required");
        }
        if (messageId.indexOf(SEPARATOR) >= 0
                || recipient.indexOf(SEPARATOR) >= 0
                || tenant.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException(
                    "message id, recipient and tenant must be single lines");
        }
    }

    /** The token, signed with the ring's current key. */
    public String encode(VerpKeys keys) {
        return SignedToken.encode(
                keys, LABEL, messageId + SEPARATOR + recipient + SEPARATOR + tenant, MAC_BYTES);
    }

    /**
     * What a token names, or empty when it is malformed, signed with an unknown (removed) key, or
     * its MAC does not verify. Never throws on any input: the endpoint passes what the Internet
     * sends.
     */
    public static Optional<UnsubscribeToken> decode(VerpKeys keys, String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        Optional<String> text = SignedToken.decode(keys, LABEL, token, MAC_BYTES);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] fields = text.get().split("\n", -1);
        if (fields.length != 3) {
            return Optional.empty();
        }
        return Optional.of(new UnsubscribeToken(fields[0], fields[1], fields[2]));
    }
}
