package io.sluice.mta.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Organizational domains from the Public Suffix List (RFC 7489 section 3.2). */
class OrganizationalDomainTest {

    @ParameterizedTest
    @CsvSource({
        "example.com, example.com",
        "news.mail.Example.COM., example.com",
        "mail.example.co.uk, example.co.uk",
        "a.b.c.edu.ar, c.edu.ar",
        // The PSL's private section: each github.io site is its own organization.
        "alice.github.io, alice.github.io",
        "www.alice.github.io, alice.github.io",
        "co.uk, co.uk",
        // Not under any listed suffix: the default rule "*" gives the last two labels.
        "giant.bank.example, bank.example"
    })
    void organizationalDomain(String domain, String expected) {
        assertThat(OrganizationalDomain.of(domain)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "mail.example.co.uk, example.co.uk, RELAXED, true",
        "mail.example.co.uk, example.co.uk, STRICT, false",
        "other.co.uk, example.co.uk, RELAXED, false",
        "alice.github.io, bob.github.io, RELAXED, false",
        "Example.COM, example.com., STRICT, true"
    })
    void alignment(String a, String b, Alignment mode, boolean aligned) {
        assertThat(mode.aligns(a, b)).isEqualTo(aligned);
    }
}
