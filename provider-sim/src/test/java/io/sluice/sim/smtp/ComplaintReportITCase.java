package io.sluice.sim.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.arf.FeedbackReport;
import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.sim.policy.MovableClock;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.world.SimulatedInternet;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Complaints arrive as ARF reports over SMTP at the feedback address, parse with Sluice's
 * FeedbackReportParser and carry the original recipient; only marketing mail draws them, and each
 * lowers the sender's standing at the provider.
 */
class ComplaintReportITCase {

    @Test
    void everyMarketingMessageDrawsAParsableArfReportNamingItsRecipient() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (MailboxServer feedback =
                        MailboxServer.builder("acme-feedback")
                                .bind(InetAddress.getByName("127.0.65.200"), port)
                                .domains(Set.of("fbl.acme.example"))
                                .keepMessages(true)
                                .build()
                                .start();
                SimulatedInternet internet =
                        SimulatedInternet.of(List.of(ProviderProfiles.named("gmail-like")))
                                .subnet(65)
                                .smtpPort(port)
                                .clock(new MovableClock(Instant.parse("2026-01-05T08:00:00Z")))
                                .complaints(1.0, feedback.address(), "complaints@fbl.acme.example")
                                .start();
                RawSmtpClient client =
                        RawSmtpClient.connect(
                                InetAddress.getByName("127.0.65.100"),
                                internet.server("gmail-like").address())) {
            String marketing =
                    "From: <news@acme.example>\r\nTo: <ann@gmail.com>\r\nMessage-ID:"
                            + " <sale-1@acme.example>\r\nList-Unsubscribe:"
                            + " <https://acme.example/u/1>\r\nSubject: Sale\r\n\r\nSale!\r\n";
            String transactional =
                    "From: <orders@acme.example>\r\nTo: <bob@gmail.com>\r\nMessage-ID:"
                            + " <order-1@acme.example>\r\nSubject: Order\r\n\r\nShipped.\r\n";
            assertThat(
                            client.send(
                                    "bounce@acme.example",
                                    "ann@gmail.com",
                                    marketing.getBytes(StandardCharsets.US_ASCII)))
                    .startsWith("250");
            assertThat(
                            client.send(
                                    "bounce@acme.example",
                                    "bob@gmail.com",
                                    transactional.getBytes(StandardCharsets.US_ASCII)))
                    .startsWith("250");

            // The report is sent from a background thread: wait for it, bounded.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (feedback.received().isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            // The provider decides on a complaint before its 250, and counts it then; one count
            // after both 250s means the transactional message drew none, and no second report
            // is on its way.
            assertThat(internet.stats("gmail-like").complaints()).isEqualTo(1);
            assertThat(feedback.received()).hasSize(1);
            ReceivedMessage arf = feedback.received().get(0);
            assertThat(arf.recipients()).containsExactly("complaints@fbl.acme.example");
            FeedbackReport report = new FeedbackReportParser().parse(arf.data());
            assertThat(report.report()).isTrue();
            assertThat(report.format()).isEqualTo("arf");
            assertThat(report.feedbackType()).isEqualTo("abuse");
            assertThat(report.originalRecipients()).containsExactly("ann@gmail.com");
            assertThat(report.sourceIp()).isEqualTo("127.0.65.100");
            assertThat(report.originalMessageId()).contains("sale-1@acme.example");
            assertThat(internet.stats("gmail-like").complaints()).isEqualTo(1);
            assertThat(
                            internet.server("gmail-like")
                                    .policy()
                                    .orElseThrow()
                                    .domainStanding("acme.example")
                                    .score())
                    .isLessThan(50);
        }
    }
}
