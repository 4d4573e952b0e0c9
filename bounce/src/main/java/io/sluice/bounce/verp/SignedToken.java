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
 * {@code <key id>.<base32 text>.<base32 MAC>}: a text signed with HMAC-SHA256 under the ring's
 * current key, verified under any key the ring still has. The form of both VERP return paths and
 * unsubscribe tokens; a label inside the MAC keeps one kind from ever verifying as the other.
 */
final class SignedToken {

    private SignedToken() {}

    /** The token of {@code text}, signed with the ring's current key. */
    static String encode(VerpKeys keys, String label, String text, int macBytes) {
        String body = keys.currentId() + "." + Base32.encode(text.getBytes(StandardCharsets.UTF_8));
        return body + "." + Base32.encode(mac(keys.currentKey(), label, body, macBytes));
    }

    /**
     * The text of a token, or empty when it is malformed, its key is unknown (removed), or its MAC
     * does not verify.
     */
    static Optional<String> decode(VerpKeys keys, String label, String token, int macBytes) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        Optional<byte[]> key = keys.key(parts[0]);
        Optional<byte[]> presented = Base32.decode(parts[2]);
        if (key.isEmpty() || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] expected = mac(key.get(), label, parts[0] + "." + parts[1], macBytes);
        // Constant-time compare: a byte-by-byte early exit would leak the MAC through timing.
        if (!MessageDigest.isEqual(expected, presented.get())) {
            return Optional.empty();
        }
        return Base32.decode(parts[1]).map(p -> new String(p, StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of the label (if any, then a newline) and the body, truncated. */
    private static byte[] mac(byte[] key, String label, String body, int macBytes) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            if (!label.isEmpty()) {
                hmac.update((label + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            return Arrays.copyOf(hmac.doFinal(body.getBytes(StandardCharsets.US_ASCII)), macBytes);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java 17 runtime ships HmacSHA256 (JCA standard names), and keys are non-empty.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
