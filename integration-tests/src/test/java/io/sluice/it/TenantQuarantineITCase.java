package io.sluice.it;

import static io.sluice.it.ReputationScenarios.byIp;
import static io.sluice.it.ReputationScenarios.byJob;
import static io.sluice.it.ReputationScenarios.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.ReputationScenarios.Decided;
import io.sluice.local.LocalStack;
import io.sluice.reputation.ReputationOptions;
import io.sluice.schema.BounceClass;
import io.sluice.schema.ControlType;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.Priority;
import io.sluice.schema.SendRequest;
import io.sluice.schema.TenantStatus;
import io.sluice.sim.smtp.MailboxServer;
import io.sluice.sim.smtp.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9: on a shared pool, a tenant sending to a list with 10% unknown users is quarantined
 * before its bounces exceed what the warning line allows, and its later mail leaves from the
 * quarantine pool, while the good tenants' mail keeps being delivered from the shared pool.
 *
 * <p>Rules: the shipped ones with {@code min-attempts 500} instead of 2,000. The tenant's warning
 * line (2% hard bounces) then allows 10 hard bounces in the first 500 attempts, and the job
 * quarantines the tenant when its count reaches them, about 100 attempts into a 10% list (with
 * 2,000: 40 bounces, about 400 attempts in; without counting before min-attempts, 200 bounces at
 * 2,000, past the stop line). Why lower: the job sees delivery events when the delivery job's
 * checkpoint commits them (every 2 s here, a few seconds more under load), and on two shared cores
 * the stack delivers some 30 messages a second, so a tenant quarantined after 400 attempts has sent
 * the rest of a list this test can afford before the decision lands. The local stack's quarantine
 * pool is one IP, 127.0.0.20.
 */
class TenantQuarantineITCase {

    private static final String QUARANTINE_IP = "127.0.0.20";
    private static final int MIN_ATTEMPTS = 500;

    /** Hard bounces the tenant warning line (2%) allows in the first min-attempts. */
    private static final double ALLOWED_BOUNCES = 0.02 * MIN_ATTEMPTS;

    private static final List<String> DOMAINS = List.of("gmail.com", "yahoo.com", "outlook.com");

