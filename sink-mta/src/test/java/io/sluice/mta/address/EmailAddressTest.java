package io.sluice.mta.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmailAddressTest {

    @ParameterizedTest
    @CsvSource({
        "alice@example.com, alice, example.com",
        "Alice.Smith+tag@Example.COM, Alice.Smith+tag, example.com",
        "\"john doe\"@example.com, \"john doe\", example.com",
        "user@bücher.example, user, xn--bcher-kva.example",
        "δοκιμή@παράδειγμα.δοκιμή, δοκιμή, xn--hxajbheg2az3al.xn--jxalpdlp",
    })
    void acceptsMailboxesAndNormalizesTheDomain(String input, String local, String domain) {
        EmailAddress a = EmailAddress.parse(input);

        assertThat(a.localPart()).isEqualTo(local);
        assertThat(a.domain()).isEqualTo(domain);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "plainaddress | not local-part@domain",
                "a..b@example.com | double dot",
                ".a@example.com | leading",
                "a b@example.com | ' '",
                "user@localhost | no dot",
                "user@[192.0.2.1] | address literal",
                "user@-bad.example | '-'",
                "user@example.123 | numeric",
            })
    void refusesWithAReasonNamingTheRule(String input, String reason) {
        assertThatThrownBy(() -> EmailAddress.parse(input))
                .isInstanceOf(EmailAddress.InvalidAddressException.class)
                .hasMessageContaining(reason.strip());
    }

    @Test
    void headerInjectionInAnAddressIsRefused() {
        assertThatThrownBy(() -> EmailAddress.parse("victim@example.com\r\nBcc: all@example.com"))
                .hasMessageContaining("\\r\\n");
    }

    @Test
    void localPartLongerThan64OctetsIsRefused() {
        assertThatThrownBy(() -> EmailAddress.parse("a".repeat(65) + "@example.com"))
                .hasMessageContaining("64 octets");
    }
}
