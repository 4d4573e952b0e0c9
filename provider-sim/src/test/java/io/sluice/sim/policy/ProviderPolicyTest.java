package io.sluice.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sim.profile.IpTier;
import io.sluice.sim.profile.ProviderProfile;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.profile.ReplyKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderPolicyTest {

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    private static final String IP = "192.0.2.10";
    private static final String DOMAIN = "acme.example";

    private final MovableClock clock = new MovableClock(T0);

    @ParameterizedTest
    @CsvSource({"gmail-like, 500", "outlook-like, 1000", "yahoo-like, 500", "small-isp, 200"})
    void aNewIpGetsItsHourlyAllowanceAtOnceAndThenTheRateLimitReply(String name, int perHour) {
        ProviderPolicy policy = new ProviderPolicy(ProviderProfiles.named(name), clock);

        int passed = 0;
        Optional<Refusal> first = Optional.empty();
        while (first.isEmpty()) {
            first = policy.mail(IP, DOMAIN, 0);
            if (first.isEmpty()) {
                passed++;
                policy.accepted(IP, DOMAIN);
            }
        }

        assertThat(passed).isEqualTo(perHour);
        assertThat(first.get().kind()).isEqualTo(ReplyKind.RATE_LIMITED);
    }

    @Test
    void blastingIsRateLimitedThenThrottledThenBlockedForTheProfilesPeriod() {
        ProviderProfile gmail = ProviderProfiles.named("gmail-like");
        ProviderPolicy policy = new ProviderPolicy(gmail, clock);

        List<ReplyKind> outcomes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Optional<Refusal> r = policy.mail(IP, DOMAIN, 0);
            outcomes.add(r.map(Refusal::kind).orElse(null));
            if (r.isEmpty()) {
                policy.accepted(IP, DOMAIN);
            }
        }

        // 500 accepted raise the scores from 50 to 60; each refusal takes 0.5: about 60 refusals
        // reach the throttle line (30), 40 more the block line (10).
        List<String> runs = runs(outcomes);
        assertThat(runs).hasSize(4);
        assertThat(runs.get(0)).isEqualTo("accepted x500");
        assertThat(runs.get(1)).isIn("RATE_LIMITED x60", "RATE_LIMITED x61");
        assertThat(runs.get(2)).isIn("THROTTLED x39", "THROTTLED x40");
        assertThat(runs.get(3)).startsWith("BLOCKED x");
        assertThat(policy.ipStanding(IP).blockedUntil()).contains(T0.plus(Duration.ofHours(4)));

        clock.advance(Duration.ofHours(4).minusSeconds(1));
        assertThat(policy.mail(IP, DOMAIN, 0)).map(Refusal::kind).contains(ReplyKind.BLOCKED);
        clock.advance(Duration.ofSeconds(1));
        // Out of the block, under the throttle line: a tenth of the hourly rate.
        assertThat(policy.mail(IP, DOMAIN, 0)).isEmpty();
        assertThat(policy.ipStanding(IP).score()).isLessThan(30);
    }

    @Test
    void aClientKeepingToThePublishedPaceIsNeverRefused() {
        ProviderPolicy policy = new ProviderPolicy(ProviderProfiles.named("gmail-like"), clock);
        Duration pace = Duration.ofMillis(3_600_000 / 500);

        for (int i = 0; i < 5000; i++) {
            assertThat(policy.mail(IP, DOMAIN, 0)).as("message %d", i).isEmpty();
            assertThat(policy.accepted(IP, DOMAIN)).isEqualTo(Folder.INBOX);
            clock.advance(pace);
        }
        assertThat(policy.ipStanding(IP).tier()).isEqualTo(IpTier.WARMING);
        assertThat(policy.ipStanding(IP).score()).isGreaterThan(50);
    }

    @Test
    void aWarmingIpGetsTheWarmingRate() {
        ProviderPolicy policy = new ProviderPolicy(ProviderProfiles.named("gmail-like"), clock);
        Duration pace = Duration.ofMillis(3_600_000 / 500);
        for (int i = 0; i < 5000; i++) {
            policy.mail(IP, DOMAIN, 0);
            policy.accepted(IP, DOMAIN);
            clock.advance(pace);
        }
        clock.advance(Duration.ofHours(1));

        int passed = 0;
        while (policy.mail(IP, DOMAIN, 0).isEmpty()) {
            passed++;
        }
        assertThat(passed).isEqualTo(2000);
    }

    @Test
    void connectionsAndMessagesPerConnectionAreLimitedPerIp() {
        ProviderPolicy policy = new ProviderPolicy(ProviderProfiles.named("gmail-like"), clock);
        for (int i = 0; i < 5; i++) {
            assertThat(policy.connect(IP)).isEmpty();
        }
        assertThat(policy.connect(IP))
                .map(Refusal::text)
                .contains("4.7.0 Try again later, closing connection.");
        assertThat(policy.connect("192.0.2.11")).isEmpty();
        policy.disconnect(IP);
        assertThat(policy.connect(IP)).isEmpty();

        assertThat(policy.mail(IP, DOMAIN, 49)).isEmpty();
        assertThat(policy.mail(IP, DOMAIN, 50))
                .map(Refusal::kind)
                .contains(ReplyKind.TOO_MANY_MESSAGES);
    }

    @Test
    void greylistingRefusesAFirstTimeTripleUntilItsDelayHasPassed() {
        ProviderPolicy policy = new ProviderPolicy(ProviderProfiles.named("small-isp"), clock);
        String rcpt = "ann@smallisp.example";
        for (int i = 0; policy.unknown(rcpt); i++) {
            rcpt = "ann" + i + "@smallisp.example";
        }

        assertThat(policy.recipient(IP, "b@acme.example", DOMAIN, rcpt))
                .map(Refusal::kind)
                .contains(ReplyKind.GREYLISTED);
        clock.advance(Duration.ofMinutes(4));
        assertThat(policy.recipient(IP, "b@acme.example", DOMAIN, rcpt)).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(policy.recipient(IP, "b@acme.example", DOMAIN, rcpt)).isEmpty();
        assertThat(policy.recipient("192.0.2.99", "b@acme.example", DOMAIN, rcpt)).isPresent();
    }

    @Test
    void unknownUsersAreAFixedShareOfAddressesAndLowerReputation() {
        ProviderPolicy policy = new ProviderPolicy(ProviderProfiles.named("gmail-like"), clock);
        long unknown = 0;
        for (int i = 0; i < 20_000; i++) {
            if (policy.unknown("user" + i + "@gmail.com")) {
                unknown++;
            }
        }
        assertThat(unknown).isBetween(300L, 500L); // 2% of 20,000

        String dead = "user0@gmail.com";
        for (int i = 0; !policy.unknown(dead); i++) {
            dead = "user" + i + "@gmail.com";
        }
        double before = policy.domainStanding(DOMAIN).score();
        assertThat(policy.recipient(IP, "b@acme.example", DOMAIN, dead))
                .map(Refusal::text)
                .contains("5.1.1 The email account that you tried to reach does not exist.");
        assertThat(policy.domainStanding(DOMAIN).score()).isEqualTo(before - 0.5);
    }

    @Test
    void complaintsSendMailToSpamAndThenBlock() {
        ProviderPolicy policy = new ProviderPolicy(ProviderProfiles.named("gmail-like"), clock);
        policy.complaint(IP, DOMAIN);
        policy.complaint(IP, DOMAIN);
        policy.complaint(IP, DOMAIN); // 50 - 15 = 35: below the inbox line, above throttle

        assertThat(policy.mail(IP, DOMAIN, 0)).isEmpty();
        assertThat(policy.accepted(IP, DOMAIN)).isEqualTo(Folder.SPAM);

        for (int i = 0; i < 9; i++) {
            policy.complaint(IP, "other.example");
        }
        assertThat(policy.mail("192.0.2.77", "other.example", 0))
                .map(Refusal::kind)
                .contains(ReplyKind.BLOCKED); // the domain's own score blocks it on any IP
    }

    /** Outcomes as runs: {@code accepted x500}, {@code RATE_LIMITED x61}, ... */
    private static List<String> runs(List<ReplyKind> outcomes) {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < outcomes.size()) {
            ReplyKind k = outcomes.get(i);
            int j = i;
            while (j < outcomes.size() && outcomes.get(j) == k) {
                j++;
            }
            runs.add((k == null ? "accepted" : k.name()) + " x" + (j - i));
            i = j;
        }
        return runs;
    }
}
