package io.sluice.sim.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import io.sluice.sim.feedback.InMemoryEngagementSink;
import io.sluice.sim.policy.Folder;
import io.sluice.sim.policy.MovableClock;
import io.sluice.sim.profile.ProviderProfile;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.profile.SenderRate;
import io.sluice.sim.truth.Delivery;
import io.sluice.sim.truth.ProviderStats;
import io.sluice.sim.world.SimulatedInternet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Engagement over real SMTP: the Gmail-like provider emits OPEN events for about its open rate of
 * the mail it files in the inbox, CLICK events for about its click rate, each click with its open,
 * and nothing for mail it files as spam (a sender whose reputation fell under the inbox line with
 * unknown users).
 */
class EngagementITCase {

    private static final int SUBNET = 67;
    private static final double OPENS = 0.3;
    private static final double CLICKS = 0.1;
    private static final int INBOXED = 400;
    private static final int SPAMMED = 100;

    @Test
    void opensAndClicksComeAtTheirRatesAndOnlyForInboxedMail() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProviderProfile gmail = ProviderProfiles.named("gmail-like");
        gmail =
                gmail.withFeedback(
                        gmail.feedback()
                                .withEngagement(SenderRate.of(OPENS), SenderRate.of(CLICKS)));
        InMemoryEngagementSink sink = new InMemoryEngagementSink();
        try (SimulatedInternet internet =
                SimulatedInternet.of(List.of(gmail))
                        .subnet(SUBNET)
                        .smtpPort(port)
                        .clock(new MovableClock(Instant.parse("2026-01-05T08:00:00Z")))
                        .engagement(sink)
                        .start()) {
            InetSocketAddress server = internet.server("gmail-like").address();
            InetAddress good = InetAddress.getByName("127.0." + SUBNET + ".100");
            InetAddress poor = InetAddress.getByName("127.0." + SUBNET + ".101");

            // 30 unknown users take the poor sender's IP and domain from 50 to 35: under the
            // inbox line (40), above the throttle line (30), and 100 clean messages (+0.02 each)
            // do not lift it back.
            for (int i = 0; i < 30; i++) {
                send(poor, server, "globex.example", "unknown-" + i + "@gmail.com", -1 - i);
            }
            // The profile's 2% of unknown addresses are skipped until enough are accepted.
            for (int i = 0, accepted = 0; accepted < SPAMMED; i++) {
                accepted += accepted(send(poor, server, "globex.example", "g" + i, 10_000 + i));
            }
            for (int i = 0, accepted = 0; accepted < INBOXED; i++) {
                accepted += accepted(send(good, server, "acme.example", "a" + i, i));
            }

            List<Delivery> deliveries = internet.server("gmail-like").groundTruth().deliveries();
            Set<String> inboxed = ids(deliveries, Folder.INBOX);
            Set<String> spammed = ids(deliveries, Folder.SPAM);
            assertThat(inboxed).hasSize(INBOXED);
            assertThat(spammed).hasSize(SPAMMED);

            // Emitted before each 250: all of them are there now.
            List<FeedbackEvent> events = sink.events();
            List<FeedbackEvent> opens = ofType(events, FeedbackType.OPEN);
            List<FeedbackEvent> clicks = ofType(events, FeedbackType.CLICK);
            assertThat(events).hasSize(opens.size() + clicks.size());
            assertThat(events)
                    .as("only inboxed mail is opened or clicked")
                    .allSatisfy(e -> assertThat(inboxed).contains(e.getMessageId()))
                    .allSatisfy(e -> assertThat(e.getSendingIp()).isEqualTo(good.getHostAddress()))
                    .allSatisfy(e -> assertThat(e.getProvider()).isEqualTo("gmail-like"));
            assertThat(share(opens.size())).isBetween(low(OPENS), high(OPENS));
            assertThat(share(clicks.size())).isBetween(low(CLICKS), high(CLICKS));
            assertThat(ids(opens)).as("every click comes with an open").containsAll(ids(clicks));
            assertThat(ids(opens)).as("one open per message").hasSize(opens.size());

            ProviderStats stats = internet.stats("gmail-like");
            assertThat(stats.opens()).isEqualTo(opens.size());
            assertThat(stats.clicks()).isEqualTo(clicks.size());
        }
    }

    /** Four standard deviations of a binomial share around its rate: wrong rates fall outside. */
    private static double low(double rate) {
        return rate - 4 * Math.sqrt(rate * (1 - rate) / INBOXED);
    }

    private static double high(double rate) {
        return rate + 4 * Math.sqrt(rate * (1 - rate) / INBOXED);
    }

    private static double share(int count) {
        return (double) count / INBOXED;
    }

    private static List<FeedbackEvent> ofType(List<FeedbackEvent> events, FeedbackType type) {
        return events.stream().filter(e -> e.getType() == type).toList();
    }

    private static Set<String> ids(List<FeedbackEvent> events) {
        return events.stream().map(FeedbackEvent::getMessageId).collect(Collectors.toSet());
    }

    /** Message ids as Sluice gives them (the Message-ID's local part), of one folder. */
    private static Set<String> ids(List<Delivery> deliveries, Folder folder) {
        return deliveries.stream()
                .filter(d -> d.folder() == folder)
                .map(d -> d.messageId().substring(0, d.messageId().indexOf('@')))
                .collect(Collectors.toSet());
    }

    private static int accepted(String reply) {
        if (reply.startsWith("550 5.1.1 ")) {
            return 0;
        }
        assertThat(reply).startsWith("250");
        return 1;
    }

    /** One message on its own connection: gmail-like allows 50 per connection. */
    private static String send(
            InetAddress source, InetSocketAddress server, String domain, String to, int n)
            throws IOException {
        if (!to.contains("@")) {
            to = to + "@gmail.com";
        }
        try (RawSmtpClient client = RawSmtpClient.connect(source, server)) {
            String from = "news@" + domain;
            String text =
                    "From: <"
                            + from
                            + ">\r\nTo: <"
                            + to
                            + ">\r\nMessage-ID: <m"
                            + n
                            + "@"
                            + domain
                            + ">\r\nSubject: News\r\n\r\nNews.\r\n";
            String reply =
                    client.send("bounce@" + domain, to, text.getBytes(StandardCharsets.US_ASCII));
            client.command("QUIT");
            return reply;
        }
    }
}
