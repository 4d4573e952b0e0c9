package io.sluice.it;

import static io.sluice.it.ReputationScenarios.byIp;
import static io.sluice.it.ReputationScenarios.byJob;
import static io.sluice.it.ReputationScenarios.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.kafka.Topics;
import io.sluice.it.ReputationScenarios.Decided;
import io.sluice.local.LocalStack;
import io.sluice.schema.ControlType;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.IpStatus;
import io.sluice.schema.SendRequest;
import io.sluice.sim.smtp.MailboxServer;
import io.sluice.sim.smtp.MailboxServer.BlockReply;
import io.sluice.sim.smtp.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9: an IP blocked by the Yahoo-like provider stops receiving Yahoo traffic within 5 seconds
 * of the block reply, and the pool's other IPs carry it; the reputation job takes the IP out of
 * rotation at Yahoo with an {@code IP_STATUS BLOCKED} decision that says why.
 *
 * <p>The provider is the local stack's permissive Yahoo-like server, told to refuse every
 * transaction from one sending IP with Yahoo's own block reply ({@code 421 4.7.0 [TSS09] All
 * messages from IP will be permanently deferred; Retrying will NOT succeed}), a 4xx, so the refused
 * messages are deferred and retried rather than bounced.
 *
 * <p>The shipped reputation rules: one block reply at a site blocks the IP there (the delivery job
 * has paused it there on that reply already, so a second one would come only from attempts under
 * way).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IpBlockITCase {

    private static final String BLOCKED_IP = "127.0.0.10";
    private static final String BLOCK_REPLY =
            "421 4.7.0 [TSS09] All messages from {ip} will be permanently deferred; Retrying will"
                    + " NOT succeed. See https://senders.yahooinc.com/error-codes";

    /** How long Yahoo traffic keeps flowing after the first block reply: well past 5 s. */
    private static final Duration OBSERVED = Duration.ofSeconds(15);

    @TempDir static Path home;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + 17) % 20_000);
        stack = LocalStack.start(new LocalStack.Settings(home, 0, 0, smtpPort, 47, 2, true));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aBlockedIpStopsGettingYahooTrafficWithinFiveSecondsAndTheOthersCarryIt() throws Exception {
        MailboxServer yahoo = stack.internet().server("yahoo-like");

        // Before the block: every IP of the shared pool carries Yahoo mail.
        List<SendRequest> before = batch("before", 0, 60);
        ReputationScenarios.send(stack, before);
        assertDelivered(before);
        assertThat(byIp(yahoo.received()))
                .containsKeys("127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13")
                .doesNotContainKey("127.0.0.20");

        yahoo.block(BLOCKED_IP, BLOCK_REPLY);
        Instant blockedAt = Instant.now();

        // Yahoo mail keeps coming, in batches each delivered before the next, until well past
        // 5 s after the first block reply.
        List<SendRequest> after = new ArrayList<>();
        int batch = 0;
        while (firstBlockReply(yahoo) == null
                || Duration.between(firstBlockReply(yahoo), Instant.now()).compareTo(OBSERVED)
                        < 0) {
            List<SendRequest> next = batch("after", batch++, 40);
            after.addAll(next);
            ReputationScenarios.send(stack, next);
            assertDelivered(next);
            assertThat(Duration.between(blockedAt, Instant.now()))
                    .as("no block reply at all within a minute")
                    .isLessThan(Duration.ofMinutes(1));
        }

        List<BlockReply> replies =
                yahoo.blockReplies().stream().filter(r -> r.ip().equals(BLOCKED_IP)).toList();
        Instant first = replies.get(0).at();
        Instant last = replies.get(replies.size() - 1).at();
        // The mail sent after the block, by recipient: a message of the first batch may reach a
        // backup IP a few ms before the blocked IP's first refusal, so time would miscount it.
        java.util.Set<String> afterRecipients =
                after.stream()
                        .map(SendRequest::getRecipient)
                        .collect(java.util.stream.Collectors.toSet());
        List<ReceivedMessage> afterBlock =
                yahoo.received().stream()
                        .filter(m -> afterRecipients.containsAll(m.recipients()))
                        .toList();
        Map<String, Long> carried = byIp(afterBlock);
        Duration stopped = Duration.between(first, last);

        List<Decided> decided =
                ReputationScenarios.controlUntil(
                        stack,
                        ds -> ds.stream().anyMatch(IpBlockITCase::blocksTheIpAtYahoo),
                        Duration.ofSeconds(30));
        Decided block =
                decided.stream().filter(IpBlockITCase::blocksTheIpAtYahoo).findFirst().get();

        System.out.println(
                "reputation: block reply to the last Yahoo attempt from "
                        + BLOCKED_IP
                        + ": "
                        + stopped.toMillis()
                        + " ms ("
                        + replies.size()
                        + " block replies); IP_STATUS BLOCKED on the control topic "
                        + Duration.between(first, block.writtenAt()).toMillis()
                        + " ms after the first block reply; Yahoo mail after it by IP: "
                        + carried
                        + " ("
                        + after.size()
                        + " messages sent over "
                        + Duration.between(blockedAt, Instant.now()).toSeconds()
                        + " s)");
        System.out.println("reputation: decision: " + block.event().getReason());

        // The functional contract of issue #9: traffic from the blocked IP stops within 5 s of
        // the block reply, measured at the simulator (no margin: the stop is the delivery job's
        // reaction to a reply, not a matter of speed).
        assertThat(stopped).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(carried).doesNotContainKey(BLOCKED_IP).doesNotContainKey("127.0.0.20");
        assertThat(carried.values().stream().mapToLong(Long::longValue).sum())
                .as("the backup IPs carried the Yahoo mail sent after the block")
                .isEqualTo(after.size());

        assertThat(block.event().getExpiresAt()).isAfter(block.writtenAt());
        assertThat(block.event().getReason())
                .contains("sending IP " + BLOCKED_IP + " at yahoo")
                .contains("blocks")
                .contains("[TSS09]");
        assertThat(block.event().getFigures()).containsKey("blocks_1h");
        assertThat(block.event().getFigures().get("blocks_1h")).isGreaterThanOrEqualTo(1.0);
    }

    /**
     * A listing is an input too: an IP listed on the local DNSBL ({@link LocalStack#DNSBL_ZONE},
     * checked every 2 s here) is blocked at every site, and the pool's other IPs carry its mail.
     * Runs after the Yahoo block, so it sends to Gmail and Outlook only.
     */
    @Test
    @Order(2)
    void aListedIpIsTakenOutOfRotationAtEverySite() throws Exception {
        String listed = "127.0.0.11";
        stack.internet()
                .dns()
                .loadZone(
                        "11.0.0.127."
                                + LocalStack.DNSBL_ZONE
                                + ". 60 IN A 127.0.0.2\n"
                                + "11.0.0.127."
                                + LocalStack.DNSBL_ZONE
                                + ". 60 IN TXT \"listed for a test\"\n",
                        ".");
        Instant listedAt = Instant.now();

        Decided block =
                ReputationScenarios.controlUntil(
                                stack,
                                ds -> ds.stream().anyMatch(d -> blocksEverywhere(d, listed)),
                                Duration.ofSeconds(30))
                        .stream()
                        .filter(d -> blocksEverywhere(d, listed))
                        .findFirst()
                        .get();
        System.out.println(
                "reputation: listing to IP_STATUS BLOCKED in "
                        + Duration.between(listedAt, block.writtenAt()).toMillis()
                        + " ms: "
                        + block.event().getReason());
        assertThat(block.event().getSite()).as("every site").isNull();
        assertThat(block.event().getReason())
                .startsWith("listed on dnsbl.sluice.test (127.0.0.2): listed for a test");
        // The delivery job has read the decision once its group committed past it.
        ConsumerGroups.awaitCommitted(stack.bootstrapServers(), "sluice-delivery", Topics.CONTROL);

        List<SendRequest> mail = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String domain = i % 2 == 0 ? "gmail.com" : "outlook.com";
            mail.add(request("listed-" + i, "acme", "reader-listed-" + i + "@" + domain));
        }
        ReputationScenarios.send(stack, mail);
        assertDelivered(mail);

        java.util.Set<String> recipients =
                mail.stream()
                        .map(SendRequest::getRecipient)
                        .collect(java.util.stream.Collectors.toSet());
        List<ReceivedMessage> received = new ArrayList<>();
        for (String provider : List.of("gmail-like", "outlook-like")) {
            stack.internet().server(provider).received().stream()
                    .filter(m -> recipients.containsAll(m.recipients()))
                    .forEach(received::add);
        }
        Map<String, Long> carried = byIp(received);
        System.out.println("reputation: mail after the listing by IP: " + carried);
        assertThat(carried)
                .doesNotContainKey(listed)
                .doesNotContainKey("127.0.0.20")
                .containsKeys("127.0.0.12", "127.0.0.13");
        assertThat(carried.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(mail.size());
    }

    /**
     * Issue #6's reaction time: the Gmail-like provider answers one IP's mail with Gmail's "unusual
     * rate" reply; from the reply that trips the response rule ({@code after=2/1h}, so the second)
     * to the scheduler applying the lowered pace, through the pacing-feedback topic (ADR 4). The
     * figure is printed (benchmarks, not tests, judge speed); the test asserts the pace was lowered
     * for that IP at that site and that no message was lost.
     */
    @Test
    @Order(3)
    void aRateLimitReplyLowersThatIpsPaceAtThatSite() throws Exception {
        String ip = "127.0.0.12";
        MailboxServer gmail = stack.internet().server("gmail-like");
        try (LogLines pace = LogLines.of(io.sluice.delivery.schedule.SiteSchedulerFunction.class)) {
            gmail.block(
                    ip,
                    "421 4.7.28 [{ip}] Our system has detected an unusual rate of unsolicited mail"
                            + " originating from your IP address. To protect our users from spam,"
                            + " mail sent from your IP address has been temporarily rate"
                            + " limited.");
            List<SendRequest> mail = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "throttled-" + i;
                mail.add(request(id, "acme", "reader-" + id + "@gmail.com"));
            }
            ReputationScenarios.send(stack, mail);
            Instant deadline = Instant.now().plusSeconds(60);
            while (lowered(pace, ip).isEmpty() && Instant.now().isBefore(deadline)) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll
            }
            gmail.unblock(ip);
            List<LogLines.Line> lowered = lowered(pace, ip);
            assertThat(lowered).as("a slowdown of %s at google", ip).isNotEmpty();
            List<BlockReply> replies =
                    gmail.blockReplies().stream().filter(r -> r.ip().equals(ip)).toList();
            String line = lowered.get(0).message();
            System.out.println(
                    "scheduling: "
                            + line
                            + " | first rate-limit reply to the lowered pace: "
                            + (lowered.get(0).atMillis() - replies.get(0).at().toEpochMilli())
                            + " ms; "
                            + replies.size()
                            + " rate-limit replies in all");
            assertThat(line).containsPattern("pace x0\\.\\d+");
            // Refused with a 4xx, so deferred and retried once the provider lets it through.
            assertDelivered(mail);
        }
    }

    private static List<LogLines.Line> lowered(LogLines pace, String ip) {
        return pace.lines().stream()
                .filter(l -> l.message().startsWith(ip + " at google: pace x"))
                .toList();
    }

    private static boolean blocksEverywhere(Decided d, String ip) {
        return byJob(d)
                && d.event().getType() == ControlType.IP_STATUS
                && d.event().getIpStatus() == IpStatus.BLOCKED
                && ip.equals(d.event().getSendingIp())
                && d.event().getSite() == null;
    }

    private static boolean blocksTheIpAtYahoo(Decided d) {
        return byJob(d)
                && d.event().getType() == ControlType.IP_STATUS
                && d.event().getIpStatus() == IpStatus.BLOCKED
                && BLOCKED_IP.equals(d.event().getSendingIp())
                && "yahoo".equals(d.event().getSite());
    }

    private static Instant firstBlockReply(MailboxServer yahoo) {
        return yahoo.blockReplies().stream()
                .filter(r -> r.ip().equals(BLOCKED_IP))
                .map(BlockReply::at)
                .findFirst()
                .orElse(null);
    }

    private static List<SendRequest> batch(String phase, int batch, int n) {
        List<SendRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = phase + "-" + batch + "-" + i;
            out.add(request(id, "acme", "reader-" + id + "@yahoo.com"));
        }
        return out;
    }

    private static void assertDelivered(List<SendRequest> requests) {
        Map<String, DeliveryEvent> finals =
                ReputationScenarios.finals(
                        stack,
                        requests.stream().map(SendRequest::getMessageId).toList(),
                        Duration.ofSeconds(60));
        assertThat(finals.values())
                .allSatisfy(
                        e ->
                                assertThat(e.getType())
                                        .as(e.getMessageId() + ": " + e.getReason())
                                        .isEqualTo(DeliveryEventType.DELIVERED));
    }
}
