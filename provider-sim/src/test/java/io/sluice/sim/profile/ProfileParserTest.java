package io.sluice.sim.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileParserTest {

    private static final String GMAIL = "/io/sluice/sim/profiles/gmail-like.profile";

    @Test
    void builtInProfilesCarryThePublishedNumbersAndReplies() {
        ProviderProfile gmail = ProviderProfiles.named("gmail-like");
        ProviderProfile outlook = ProviderProfiles.named("outlook-like");
        ProviderProfile yahoo = ProviderProfiles.named("yahoo-like");

        assertThat(gmail.rates().get(IpTier.NEW)).isEqualTo(new Rate(500, Duration.ofHours(1)));
        assertThat(outlook.rates().get(IpTier.NEW)).isEqualTo(new Rate(1000, Duration.ofHours(1)));
        assertThat(gmail.connectionsPerIp()).isEqualTo(5);
        assertThat(gmail.messagesPerConnection()).isEqualTo(50);
        assertThat(yahoo.messagesPerConnection()).isEqualTo(20);
        assertThat(gmail.reply(ReplyKind.THROTTLED).toString())
                .startsWith("421 4.7.28 ")
                .contains("unusual rate of unsolicited mail");
        assertThat(gmail.reply(ReplyKind.UNAUTHENTICATED).render("", "acme.example", ""))
                .isEqualTo(
                        "5.7.26 Unauthenticated email from acme.example is not accepted due to"
                                + " domain's DMARC policy.");
        assertThat(yahoo.reply(ReplyKind.THROTTLED).render("127.0.0.9", "", ""))
                .contains("[TSS04] Messages from 127.0.0.9 temporarily deferred");
        assertThat(outlook.reply(ReplyKind.BLOCKED).toString())
                .startsWith("550 5.7.1 ")
                .endsWith("(S3150).");
        assertThat(outlook.reply(ReplyKind.UNAUTHENTICATED).toString()).startsWith("550 5.7.515");
        assertThat(outlook.reply(ReplyKind.RATE_LIMITED).toString()).startsWith("451 4.7.500");
    }

    @Test
    void everyBuiltInProfileParsesWithDistinctAddressesAndDomains() {
        var all = ProviderProfiles.standard();
        assertThat(all).hasSize(ProviderProfiles.NAMES.size());
        assertThat(all.stream().map(ProviderProfile::hostOctet).collect(Collectors.toSet()))
                .hasSize(all.size());
        assertThat(all.stream().flatMap(p -> p.domains().stream()).distinct().count())
                .isEqualTo(all.stream().mapToLong(p -> p.domains().size()).sum());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    rate.new | 500/hr | line 12: rate.new "500/hr" -- expected N/s, N/min, N/h or N/day
                    rate.new | 0/h | line 12: rate.new "0/h" -- expected N/s
                    connections-per-ip | five | line 19: connections-per-ip "five" -- expected a whole number from 1 to 10000
                    greylisting | yes | line 23: greylisting "yes" -- expected on or off
                    reputation.block-for | 2 hours | reputation.block-for "2 hours" -- expected a duration such as 90s
                    unknown-user-fraction | 2% | line 27: unknown-user-fraction "2%" -- expected a fraction from 0 to 1
                    reply.unknown-user | 5.1.1 no | reply.unknown-user "5.1.1 no" -- expected a reply code from 200 to 599
                    """)
    void aBadValueIsReportedWithFileLineAndExpectation(String key, String value, String error) {
        String text = replace(key, value);
        assertThatThrownBy(() -> ProfileParser.parse(GMAIL, text))
                .isInstanceOf(ProfileFileException.class)
                .hasMessageStartingWith(GMAIL)
                .hasMessageContaining(error);
    }

    @Test
    void unknownMissingAndRepeatedKeysAreReported() {
        String base = resource();
        assertThatThrownBy(() -> ProfileParser.parse("x.profile", base + "\nrate.old 1/h\n"))
                .hasMessageContaining("x.profile line")
                .hasMessageContaining("unknown key \"rate.old\" -- expected one of")
                .hasMessageContaining("rate.established");
        assertThatThrownBy(() -> ProfileParser.parse("x.profile", base + "\nrate.new 1/h\n"))
                .hasMessageContaining("rate.new given twice (first on line 12)");
        assertThatThrownBy(
                        () ->
                                ProfileParser.parse(
                                        "x.profile", base.replaceAll("(?m)^greylisting .*$", "")))
                .hasMessage("x.profile: missing greylisting");
        assertThatThrownBy(
                        () ->
                                ProfileParser.parse(
                                        "x.profile", replace("reputation.block-below", "40")))
                .hasMessageContaining("reputation.block-below must not be above");
        assertThatThrownBy(() -> ProviderProfiles.named("hotmail-like"))
                .hasMessageContaining("no such profile -- the built-in ones are [gmail-like");
    }

    private static String replace(String key, String value) {
        String text = resource();
        String replaced =
                text.replaceFirst("(?m)^" + key.replace(".", "\\.") + " .*$", key + " " + value);
        assertThat(replaced).isNotEqualTo(text);
        return replaced;
    }

    private static String resource() {
        try (var in = ProfileParserTest.class.getResourceAsStream(GMAIL)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
