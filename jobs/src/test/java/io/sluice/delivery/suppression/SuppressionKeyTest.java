package io.sluice.delivery.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.mta.address.EmailAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SuppressionKeyTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            reader@gmail.com                 | reader@gmail.com
            Reader@Gmail.COM                 | reader@gmail.com
            READER@GMAIL.COM                 | reader@gmail.com
            user@Bücher.example              | user@xn--bcher-kva.example
            user@BÜCHER.EXAMPLE              | user@xn--bcher-kva.example
            user@xn--bcher-kva.example       | user@xn--bcher-kva.example
            user@XN--BCHER-KVA.Example       | user@xn--bcher-kva.example
            Ünïcode@example.com              | ünïcode@example.com
            first.last@gmail.com             | first.last@gmail.com
            firstlast@gmail.com              | firstlast@gmail.com
            First.Last+News@Gmail.com        | first.last+news@gmail.com
            f.i.r.s.t@googlemail.com         | f.i.r.s.t@googlemail.com
            '"Quoted Name"@example.com'      | '"quoted name"@example.com'
            """)
    void normalizesCaseAndIdnaAndNothingElse(String address, String key) {
        assertThat(SuppressionKey.of(address)).isEqualTo(key);
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            jörg@Bücher.example     | JÖRG@xn--bcher-kva.example
            info@例え.テスト         | INFO@xn--r8jz45g.xn--zckzah
            Reader@GMAIL.com        | reader@gmail.com
            """)
    void unicodeAndPunycodeFormsOfOneAddressShareAKey(String one, String other) {
        assertThat(SuppressionKey.of(one)).isEqualTo(SuppressionKey.of(other));
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            first.last@gmail.com    | firstlast@gmail.com
            reader+news@gmail.com   | reader@gmail.com
            reader@gmail.com        | reader@googlemail.com
            reader@example.com      | reader@example.com.au
            """)
    void doesNotGuessProviderAliases(String one, String other) {
        assertThat(SuppressionKey.of(one)).isNotEqualTo(SuppressionKey.of(other));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "not-an-address", "reader@", "reader@localhost", " reader@gmail.com"})
    void refusesWhatIsNotAMailbox(String address) {
        assertThatThrownBy(() -> SuppressionKey.of(address))
                .isInstanceOf(EmailAddress.InvalidAddressException.class);
    }

    /**
     * The shortcut for validated recipients must give exactly the full rule's key for every valid
     * address of the address corpus, and for each in upper case.
     */
    @org.junit.jupiter.api.Test
    void theShortcutForValidatedAddressesAgreesWithTheFullRuleOnTheCorpus() throws Exception {
        java.nio.file.Path file =
                java.nio.file.Path.of(
                        System.getProperty("sluice.corpora", "../shared/corpora"),
                        "addresses/address_tests.jsonl");
        org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper json =
                new org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper();
        int compared = 0;
        for (String line : java.nio.file.Files.readAllLines(file)) {
            String address = json.readTree(line).get("address").asText();
            for (String a :
                    java.util.List.of(address, address.toUpperCase(java.util.Locale.ROOT))) {
                String full;
                try {
                    full = SuppressionKey.of(a);
                } catch (EmailAddress.InvalidAddressException invalid) {
                    continue;
                }
                assertThat(SuppressionKey.ofValid(a)).as(a).isEqualTo(full);
                compared++;
            }
        }
        assertThat(compared).as("valid addresses compared").isGreaterThan(100);
    }
}
