package io.sluice.mta.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OneClickUnsubscribeTest {

    @Test
    void producesTheTwoRfc8058Fields() {
        OneClickUnsubscribe u =
                OneClickUnsubscribe.of("https://u.example.org/u/AbC_1?l=news")
                        .withMailto("mailto:unsub@example.org?subject=u-AbC_1");

        assertThat(u.headerFields())
                .containsExactly(
                        "List-Unsubscribe: <https://u.example.org/u/AbC_1?l=news>, <mailto:unsub@example.org?subject=u-AbC_1>\r\n",
                        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://u.example.org/u/1",
                "mailto:unsub@example.org",
                "https:///no-host",
                "https://user:pw@u.example.org/u/1",
                "https://u.example.org/u/1#frag",
                "https://u.example.org/u/1,2",
                "/relative/path"
            })
    void refusesWhatIsNotAPlainHttpsUrl(String uri) {
        assertThatThrownBy(() -> OneClickUnsubscribe.of(uri))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokensRoundTripAndCannotBeForgedOrReusedAfterExpiry() {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        UnsubscribeTokens issuer =
                new UnsubscribeTokens(secret, Duration.ofDays(90), Clock.fixed(t0, ZoneOffset.UTC));

        String token = issuer.issue("acme", "bob@example.net", "news");

        assertThat(issuer.verify(token))
                .contains(
                        new UnsubscribeTokens.Request(
                                "acme", "bob@example.net", "news", t0.plus(Duration.ofDays(90))));
        String other = issuer.issue("acme", "carol@example.net", "news");
        String spliced =
                token.substring(0, token.indexOf('.')) + other.substring(other.indexOf('.'));
        assertThat(issuer.verify(spliced)).isEmpty();
        byte[] otherSecret = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
        assertThat(
                        new UnsubscribeTokens(
                                        otherSecret,
                                        Duration.ofDays(90),
                                        Clock.fixed(t0, ZoneOffset.UTC))
                                .verify(token))
                .isEmpty();
        UnsubscribeTokens later =
                new UnsubscribeTokens(
                        secret,
                        Duration.ofDays(90),
                        Clock.fixed(t0.plus(Duration.ofDays(91)), ZoneOffset.UTC));
        assertThat(later.verify(token)).isEmpty();
        assertThat(issuer.toString()).doesNotContain("0123456789abcdef");
    }
}
