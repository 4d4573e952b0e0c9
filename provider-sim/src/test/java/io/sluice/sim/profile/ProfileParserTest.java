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
    void feedbackRatesComeFromTheProfileWithOverridesPerSendingIpAndDomain() {
        ProviderProfile gmail = ProviderProfiles.named("gmail-like");
        assertThat(gmail.feedback().complaints().forSender("127.0.0.9", "acme.example"))
                .isEqualTo(0.001);
        assertThat(gmail.feedback().lateBounceReply().status()).isEqualTo("5.1.1");
        assertThat(ProviderProfiles.named("yahoo-like").feedback().lateBounceReply().status())
                .isEqualTo("5.1.1");

        String text =
                resource()
                        + "\nfeedback.complaint-rate[ip=127.0.0.13] 0.05"
                        + "\nfeedback.complaint-rate[domain=Globex.example] 0.01"
                        + "\nfeedback.late-bounce-rate[domain=globex.example] 0.5\n";
        FeedbackModel f = ProfileParser.parse("x.profile", text).feedback();
        assertThat(f.complaints().forSender("127.0.0.13", "acme.example")).isEqualTo(0.05);
        assertThat(f.complaints().forSender("127.0.0.13", "GLOBEX.example"))
                .as("a domain's rate wins over its IP's")
                .isEqualTo(0.01);
        assertThat(f.complaints().forSender("127.0.0.14", "acme.example")).isEqualTo(0.001);
        assertThat(f.lateBounces().forSender("127.0.0.14", "globex.example")).isEqualTo(0.5);
        assertThat(f.lateBounces().forSender("127.0.0.14", "bounces.globex.example"))
                .as("a domain's rate covers its subdomains")
                .isEqualTo(0.5);
        assertThat(f.lateBounces().forSender("127.0.0.14", "xglobex.example")).isEqualTo(0.002);
        assertThat(f.lateBounces().forSender("127.0.0.14", "acme.example")).isEqualTo(0.002);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    feedback.complaint-rate[ip=127.0.0.300] 0.1 | "127.0.0.300" is not an IP address -- expected feedback.complaint-rate[ip=<IPv4 or IPv6 address>] or feedback.complaint-rate[domain=<domain name>]
                    feedback.late-bounce-rate[domain=-bad-.] 0.1 | "-bad-." is not a domain name
                    feedback.open-rate[host=acme.example] 0.1 | "feedback.open-rate[host=acme.example]" -- expected feedback.open-rate[ip=
                    rate.new[ip=127.0.0.1] 1/h | only feedback.complaint-rate, feedback.late-bounce-rate, feedback.open-rate, feedback.click-rate can be set per sending IP or domain
                    feedback.complaint-rate[domain=acme.example] 3 | feedback.complaint-rate[domain=acme.example] "3" -- expected a fraction from 0 to 1
                    """)
    void aBadPerSenderRateNamesFileAndLine(String line, String error) {
        String text = resource() + "\n" + line + "\n";
        long lineNumber = text.lines().count();
        assertThatThrownBy(() -> ProfileParser.parse("x.profile", text))
                .isInstanceOf(ProfileFileException.class)
                .hasMessageStartingWith("x.profile line " + lineNumber + ": ")
                .hasMessageContaining(error);
    }

    @Test
    void feedbackValuesAreChecked() {
        assertThatThrownBy(
                        () ->
                                ProfileParser.parse(
                                        GMAIL,
                                        replace(
                                                "feedback.late-bounce-reply",
                                                "452 4.2.2 The account is over quota.")))
                .hasMessageStartingWith(GMAIL + " line ")
                .hasMessageContaining(
                        "feedback.late-bounce-reply \"452 4.2.2 The account is over quota.\""
                                + " -- expected a 5xx reply whose text starts with an enhanced"
                                + " status code");
        assertThatThrownBy(
                        () ->
                                ProfileParser.parse(
                                        GMAIL,
                                        replace("feedback.late-bounce-reply", "550 mailbox gone")))
                .hasMessageContaining("expected a 5xx reply whose text starts with an enhanced");
        assertThatThrownBy(() -> ProfileParser.parse(GMAIL, replace("feedback.click-rate", "0.5")))
                .hasMessageContaining("feedback.click-rate must not be above feedback.open-rate");
        assertThatThrownBy(() -> ProfileParser.parse(GMAIL, replace("feedback.open-rate", "20%")))
                .hasMessageContaining(
                        "feedback.open-rate \"20%\" -- expected a fraction from 0 to 1");
        assertThatThrownBy(
                        () ->
                                ProfileParser.parse(
                                        "x.profile",
                                        resource().replaceAll("(?m)^feedback.open-rate .*$", "")))
                .hasMessage("x.profile: missing feedback.open-rate");
        String twice =
                resource()
                        + "\nfeedback.click-rate[ip=::1] 0.01\nfeedback.click-rate[ip=0:0:0:0:0:0:0:1]"
                        + " 0.02\n";
        assertThatThrownBy(() -> ProfileParser.parse("x.profile", twice))
                .hasMessageStartingWith("x.profile line " + twice.lines().count() + ": ")
                .hasMessageContaining("feedback.click-rate given twice for ::1");
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