    @TempDir static Path home;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + 23) % 20_000);
        Path rules =
                ReputationScenarios.rulesFile(
                        home.resolve("test-reputation.rules"),
                        Map.of("min-attempts      2000", "min-attempts      " + MIN_ATTEMPTS));
        stack =
                LocalStack.start(
                        new LocalStack.Settings(home, 0, 0, smtpPort, 48, 2, true)
                                .with(ReputationOptions.RULES_FILE.key(), rules.toString()));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aTenantWithTenPercentUnknownUsersIsQuarantinedAndTheGoodTenantsAreNot() throws Exception {
        // globex's list: every tenth address does not exist, 400 of them (its stop line, 10% of
        // 500 attempts, is out of reach: this test is about the quarantine). acme and initech
        // send clean lists.
        // Interleaved, as tenants sharing a pool send at the same time; in two waves, because
        // the stack releases a wave to its SMTP attempts faster than it delivers it (the backlog
        // waits in the attempts' queue, not in the scheduler that picks the pool): the second
        // wave is the tenant's "later mail".
        List<SendRequest> first = wave(0, 200, 80);
        Instant sent = Instant.now();
        ReputationScenarios.send(stack, first);
        Map<String, DeliveryEvent> finals = new HashMap<>(finals(first));
        List<Decided> decided =
                ReputationScenarios.controlUntil(
                        stack,
                        ds -> ds.stream().anyMatch(TenantQuarantineITCase::quarantinesGlobex),
                        Duration.ofSeconds(30));
        Decided quarantine =
                decided.stream()
                        .filter(TenantQuarantineITCase::quarantinesGlobex)
                        .findFirst()
                        .get();

        List<SendRequest> second = wave(200, 200, 80);
        ReputationScenarios.send(stack, second);
        finals.putAll(finals(second));
        Duration took = Duration.between(sent, Instant.now());

        List<ReceivedMessage> received = new ArrayList<>();
        for (MailboxServer s : stack.internet().servers()) {
            received.addAll(s.received());
        }
        received.sort(Comparator.comparing(ReceivedMessage::receivedAt));
        List<ReceivedMessage> globex = from(received, "globex");
        List<ReceivedMessage> goodMail = new ArrayList<>(from(received, "acme"));
        goodMail.addAll(from(received, "initech"));
        Instant firstQuarantined =
                globex.stream()
                        .filter(m -> ip(m).equals(QUARANTINE_IP))
                        .map(ReceivedMessage::receivedAt)
                        .findFirst()
                        .orElse(null);
        List<ReceivedMessage> globexShared =
                globex.stream().filter(m -> !ip(m).equals(QUARANTINE_IP)).toList();
        List<DeliveryEvent> globexSecond =
                second.stream()
                        .filter(r -> r.getTenant().equals("globex"))
                        .map(r -> finals.get(r.getMessageId()))
                        .toList();
        long globexBouncesShared =
                finals.values().stream()
                        .filter(e -> e.getTenant().equals("globex"))
                        .filter(e -> e.getBounceClass() == BounceClass.HARD)
                        .filter(e -> !QUARANTINE_IP.equals(e.getAttempt().getSendingIp()))
                        .count();
        long sharedAttempts =
                finals.values().stream()
                        .filter(e -> e.getAttempt() != null)
                        .filter(e -> !QUARANTINE_IP.equals(e.getAttempt().getSendingIp()))
                        .count();
        Map<String, Double> figures = quarantine.event().getFigures();
        long trigger =
                Long.parseLong(
                        quarantine
                                .event()
                                .getControlId()
                                .substring(quarantine.event().getControlId().lastIndexOf(':') + 1));

        System.out.println(
                "reputation: globex (10% unknown users) quarantined at "
                        + figures.get("attempts_24h").longValue()
                        + " attempts and "
                        + figures.get("hard_bounces_24h").longValue()
                        + " hard bounces (the warning line allows "
                        + (long) ALLOWED_BOUNCES
                        + " in "
                        + MIN_ATTEMPTS
                        + "); from the bounce that decided it to the decision on the control"
                        + " topic: "
                        + (quarantine.writtenAt().toEpochMilli() - trigger)
                        + " ms; its mail from the shared pool in all: "
                        + globexShared.size()
                        + " accepted, "
                        + globexBouncesShared
                        + " hard bounces ("
                        + percent(globexBouncesShared, sharedAttempts)
                        + " of the shared pool's "
                        + sharedAttempts
                        + " final attempts); from the quarantine pool: "
                        + (globex.size() - globexShared.size())
                        + " accepted; "
                        + (first.size() + second.size())
                        + " messages in "
                        + took.toSeconds()
                        + " s");
        System.out.println("reputation: decision: " + quarantine.event().getReason());

        assertThat(quarantine.event().getIpPool()).isEqualTo(LocalStack.QUARANTINE_POOL);
        assertThat(quarantine.event().getReason())
                .contains("tenant globex")
                .contains("hard-bounces")
                .contains("warning line 2%");
        // Quarantined before its bounces exceeded what the warning line allows (2% of
        // min-attempts).
        assertThat(figures.get("hard_bounces_24h")).isLessThanOrEqualTo(ALLOWED_BOUNCES);
        assertThat(figures.get("attempts_24h")).isLessThan((double) MIN_ATTEMPTS);

        // Its later mail leaves from the quarantine pool, and only its mail does.
        assertThat(globexSecond)
                .allSatisfy(
                        e ->
                                assertThat(e.getAttempt().getSendingIp())
                                        .as(e.getMessageId())
                                        .isEqualTo(QUARANTINE_IP));
        assertThat(globexSecond)
                .extracting(DeliveryEvent::getType)
                .contains(DeliveryEventType.DELIVERED);
        assertThat(firstQuarantined).isNotNull().isAfterOrEqualTo(quarantine.writtenAt());
        assertThat(byIp(goodMail)).doesNotContainKey(QUARANTINE_IP);

        // The good tenants: every message delivered, from the shared pool, and no decision
        // about them or about the shared pool's IPs.
        assertThat(
                        finals.values().stream()
                                .filter(e -> !e.getTenant().equals("globex"))
                                .filter(e -> e.getType() != DeliveryEventType.DELIVERED))
                .isEmpty();
        assertThat(goodMail).hasSize(4 * 80);
        assertThat(byIp(goodMail))
                .containsOnlyKeys("127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13");
        assertThat(ReputationScenarios.control(stack))
                .filteredOn(ReputationScenarios::byJob)
                .noneMatch(d -> d.event().getType() == ControlType.IP_STATUS)
                .noneMatch(
                        d ->
                                d.event().getType() == ControlType.TENANT_STATUS
                                        && !"globex".equals(d.event().getTenant()));
    }

    /** globex's addresses {@code from} to {@code from + bad}, and {@code good} for each other. */
    private static List<SendRequest> wave(int from, int bad, int good) {
        List<SendRequest> out = new ArrayList<>();
        for (int i = from; i < from + bad; i++) {
            String domain = DOMAINS.get(i % DOMAINS.size());
            String local = (i % 10 == 7 ? "unknown-" : "reader-") + i;
            out.add(request("globex-" + i, "globex", local + "@" + domain));
            if (i < from + good) {
                out.add(transactional("acme-" + i, "acme", "reader-" + i + "@" + domain));
                out.add(transactional("initech-" + i, "initech", "reader-" + i + "@" + domain));
            }
        }
        return out;
    }

    /**
     * The good tenants' mail is transactional (no List-Unsubscribe): the local stack's providers
     * complain about 0.02% of the marketing mail they accept, at random, and with min-attempts 500
     * one complaint is at least 0.2% of the first 500 attempts, so a clean marketing list would be
     * quarantined for a random complaint, which is not this test's case.
     */
    private static SendRequest transactional(String id, String tenant, String recipient) {
        SendRequest r = request(id, tenant, recipient);
        r.setPriority(Priority.TRANSACTIONAL);
        // The providers take mail with a List-Unsubscribe header for marketing.
        r.setUnsubscribeUrl(null);
        return r;
    }

    private static Map<String, DeliveryEvent> finals(List<SendRequest> requests) {
        return ReputationScenarios.finals(
                stack,
                requests.stream().map(SendRequest::getMessageId).toList(),
                Duration.ofSeconds(60));
    }

    private static boolean quarantinesGlobex(Decided d) {
        return byJob(d)
                && d.event().getType() == ControlType.TENANT_STATUS
                && d.event().getTenantStatus() == TenantStatus.QUARANTINED
                && "globex".equals(d.event().getTenant());
    }

    private static List<ReceivedMessage> from(List<ReceivedMessage> received, String tenant) {
        // The VERP return path is at bounces.<from domain>.
        String domain = "." + tenant + ".example";
        return received.stream().filter(m -> m.mailFrom().endsWith(domain)).toList();
    }

    private static String ip(ReceivedMessage m) {
        return m.clientAddress().getHostAddress();
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "0%" : String.format("%.2f%%", 100.0 * part / whole);
    }
}
