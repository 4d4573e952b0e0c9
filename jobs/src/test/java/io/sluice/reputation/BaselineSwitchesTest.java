package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.VolumeScale;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The warm-up at a fraction of the volume, and the switches that take it and the job out. */
class BaselineSwitchesTest {

    @Test
    void thePlanAtAFractionOfTheVolumeKeepsItsStepsAndAtLeastOneMessage() {
        WarmupPlan plan = WarmupPlan.defaults();
        WarmupPlan scaled = plan.volumeScaled(new VolumeScale(50));
        assertThat(scaled.size()).isEqualTo(plan.size());
        assertThat(scaled.steps().subList(0, 6)).containsExactly(2L, 4L, 8L, 12L, 16L, 20L);
        assertThat(scaled.quota(scaled.size() - 1)).isEqualTo(8000);
        assertThat(plan.volumeScaled(new VolumeScale(1000)).quota(0)).isEqualTo(1);
        assertThat(plan.volumeScaled(VolumeScale.REAL)).isSameAs(plan);
    }

    @Test
    void thePolicyOfTheJobIsScaledBySluiceVolumeScale() {
        Configuration c = new Configuration();
        c.set(DeliveryOptions.VOLUME_SCALE, 20.0);
        ReputationPolicy p = ReputationOptions.policy(c);
        assertThat(p.warmup().plan().quota(0)).isEqualTo(5);
        // Not min-attempts: complaint and bounce shares are chance events per message, and a share
        // needs as many attempts at 1/20 as at full volume to mean anything (at 1/50, one clean
        // list's complaint among 400 deliveries quarantined a tenant).
        assertThat(p.rules().minAttempts()).isEqualTo(2000);
    }

    @Test
    void withTheWarmupSwitchedOffNewIpsAreWarmForBothJobs() {
        Configuration c = new Configuration();
        c.set(ReputationOptions.NEW_IPS, List.of("192.0.2.1", "192.0.2.2"));
        assertThat(ReputationOptions.newIps(c)).containsExactly("192.0.2.1", "192.0.2.2");
        assertThat(ReputationOptions.warmupSeeds(c)).hasSize(2 * (1 + 3));

        c.set(ReputationOptions.WARMUP_ENABLED, false);
        assertThat(ReputationOptions.newIps(c)).isEmpty();
        assertThat(ReputationOptions.warmupSeeds(c)).isEmpty();
    }

    @Test
    void theReputationJobRefusesToStartWhenSwitchedOff() {
        assertThatThrownBy(
                        () ->
                                ReputationJob.main(
                                        new String[] {"--sluice.reputation.enabled=false"}))
                .hasMessageContaining("sluice.reputation.enabled is false");
    }
}
