package io.sluice.sim.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sim.policy.Folder;
import io.sluice.sim.policy.MovableClock;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.truth.ProviderStats;
import io.sluice.sim.world.SimulatedInternet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that keeps to the Gmail-like provider's published pace for a new IP (500/h, 50 per
 * connection, at most 5 connections) over real SMTP is never throttled, and the ground truth counts
 * exactly what it sent.
 */
class PacedClientITCase {

    private static final MovableClock CLOCK =
            new MovableClock(Instant.parse("2026-01-05T08:00:00Z"));
    private static SimulatedInternet internet;
    private static InetSocketAddress gmail;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        internet =
                SimulatedInternet.of(List.of(ProviderProfiles.named("gmail-like")))
                        .subnet(62)
                        .smtpPort(port)
                        .clock(CLOCK)
                        .start();
        gmail = internet.server("gmail-like").address();
    }

    @AfterAll
    static void stop() {
        internet.close();
    }

    @Test
    void aClientAtThePublishedPaceIsNeverThrottledAndEveryMessageIsCounted() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.62.100");
        Duration pace = Duration.ofHours(1).dividedBy(500);
        List<String> replies = new ArrayList<>();
        int onConnection = 0;
        RawSmtpClient client = RawSmtpClient.connect(source, gmail);
        // Three simulated hours: three times what a new IP may send at once.
        for (int i = 0; i < 1500; i++) {
            if (onConnection == 50) {
                client.command("QUIT");
                client.close();
                client = RawSmtpClient.connect(source, gmail);
                onConnection = 0;
            }
            replies.add(
                    client.send(
                            "news@acme.example",
                            "ok" + i + "@gmail.com",
                            "p" + i + "@acme.example"));
            onConnection++;
            CLOCK.advance(pace);
        }
        // The same message again: a duplicate the ground truth must notice.
        client.close();
        client = RawSmtpClient.connect(source, gmail);
        replies.add(client.send("news@acme.example", "ok0@gmail.com", "p0@acme.example"));
        client.close();

        assertThat(replies).allMatch(r -> r.startsWith("250") || r.startsWith("550 5.1.1 "));
        ProviderStats stats = internet.stats("gmail-like");
        assertThat(stats.throttled()).isZero();
        assertThat(stats.blocked()).isZero();
        long accepted = replies.stream().filter(r -> r.startsWith("250")).count();
        assertThat(stats.accepted()).isEqualTo(accepted).isGreaterThan(1400);
        assertThat(stats.inbox()).isEqualTo(accepted);
        assertThat(stats.duplicates()).isEqualTo(1);
        assertThat(internet.server("gmail-like").groundTruth().deliveries())
                .allMatch(d -> d.folder() == Folder.INBOX && d.clientIp().equals("127.0.62.100"));
    }

    @Test
    void aSixthConnectionFromOneIpIsRefusedWithGmailsReply() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.62.101");
        List<RawSmtpClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                open.add(RawSmtpClient.connect(source, gmail));
            }
            assertThat(open).allMatch(c -> c.greeting().startsWith("220"));
            try (RawSmtpClient sixth = RawSmtpClient.connect(source, gmail);
                    RawSmtpClient otherIp =
                            RawSmtpClient.connect(InetAddress.getByName("127.0.62.102"), gmail)) {
                assertThat(sixth.greeting())
                        .isEqualTo("421 4.7.0 Try again later, closing connection.");
                assertThat(otherIp.greeting()).startsWith("220");
            }
        } finally {
            for (RawSmtpClient c : open) {
                c.close();
            }
        }
    }
}
