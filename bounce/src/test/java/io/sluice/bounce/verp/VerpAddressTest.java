package io.sluice.bounce.verp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerpAddressTest {

    private static final byte[] K1 =
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] K2 =
            "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private static final VerpKeys KEYS = new VerpKeys("k1", Map.of("k1", K1));
    private static final VerpAddress ADDRESS = new VerpAddress("m-0001", "Kijitora.Cat@Example.JP");

    @Test
    void roundTrips() {
        String returnPath = ADDRESS.encode(KEYS, "bounces.example.com");

        assertThat(returnPath).startsWith("b-k1.").endsWith("@bounces.example.com");
        assertThat(VerpAddress.decode(KEYS, returnPath)).contains(ADDRESS);
    }

    @Test
    void carriesTheTenantUnderTheMac() {
        VerpAddress withTenant = new VerpAddress("m-0002", "reader@example.net", "acme");
        String returnPath = withTenant.encode(KEYS, "bounces.example.com");
        String otherTenant =
                new VerpAddress("m-0002", "reader@example.net", "globex")
                        .encode(KEYS, "bounces.example.com");

        assertThat(VerpAddress.decode(KEYS, returnPath)).contains(withTenant);
        assertThat(VerpAddress.decode(KEYS, ADDRESS.encode(KEYS, "b.example.com")))
                .hasValueSatisfying(v -> assertThat(v.tenant()).isNull());
        // The tenant is inside the signed payload: grafting another tenant's token onto this MAC
        // fails.
        String grafted =
                otherTenant.substring(0, otherTenant.lastIndexOf('.'))
                        + returnPath.substring(
                                returnPath.lastIndexOf('.', returnPath.indexOf('@')));
        assertThat(VerpAddress.decode(KEYS, grafted)).isEmpty();
    }

    @Test
    void survivesCaseFoldingOfTheLocalPart() {
        String returnPath = ADDRESS.encode(KEYS, "bounces.example.com").toUpperCase(Locale.ROOT);

        assertThat(VerpAddress.decode(KEYS, returnPath)).contains(ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 9, 20, 30, 40})
    void rejectsAnyTamperedCharacter(int position) {
        String returnPath = ADDRESS.encode(KEYS, "bounces.example.com");
        char c = returnPath.charAt(position);
        String tampered =
                returnPath.substring(0, position)
                        + (c == 'a' ? 'b' : 'a')
                        + returnPath.substring(position + 1);

        assertThat(VerpAddress.decode(KEYS, tampered)).isEmpty();
    }

    @Test
    void rejectsAForgedRecipientUnderAValidLookingToken() {
        String real = ADDRESS.encode(KEYS, "bounces.example.com");
        String forgedPayload =
                new VerpAddress("m-0001", "victim@example.com")
                        .encode(new VerpKeys("k1", Map.of("k1", K2)), "bounces.example.com");

        assertThat(VerpAddress.decode(KEYS, forgedPayload)).isEmpty();
        String spliced =
                forgedPayload.substring(0, forgedPayload.lastIndexOf('.'))
                        + real.substring(real.lastIndexOf('.', real.indexOf('@')));
        assertThat(VerpAddress.decode(KEYS, spliced)).isEmpty();
    }

    @Test
    void oldKeysStillVerifyAfterRotationUntilRemoved() {
        String signedWithK1 = ADDRESS.encode(KEYS, "bounces.example.com");
        VerpKeys rotated = new VerpKeys("k2", Map.of("k1", K1, "k2", K2));
        VerpKeys k1Retired = new VerpKeys("k2", Map.of("k2", K2));

        assertThat(ADDRESS.encode(rotated, "b.example.com")).startsWith("b-k2.");
        assertThat(VerpAddress.decode(rotated, signedWithK1)).contains(ADDRESS);
        assertThat(VerpAddress.decode(k1Retired, signedWithK1)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "postmaster@example.com",
                "b-@x",
                "b-k1..@x",
                "b-k1.zz.zz@x",
                "b-k9.aa.aa@x",
                "b-k1.a!.aa@x"
            })
    void rejectsAddressesThatAreNotOurs(String address) {
        assertThat(VerpAddress.decode(KEYS, address)).isEmpty();
    }

    @Test
    void refusesWeakOrUnknownKeys() {
        assertThatThrownBy(() -> new VerpKeys("k1", Map.of("k1", new byte[8])))
                .hasMessageContaining("expected at least 32");
        assertThatThrownBy(() -> new VerpKeys("k3", Map.of("k1", K1)))
                .hasMessageContaining("\"k3\" is not among");
    }
}
