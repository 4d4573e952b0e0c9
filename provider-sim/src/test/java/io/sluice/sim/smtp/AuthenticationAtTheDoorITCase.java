package io.sluice.sim.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sim.policy.MovableClock;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.profile.ReplyKind;
import io.sluice.sim.truth.Delivery;
import io.sluice.sim.world.SimulatedInternet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mail that fails DKIM, SPF or DMARC alignment gets the providers' authentication replies over real
 * SMTP, judged by jDKIM and jSPF against the simulated DNS (sender domains publish {@code v=spf1
 * ip4:127.0.0.0/8 -all} and {@code v=DMARC1; p=none}). Mail signed by Sluice passes: see sink-mta's
 * SimulatedProviderDkimITCase (provider-sim cannot depend on sink-mta).
 */
class AuthenticationAtTheDoorITCase {

    private static final MovableClock CLOCK =
            new MovableClock(Instant.parse("2026-01-05T08:00:00Z"));
    private static SimulatedInternet internet;
    private static InetAddress source;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        internet =
                SimulatedInternet.of(ProviderProfiles.standard())
                        .subnet(63)
                        .smtpPort(port)
                        .clock(CLOCK)
                        .start();
        source = InetAddress.getByName("127.0.63.100");
    }

    @AfterAll
    static void stop() {
        internet.close();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    gmail-like   | ann@gmail.com        | 550 5.7.26 Unauthenticated email from acme.example is not accepted due to domain's DMARC policy.
                    outlook-like | ann@outlook.com      | 550 5.7.515 Access denied, sending domain acme.example does not meet the required authentication level.
                    yahoo-like   | ann@yahoo.com        | 550 5.7.9 Message not accepted for policy reasons. See https://senders.yahooinc.com/error-codes
                    """)
    void aForgedSignatureWithoutAlignedSpfGetsTheProvidersAuthenticationReply(
            String provider, String recipient, String reply) throws Exception {
        // elsewhere.example publishes no SPF record (spf=none), and the signature's key is absent.
        String message =
                message("news@acme.example", recipient, "forged-" + provider)
                        .replace(
                                "Subject:",
                                "DKIM-Signature: v=1; a=rsa-sha256; d=acme.example; s=nokey;"
                                        + " c=relaxed/relaxed; h=from:to:subject;"
                                        + " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;"
                                        + " b=AAAA\r\nSubject:");

        String answer = send(provider, "bounce@elsewhere.example", recipient, message);

        assertThat(answer).isEqualTo(reply);
        assertThat(internet.stats(provider).refused(ReplyKind.UNAUTHENTICATED)).isPositive();
    }

    @Test
    void spfThatPassesForAnotherDomainThanFromIsNotAligned() throws Exception {
        String answer =
                send(
                        "gmail-like",
                        "bounce@acme.example",
                        "bob@gmail.com",
                        message("news@globex.example", "bob@gmail.com", "unaligned"));

        assertThat(answer)
                .isEqualTo(
                        "550 5.7.26 Unauthenticated email from globex.example is not accepted"
                                + " due to domain's DMARC policy.");
    }

    @Test
    void alignedSpfPassesAndTheVerdictIsRecorded() throws Exception {
        String answer =
                send(
                        "gmail-like",
                        "bounce@acme.example",
                        "carl@gmail.com",
                        message("news@acme.example", "carl@gmail.com", "aligned"));

        assertThat(answer).startsWith("250");
        Delivery d =
                internet.server("gmail-like").groundTruth().deliveries().stream()
                        .filter(x -> x.messageId().equals("aligned@acme.example"))
                        .findFirst()
                        .orElseThrow();
        assertThat(d.authentication())
                .isEqualTo(
                        "dkim=fail; spf=pass smtp.mailfrom=acme.example; dmarc=pass"
                                + " header.from=acme.example");
    }

    @Test
    void aSmallIspAcceptsUnauthenticatedMailOnceGreylistingLetsItThrough() throws Exception {
        String message = message("news@acme.example", "dan@smallisp.example", "isp");

        assertThat(send("small-isp", "bounce@elsewhere.example", "dan@smallisp.example", message))
                .startsWith(
                        "450 4.7.1 <dan@smallisp.example>: Recipient address rejected:"
                                + " Greylisted");
        CLOCK.advance(Duration.ofMinutes(5));
        assertThat(send("small-isp", "bounce@elsewhere.example", "dan@smallisp.example", message))
                .startsWith("250");
        assertThat(internet.server("small-isp").groundTruth().deliveries())
                .singleElement()
                .extracting(Delivery::authentication)
                .asString()
                .startsWith("dkim=fail; spf=none");
    }

    private static String send(String provider, String mailFrom, String rcpt, String message)
            throws Exception {
        InetSocketAddress server = internet.server(provider).address();
        try (RawSmtpClient c = RawSmtpClient.connect(source, server)) {
            return c.send(mailFrom, rcpt, message.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static String message(String from, String to, String id) {
        return "From: <"
                + from
                + ">\r\nTo: <"
                + to
                + ">\r\nMessage-ID: <"
                + id
                + "@acme.example>\r\nSubject: hello\r\n\r\nHello.\r\n";
    }
}
