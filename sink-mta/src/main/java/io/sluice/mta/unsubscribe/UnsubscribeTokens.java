package io.sluice.mta.unsubscribe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Unforgeable tokens for unsubscribe URLs: the (tenant, recipient, list) and an expiry, with an
 * HMAC-SHA256 over them, base64url. Whoever holds a token may unsubscribe exactly that recipient
 * from that list; nobody can make one for another address. The key never appears in toString().
 */
public final class UnsubscribeTokens {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final Duration validity;
    private final Clock clock;

    /**
     * @param secret at least 32 bytes (the HMAC-SHA256 output size, RFC 2104 section 3)
     * @param validity how long a token works; RFC 8058 asks for links that keep working, and the
     *     bulk-sender rules give two days to honour a request, so months is usual
     */
    public UnsubscribeTokens(byte[] secret, Duration validity, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException(
                    "unsubscribe token secret of "
                            + secret.length
                            + " bytes -- expected at least 32");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.validity = validity;
        this.clock = clock;
    }

    /** What a valid token stands for. */
    public record Request(String tenant, String recipient, String list, Instant expires) {}

    public String issue(String tenant, String recipient, String list) {
        Instant expires = clock.instant().plus(validity);
        String payload =
                String.join("\n", tenant, recipient, list, Long.toString(expires.getEpochSecond()));
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac(body));
    }

    /** The request a token stands for, or empty when it is forged, damaged or expired. */
    public Optional<Request> verify(String token) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        byte[] body;
        byte[] tag;
        try {
            body = DECODER.decode(token.substring(0, dot));
            tag = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(body), tag)) {
            return Optional.empty();
        }
        String[] parts = new String(body, StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[3]));
        if (clock.instant().isAfter(expires)) {
            return Optional.empty();
        }
        return Optional.of(new Request(parts[0], parts[1], parts[2], expires));
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            // Domain separation: a token for another purpose signed with the same key won't pass.
            mac.update(
                    ByteBuffer.wrap("sluice-unsubscribe-v1\n".getBytes(StandardCharsets.US_ASCII)));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is in every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "UnsubscribeTokens[validity=" + validity + "]";
    }
}
