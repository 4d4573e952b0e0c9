package io.sluice.delivery.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.bounce.verp.UnsubscribeToken;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.delivery.intake.Message;
import io.sluice.delivery.intake.Messages;
import io.sluice.delivery.intake.Priority;
import io.sluice.mta.unsubscribe.OneClickUnsubscribe;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnsubscribeLinksTest {

    private static final VerpKeys KEYS =
            new VerpKeys(
                    "k1",
                    Map.of(
                            "k1",
                            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
    private static final UnsubscribeLinks LINKS =
            new UnsubscribeLinks("https://unsubscribe.example.com/u/", KEYS);

    @Test
    void marketingMailGetsASignedLinkNamingItsRecipientAndTenant() {
        Message m = Messages.with(Messages.valid("m-1"), b -> b.setUnsubscribeUrl(null));

        String url = LINKS.of(m);

        assertThat(url).startsWith("https://unsubscribe.example.com/u/k1.");
        String token = url.substring(url.lastIndexOf('/') + 1);
        assertThat(UnsubscribeToken.decode(KEYS, token))
                .contains(new UnsubscribeToken("m-1", "reader@gmail.com", "acme"));
        // It is a valid RFC 8058 URI for the List-Unsubscribe field.
        assertThat(OneClickUnsubscribe.of(url).listUnsubscribe()).isEqualTo("<" + url + ">");
    }

    @Test
    void theRequestsOwnUrlGivesWayToSluicesEndpoint() {
        Message m = Messages.valid("m-2"); // asks for https://acme.example/u/m-2

        assertThat(LINKS.of(m)).startsWith("https://unsubscribe.example.com/u/k1.");
        assertThat(UnsubscribeLinks.none().of(m)).isEqualTo("https://acme.example/u/m-2");
    }

    @Test
    void transactionalMailGetsALinkOnlyWhenItsRequestAsks() {
        Message receipt =
                Messages.with(
                        Messages.valid("m-3"),
                        b ->
                                b.setPriority(
                                                io.sluice.schema.Priority.valueOf(
                                                        Priority.TRANSACTIONAL.name()))
                                        .setUnsubscribeUrl(null));
        Message asking =
                Messages.with(
                        Messages.valid("m-4"),
                        b ->
                                b.setPriority(
                                        io.sluice.schema.Priority.valueOf(
                                                Priority.TRANSACTIONAL.name())));

        assertThat(LINKS.of(receipt)).isNull();
        assertThat(LINKS.of(asking)).startsWith("https://unsubscribe.example.com/u/");
    }

    @Test
    void aBadBaseUrlOrMissingKeysFailAtStartWithTheSettingsName() {
        assertThatThrownBy(() -> new UnsubscribeLinks("http://u.example.com/u", KEYS))
                .hasMessageContaining("sluice.unsubscribe.base-url")
                .hasMessageContaining("https");
        assertThatThrownBy(() -> new UnsubscribeLinks("https://u.example.com/u?x=1", KEYS))
                .hasMessageContaining("without query");
        assertThatThrownBy(() -> new UnsubscribeLinks("https://u.example.com/u", null))
                .hasMessageContaining("sluice.verp.secret-keys");
        assertThat(new UnsubscribeLinks(" ", null).sluiceEndpoint()).isFalse();
    }
}
