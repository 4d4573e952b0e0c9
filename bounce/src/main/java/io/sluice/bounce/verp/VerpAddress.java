package io.sluice.bounce.verp;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
        String keyId = keys.currentId();
        String text =
                messageId + SEPARATOR + recipient + (tenant == null ? "" : SEPARATOR + tenant);
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        String body = keyId + "." + Base32.encode(payload);
        String mac = Base32.encode(mac(keys.currentKey(), body));
        return PREFIX + body + "." + mac + "@" + bounceDomain;
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
        String[] parts = local.substring(PREFIX.length()).split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        Optional<byte[]> key = keys.key(parts[0]);
        Optional<byte[]> presented = Base32.decode(parts[2]);
        if (key.isEmpty() || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] expected = mac(key.get(), parts[0] + "." + parts[1]);
        // Constant-time compare: a byte-by-byte early exit would leak the MAC through timing.
        if (!MessageDigest.isEqual(expected, presented.get())) {
            return Optional.empty();
        }
        Optional<byte[]> payload = Base32.decode(parts[1]);
        if (payload.isEmpty()) {
            return Optional.empty();
        }
        String[] fields = new String(payload.get(), StandardCharsets.UTF_8).split("\n", -1);
        if (fields.length < 2 || fields.length > 3) {
            return Optional.empty();
        }
        return Optional.of(
                new VerpAddress(fields[0], fields[1], fields.length == 3 ? fields[2] : null));
    }

    private static byte[] mac(byte[] key, String body) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Arrays.copyOf(hmac.doFinal(body.getBytes(StandardCharsets.US_ASCII)), MAC_BYTES);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java 17 runtime ships HmacSHA256 (JCA standard names), and keys are non-empty.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
