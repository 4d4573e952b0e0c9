package io.sluice.sim.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sim.policy.MovableClock;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.profile.ReplyKind;
import io.sluice.sim.truth.ProviderStats;
import io.sluice.sim.world.SimulatedInternet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that ignores throttling blasts 5,000 messages from one new IP at the Gmail-like
 * provider, over real SMTP: it is rate limited, throttled, then blocked, with Gmail's replies.
 * Simulated time stands still, so the outcome does not depend on this machine's speed.
 */
class BlastingClientITCase {

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
                        .subnet(61)
                        .smtpPort(port)
                        .clock(new MovableClock(Instant.parse("2026-01-05T08:00:00Z")))
                        .start();
        gmail = internet.server("gmail-like").address();
    }

    @AfterAll
    static void stop() {
        internet.close();
    }

    @Test
    void blastingFromANewIpIsThrottledThenBlockedWithGmailsReplies() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.61.100");
        List<String> replies = new ArrayList<>();
        RawSmtpClient client = null;
        for (int i = 0; i < 5000; i++) {
            if (client == null || !client.open()) {
                client = RawSmtpClient.connect(source, gmail);
            }
            String reply =
                    client.send(
                            "news@acme.example",
                            "ok" + i + "@gmail.com",
                            "m" + i + "@acme.example");
            replies.add(reply);
            if (reply.startsWith("421") || reply.equals("closed")) {
                client.close();
            }
        }
        client.close();

        int firstThrottle = indexOf(replies, "421 4.7.28 ");
        int firstBlock = indexOf(replies, "550 5.7.1 ");
        // 500 messages take the hour's tokens; every 51st MAIL on a connection is refused first.
        assertThat(firstThrottle).isBetween(500, 520);
        assertThat(firstBlock).isGreaterThan(firstThrottle);
        assertThat(replies.get(firstThrottle))
                .isEqualTo(
                        "421 4.7.28 [127.0.61.100] Our system has detected an unusual rate of"
                                + " unsolicited mail originating from your IP address. To protect"
                                + " our users from spam, mail sent from your IP address has been"
                                + " temporarily rate limited.");
        assertThat(replies.get(firstBlock))
                .isEqualTo(
                        "550 5.7.1 [127.0.61.100] Our system has detected that this message is"
                                + " likely unsolicited mail. To reduce the amount of spam sent to"
                                + " Gmail, this message has been blocked.");
        assertThat(replies.subList(firstBlock, replies.size()))
                .allMatch(r -> r.startsWith("550 5.7.1 "));
        // Before the first throttle: only acceptances and Gmail's per-message refusals (unknown
        // users, and 50 messages per connection).
        assertThat(replies.subList(0, firstThrottle))
                .allMatch(
                        r ->
                                r.startsWith("250")
                                        || r.startsWith("550 5.1.1")
                                        || r.startsWith("421 4.7.0 Try again later"));

        ProviderStats stats = internet.stats("gmail-like");
        long accepted = replies.stream().filter(r -> r.startsWith("250")).count();
        assertThat(stats.accepted()).isEqualTo(accepted).isBetween(450L, 500L);
        assertThat(stats.throttled()).isEqualTo(count(replies, "421 4.7.28 ")).isPositive();
        assertThat(stats.blocked()).isEqualTo(count(replies, "550 5.7.1 ")).isGreaterThan(4000);
        assertThat(stats.refused(ReplyKind.UNKNOWN_USER)).isEqualTo(count(replies, "550 5.1.1 "));
        assertThat(stats.duplicates()).isZero();
        // The refusal log has every refusal with its IP, and the recipient when RCPT was refused.
        var refusals = internet.server("gmail-like").groundTruth().refusals();
        assertThat(refusals).hasSize(replies.size() - (int) accepted);
        assertThat(refusals).allMatch(r -> r.clientIp().equals("127.0.61.100"));
        assertThat(refusals.stream().filter(r -> r.reason().equals("unknown-user")))
                .hasSize((int) count(replies, "550 5.1.1 "))
                .allMatch(r -> r.recipient().contains("@"));
        assertThat(internet.server("gmail-like").groundTruth().deliveries())
                .hasSize((int) accepted)
                .allMatch(d -> d.clientIp().equals("127.0.61.100"))
                .anyMatch(d -> d.messageId().equals("m0@acme.example"));
    }

    private static int indexOf(List<String> replies, String prefix) {
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static long count(List<String> replies, String prefix) {
        return replies.stream().filter(r -> r.startsWith(prefix)).count();
    }
}
