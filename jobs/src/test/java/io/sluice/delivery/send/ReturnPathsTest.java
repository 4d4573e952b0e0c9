package io.sluice.delivery.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.bounce.verp.VerpAddress;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.delivery.DeliveryOptions;
import java.util.Base64;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class ReturnPathsTest {

    private static final String KEY =
            Base64.getEncoder().encodeToString("return-paths-test-key-0123456789".getBytes());

    @Test
    void theReturnPathIsASignedVerpAddressNamingMessageRecipientAndTenant() {
        Configuration c = new Configuration();
        c.set(DeliveryOptions.VERP_BOUNCE_DOMAIN, "Bounces.Sluice.Example");
        c.set(DeliveryOptions.VERP_SECRET_KEYS, List.of("k1:" + KEY));
        ReturnPaths paths = DeliveryOptions.returnPaths(c);

        String rp = paths.of("m-1", "reader@example.net", "acme", "acme.example");

        assertThat(rp).startsWith("b-k1.").endsWith("@bounces.sluice.example");
        VerpKeys keys = DeliveryOptions.verpKeys(c);
        assertThat(VerpAddress.decode(keys, rp))
                .contains(new VerpAddress("m-1", "reader@example.net", "acme"));
    }

    @Test
    void aBounceDomainTemplatePutsEachTenantsReturnPathUnderItsOwnDomain() {
        Configuration c = new Configuration();
        c.set(DeliveryOptions.VERP_BOUNCE_DOMAIN, "bounces.{from-domain}");
        c.set(DeliveryOptions.VERP_SECRET_KEYS, List.of("k1:" + KEY));

        assertThat(
                        DeliveryOptions.returnPaths(c)
                                .of("m-1", "r@example.net", "acme", "Acme.Example"))
                .endsWith("@bounces.acme.example");
    }

    @Test
    void withoutABounceDomainTheReturnPathIsAtTheFromDomain() {
        assertThat(ReturnPaths.none().of("m-1", "r@example.net", "acme", "acme.example"))
                .isEqualTo("bounces@acme.example");
    }

    @Test
    void aBounceDomainWithoutKeysIsRefusedAtSubmission() {
        Configuration c = new Configuration();
        c.set(DeliveryOptions.VERP_BOUNCE_DOMAIN, "bounces.sluice.example");

        assertThatThrownBy(() -> DeliveryOptions.returnPaths(c))
                .hasMessageContaining("sluice.verp.secret-keys");
    }

    @Test
    void aBadKeyEntryIsRefusedWithoutQuotingTheSecret() {
        Configuration c = new Configuration();
        c.set(DeliveryOptions.VERP_SECRET_KEYS, List.of("k1:not*base64*secret"));

        assertThatThrownBy(() -> DeliveryOptions.verpKeys(c))
                .hasMessageContaining("k1")
                .hasMessageNotContaining("secret");
        c.set(DeliveryOptions.VERP_SECRET_KEYS, List.of("k1:" + KEY, "k2:" + KEY));
        c.set(DeliveryOptions.VERP_CURRENT_KEY, "k2");
        assertThat(DeliveryOptions.verpKeys(c).currentId()).isEqualTo("k2");
        assertThat(DeliveryOptions.verpKeys(c).toString()).doesNotContain(KEY);
    }
}
