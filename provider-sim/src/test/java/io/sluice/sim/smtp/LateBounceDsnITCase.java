package io.sluice.sim.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.dsn.BounceReport;
import io.sluice.bounce.dsn.BouncedRecipient;
import io.sluice.bounce.dsn.DsnParser;
import io.sluice.bounce.verp.VerpAddress;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.sim.policy.MovableClock;
import io.sluice.sim.profile.ProviderProfile;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.profile.SenderRate;
import io.sluice.sim.truth.Feedback;
import io.sluice.sim.world.SimulatedInternet;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Out-of-band bounces: mail the Gmail-like provider accepted from a sender whose late-bounce rate
 * is 1 comes back as RFC 3464 DSNs, with the null sender, to the VERP return path exactly as MAIL
 * FROM gave it, through the MX the return path's domain publishes in the simulated DNS. Sluice's
 * DSN parser reads each one with the original recipient and status 5.1.1, and the return path still
 * decodes (HMAC and all) to the message and recipient. A sender whose rate is 0 gets none.
 */
class LateBounceDsnITCase {

    private static final int SUBNET = 66;
    private static final VerpKeys KEYS =
            new VerpKeys(
                    "k1",
                    Map.of(
                            "k1",
                            "a-test-key-of-thirty-two-bytes-at-least"
                                    .getBytes(StandardCharsets.UTF_8)));

    @Test
    void lateBouncesComeBackToTheReturnPathAsDsnsSluiceCanRead() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProviderProfile gmail = ProviderProfiles.named("gmail-like");
        // acme.example's mail (its return paths are at bounces.acme.example) always bounces
        // late; every other sender's never does.
        gmail =
                gmail.withFeedback(
                        gmail.feedback()
                                .withLateBounces(
                                        new SenderRate(0, Map.of(), Map.of("acme.example", 1.0))));
        InetAddress bounceServer = InetAddress.getByName("127.0." + SUBNET + ".200");
        try (MailboxServer inbound =
                        MailboxServer.builder("sluice-inbound")
                                .bind(bounceServer, port)
                                .domains(Set.of("bounces.acme.example"))
                                .keepMessages(true)
                                .build()
                                .start();
                SimulatedInternet internet =
                        SimulatedInternet.of(List.of(gmail))
                                .subnet(SUBNET)
                                .smtpPort(port)
                                .clock(new MovableClock(Instant.parse("2026-01-05T08:00:00Z")))
                                .lateBounces()
                                .start();
                RawSmtpClient client =
                        RawSmtpClient.connect(
                                InetAddress.getByName("127.0." + SUBNET + ".100"),
                                internet.server("gmail-like").address())) {
            internet.publishMx("bounces.acme.example", "mx.bounces.acme.example", bounceServer);
            // The return-path domain needs SPF of its own to pass the provider's DMARC check.
            internet.dns()
                    .loadZone(
                            "bounces.acme.example. IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"\n", ".");

            // The profile's 2% of unknown addresses are refused at RCPT: skipped.
            List<String> returnPaths = new ArrayList<>();
            for (int i = 0; returnPaths.size() < 6; i++) {
                String rcpt = "reader" + i + "@gmail.com";
                String returnPath =
                        new VerpAddress("m-" + i, rcpt).encode(KEYS, "bounces.acme.example");
                if (accepted(
                        client.send(returnPath, rcpt, message("news@acme.example", rcpt, i)))) {
                    returnPaths.add(returnPath);
                }
            }
            for (int i = 0, others = 0; others < 4; i++) {
                String rcpt = "other" + i + "@gmail.com";
                String from = "news@globex.example";
                if (accepted(
                        client.send("bounce@globex.example", rcpt, message(from, rcpt, 100 + i)))) {
                    others++;
                }
            }

            // Decided and counted before each 250: after the last one, the count is final.
            assertThat(internet.stats("gmail-like").lateBounces()).isEqualTo(6);
            assertThat(internet.server("gmail-like").groundTruth().feedback())
                    .extracting(f -> f.kind() + " " + f.delivery().mailFrom())
                    .containsExactlyInAnyOrderElementsOf(
                            returnPaths.stream()
                                    .map(r -> Feedback.Kind.LATE_BOUNCE + " " + r)
                                    .toList());

            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (inbound.received().size() < 6 && Instant.now().isBefore(deadline)) {
                Thread.sleep(20); // polling for the background sender, bounded by the deadline
            }
            List<ReceivedMessage> dsns = inbound.received();
            assertThat(dsns).hasSize(6);
            DsnParser parser = new DsnParser(BounceClassifier.fromClasspath());
            for (ReceivedMessage dsn : dsns) {
                assertThat(dsn.mailFrom()).as("a DSN has the null sender").isEmpty();
                String returnPath = dsn.recipients().get(0);
                assertThat(returnPaths).contains(returnPath);
                VerpAddress verp = VerpAddress.decode(KEYS, returnPath).orElseThrow();

                BounceReport report = parser.parse(dsn.data());
                assertThat(report.bounce()).isTrue();
                assertThat(report.verdict()).isEqualTo("rfc3464");
                BouncedRecipient r = report.recipients().get(0);
                assertThat(report.recipients()).hasSize(1);
                assertThat(r.recipient()).isEqualTo(verp.recipient());
                assertThat(r.action()).isEqualTo("failed");
                assertThat(r.status()).isEqualTo("5.1.1");
                assertThat(r.classification().isHard()).isTrue();
                String text = new String(dsn.data(), StandardCharsets.ISO_8859_1);
                assertThat(text)
                        .as("the original header section comes back")
                        .contains("Message-ID: <" + verp.messageId() + "@acme.example>");
            }
            assertThat(internet.stats("gmail-like").accepted()).isEqualTo(10);
            assertThat(
                            internet.server("gmail-like")
                                    .policy()
                                    .orElseThrow()
                                    .domainStanding("bounces.acme.example")
                                    .score())
                    .as("dead mailboxes cost the sender as unknown users do")
                    .isLessThan(
                            internet.server("gmail-like")
                                    .policy()
                                    .orElseThrow()
                                    .domainStanding("globex.example")
                                    .score());
        }
    }

    private static boolean accepted(String reply) {
        if (reply.startsWith("550 5.1.1 ")) {
            return false;
        }
        assertThat(reply).startsWith("250");
        return true;
    }

    private static byte[] message(String from, String to, int i) {
        String text =
                "From: <"
                        + from
                        + ">\r\nTo: <"
                        + to
                        + ">\r\nMessage-ID: <m-"
                        + i
                        + "@"
                        + from.substring(from.indexOf('@') + 1)
                        + ">\r\nSubject: News\r\n\r\nNews.\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
