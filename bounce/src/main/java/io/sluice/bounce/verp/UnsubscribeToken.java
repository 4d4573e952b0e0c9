package io.sluice.bounce.verp;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
        String text = messageId + SEPARATOR + recipient + SEPARATOR + tenant;
        String body = keys.currentId() + "." + Base32.encode(text.getBytes(StandardCharsets.UTF_8));
        return body + "." + Base32.encode(mac(keys.currentKey(), body));
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
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        Optional<byte[]> key = keys.key(parts[0]);
        Optional<byte[]> presented = Base32.decode(parts[2]);
        if (key.isEmpty() || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] expected = mac(key.get(), parts[0] + "." + parts[1]);
        // Constant time: an early exit would leak how much of a guessed MAC was right.
        if (!MessageDigest.isEqual(expected, presented.get())) {
            return Optional.empty();
        }
        Optional<byte[]> payload = Base32.decode(parts[1]);
        if (payload.isEmpty()) {
            return Optional.empty();
        }
        String[] fields = new String(payload.get(), StandardCharsets.UTF_8).split("\n", -1);
        if (fields.length != 3) {
            return Optional.empty();
        }
        return Optional.of(new UnsubscribeToken(fields[0], fields[1], fields[2]));
    }

    private static byte[] mac(byte[] key, String body) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update((LABEL + SEPARATOR).getBytes(StandardCharsets.US_ASCII));
            return Arrays.copyOf(hmac.doFinal(body.getBytes(StandardCharsets.US_ASCII)), MAC_BYTES);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java 17 runtime ships HmacSHA256, and the ring refuses short keys.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
