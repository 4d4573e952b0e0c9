package io.sluice.delivery.send;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SitesTest {

    @ParameterizedTest
    @CsvSource({
        "mx1.smallisp.example, smallisp.example",
        "MX2.SmallISP.example, smallisp.example",
        "mx.mail.example.co.uk, example.co.uk",
        "mail.example.com.au, example.com.au",
    })
    void unknownProvidersAreGroupedByRegistrableDomain(String mxHost, String site) {
        assertThat(Sites.of(mxHost)).isEqualTo(site);
    }
}
