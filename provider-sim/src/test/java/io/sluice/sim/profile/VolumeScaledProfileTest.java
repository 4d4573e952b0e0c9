package io.sluice.sim.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.sim.policy.MovableClock;
import io.sluice.sim.policy.ProviderPolicy;
import io.sluice.sim.policy.Refusal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A provider at 1/V of the volume keeps the shape of its limits: the same story, V times smaller.
 */
class VolumeScaledProfileTest {

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    private static final String IP = "192.0.2.10";
    private static final String DOMAIN = "acme.example";

    @ParameterizedTest
    @CsvSource({"500/h, 20, 25/h", "500/h, 50, 10/h", "1000/h, 3, 333/h", "10/h, 20, 1/PT2H"})
    void aRateIsDividedAndBelowOneMessageItsPeriodLengthens(
            String rate, double divisor, String expected) {
        Rate r = Rate.parse(rate).orElseThrow().divided(divisor);
        assertThat(r.toString()).isEqualTo(expected);
    }

    @Test
    void ratesAndTierThresholdsAreDividedAndTheVolumeDrivenScoreMovesMultiplied() {
        ProviderProfile gmail = ProviderProfiles.named("gmail-like");
        ProviderProfile scaled = gmail.volumeScaled(50);

        assertThat(scaled.rates().get(IpTier.NEW).toString()).isEqualTo("10/h");
        assertThat(scaled.rates().get(IpTier.WARMING).toString()).isEqualTo("40/h");
        assertThat(scaled.rates().get(IpTier.ESTABLISHED).toString()).isEqualTo("400/h");
        assertThat(scaled.warmingAfter()).isEqualTo(100);
        assertThat(scaled.establishedAfter()).isEqualTo(1000);
        assertThat(scaled.reputation().cleanGain()).isEqualTo(gmail.reputation().cleanGain() * 50);
        assertThat(scaled.reputation().overLimitPenalty())
                .isEqualTo(gmail.reputation().overLimitPenalty() * 50);
        // Chance events per message are not multiplied (one complaint would block an IP).
        assertThat(scaled.reputation().complaintPenalty())
                .isEqualTo(gmail.reputation().complaintPenalty());
        assertThat(scaled.reputation().unknownUserPenalty())
                .isEqualTo(gmail.reputation().unknownUserPenalty());
        assertThat(gmail.volumeScaled(1)).isSameAs(gmail);
        assertThatThrownBy(() -> gmail.volumeScaled(0.5)).hasMessageContaining("expected >= 1");
    }

    /**
     * The shape kept: a new IP that blasts 4x its hourly allowance at once ends blocked at full
     * volume and at 1/50, after the same share of its blast (three tenths).
     */
    @ParameterizedTest
    @CsvSource({"1", "50"})
    void aBlastFromANewIpEndsBlockedAtEveryScale(double divisor) {
        ProviderProfile gmail = ProviderProfiles.named("gmail-like").volumeScaled(divisor);
        ProviderPolicy policy = new ProviderPolicy(gmail, new MovableClock(T0));
        long blast = 4 * gmail.rates().get(IpTier.NEW).messages();

        long accepted = 0;
        long blockedAt = -1;
        for (long i = 0; i < blast; i++) {
            Optional<Refusal> r = policy.mail(IP, DOMAIN, 0);
            if (r.isEmpty()) {
                policy.accepted(IP, DOMAIN);
                accepted++;
            } else if (r.get().kind() == ReplyKind.BLOCKED && blockedAt < 0) {
                blockedAt = i;
            }
        }

        assertThat(accepted).isEqualTo(gmail.rates().get(IpTier.NEW).messages());
        assertThat(blockedAt).isPositive();
        assertThat((double) blockedAt / blast).isBetween(0.25, 0.35);
        assertThat(policy.ipStanding(IP).blockedUntil()).isPresent();
    }

    @Test
    void anIpWithAHistoryIsEstablishedAndInTheInbox() {
        ProviderProfile gmail = ProviderProfiles.named("gmail-like").volumeScaled(50);
        ProviderPolicy policy = new ProviderPolicy(gmail, new MovableClock(T0));

        policy.history(IP, gmail.establishedAfter());

        assertThat(policy.ipStanding(IP).tier()).isEqualTo(IpTier.ESTABLISHED);
        assertThat(policy.ipStanding(IP).score()).isEqualTo(100);
        // An established IP takes a blast its new neighbours could not.
        for (int i = 0; i < 200; i++) {
            assertThat(policy.mail(IP, DOMAIN, 0)).isEmpty();
            policy.accepted(IP, DOMAIN);
        }
        assertThat(Duration.ofHours(1)).isEqualTo(gmail.rates().get(IpTier.ESTABLISHED).per());
    }
}
