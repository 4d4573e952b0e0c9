package io.sluice.bounce.verp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnsubscribeTokenTest {

    private static final byte[] K1 =
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] K2 =
            "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private static final VerpKeys KEYS = new VerpKeys("k1", Map.of("k1", K1));
    private static final UnsubscribeToken TOKEN =
            new UnsubscribeToken("m-0001", "reader@example.net", "acme");

    @Test
    void roundTripsAndIsSafeInAUrlPath() {
        String token = TOKEN.encode(KEYS);

        assertThat(token).matches("k1\\.[a-z2-7]+\\.[a-z2-7]+");
        assertThat(UnsubscribeToken.decode(KEYS, token)).contains(TOKEN);
    }

    @Test
    void theTenantAndRecipientAreUnderTheMac() {
        String token = TOKEN.encode(KEYS);
        String other = new UnsubscribeToken("m-0001", "victim@example.net", "globex").encode(KEYS);
        // Another payload with this token's MAC: a forged unsubscribe of someone else.
        String grafted =
                other.substring(0, other.lastIndexOf('.'))
                        + token.substring(token.lastIndexOf('.'));

        assertThat(UnsubscribeToken.decode(KEYS, grafted)).isEmpty();
    }

    @Test
    void everySingleCharacterChangeIsRefused() {
        String token = TOKEN.encode(KEYS);
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            char changed = c == 'a' ? 'b' : c == '.' ? 'x' : 'a';
            String tampered = token.substring(0, i) + changed + token.substring(i + 1);
            assertThat(UnsubscribeToken.decode(KEYS, tampered)).as("changed at %d", i).isEmpty();
        }
    }

    @Test
    void aRetiredKeyVerifiesUntilRemoved() {
        String signedWithK1 = TOKEN.encode(KEYS);
        VerpKeys rotated = new VerpKeys("k2", Map.of("k1", K1, "k2", K2));
        VerpKeys k1Removed = new VerpKeys("k2", Map.of("k2", K2));

        assertThat(TOKEN.encode(rotated)).startsWith("k2.");
        assertThat(UnsubscribeToken.decode(rotated, signedWithK1)).contains(TOKEN);
        assertThat(UnsubscribeToken.decode(k1Removed, signedWithK1)).isEmpty();
    }

    @Test
    void aVerpReturnPathIsNeverAToken() {
        // The same keys sign both; the label in the MAC keeps them apart.
        String verp =
                new VerpAddress("m-0001", "reader@example.net", "acme")
                        .encode(KEYS, "bounces.example.com");
        String local = verp.substring("b-".length(), verp.indexOf('@'));

        assertThat(UnsubscribeToken.decode(KEYS, local)).isEmpty();
        assertThat(VerpAddress.decode(KEYS, "b-" + TOKEN.encode(KEYS) + "@bounces.example.com"))
                .isEmpty();
    }

    @Test
    void garbageNeverThrows() {
        Random random = new Random(7);
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567.%/\n\u00e9=-_";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(120);
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(UnsubscribeToken.decode(KEYS, s.toString())).isEmpty();
        }
        assertThat(UnsubscribeToken.decode(KEYS, null)).isEmpty();
        assertThat(UnsubscribeToken.decode(KEYS, "k1." + "a".repeat(5000) + ".aaaa")).isEmpty();
    }

    @Test
    void refusesMultiLineFields() {
        assertThatThrownBy(() -> new UnsubscribeToken("m\n1", "r@example.net", "acme"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
