package io.sluice.delivery.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.classify.BounceClassifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipientSitesTest {

    private static final RecipientSites SITES =
            new RecipientSites(BounceClassifier.fromClasspath().sites());

    @ParameterizedTest
    @CsvSource({
        "reader@gmail.com,         google",
        "reader@googlemail.com,    google",
        "Reader@GMAIL.COM.,        google",
        "reader@hotmail.com,       microsoft",
        "reader@aol.com,           yahoo",
        // Not a provider's mailbox domain: its own site (hosted mail needs MX resolution).
        "reader@contoso.example,   contoso.example",
        "reader@mail.Example.org,  mail.example.org",
        // A suffix match stops at a label: notgmail.com is not Google's.
        "reader@notgmail.com,      notgmail.com",
    })
    void theSiteComesFromTheRecipientsDomain(String recipient, String site) {
        assertThat(SITES.siteOf(recipient)).isEqualTo(site);
    }
}
