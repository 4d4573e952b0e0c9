package io.sluice.delivery.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.classify.BounceAction;
import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.VolumeScale;
import io.sluice.delivery.intake.Priority;
import io.sluice.delivery.shaping.Feedback.Kind;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Shaping switched off (sluice.shaping.enabled false) and shaping at a fraction of the volume
 * (sluice.volume-scale): the same scheduler, driven by hand as in {@link SiteSchedulerTest}.
 */
class UnshapedSchedulerTest {

    static final long T0 = SiteSchedulerTest.T0;
    static final String SITE = "yahoo";
    static final String A = "192.0.2.1";

    final List<Release> released = new ArrayList<>();
    QueueIndex index = new QueueIndex();
    SitePacing pacing = new SitePacing();
    final HeapQueueStore store = new HeapQueueStore();

    final SiteScheduler shaped =
            SiteSchedulerTest.scheduler(List.of("shared/" + A + "/a.test"), List.of());

    long drain(SiteScheduler s, int messages) {
        for (int i = 0; i < messages; i++) {
            s.enqueue(
                    index,
                    store,
                    SiteSchedulerTest.delivery("m" + i, "acme", Priority.MARKETING, null, 1),
                    Controls.NONE,
                    T0);
        }
        long t = T0;
        long last = T0;
        while (t >= 0) {
            int before = released.size();
            long next =
                    s.release(SITE, 0, index, pacing, store, Controls.NONE, t, 1000, released::add);
            if (released.size() > before) {
                last = t;
            }
            t = next;
        }
        return last - T0;
    }

    void reply(SiteScheduler s, String text, BounceAction action, long at) {
        s.feedback(
                pacing,
                0,
                new Feedback(
                        SITE, A, Kind.REPLY, text, action, Feedback.retryAfterMillis(text), at, 0),
                Controls.NONE,
                at);
    }

    @Test
    void withoutShapingAQueueLeavesAtOnceInsteadOfAtTheRulesRate() {
        // The rules' 10/s spaces 20 messages over 1.9 s; unshaped they leave as fast as the
        // scheduler's millisecond clock ticks.
        long took = drain(shaped, 20);
        assertThat(released).hasSize(20);
        assertThat(took).as("released %s", released.size()).isEqualTo(1_900);
        released.clear();
        index = new QueueIndex();
        pacing = new SitePacing();
        assertThat(drain(shaped.unshaped(32), 20)).isLessThan(20);
        assertThat(released).hasSize(20);
        assertThat(store.entries).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "421 4.7.0 try later|THROTTLE",
                "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred|PAUSE",
                "421 4.7.0 try again in 10 minutes|RETRY",
            })
    void withoutShapingNoReplySlowsOrPausesTheIp(String text, BounceAction action) {
        SiteScheduler off = shaped.unshaped(32);
        reply(off, text, action, T0);
        assertThat(pacing.ip(A)).isNull();
        assertThat(off.adaptive()).isFalse();

        reply(shaped, text, action, T0);
        IpPace pace = pacing.ip(A);
        assertThat(pace).isNotNull();
        assertThat(pace.factor() < 1 || pace.pausedUntil() > T0).isTrue();
    }

    @Test
    void theUnshapedRulesKeepTheShardsAndMessagesPerConnectionAndOpenTheThreadsConnections() {
        ShapingRules rules = ShapingRules.defaults();
        ShapingRules off = rules.unshaped(32);
        for (String site : List.of("google", "yahoo", "microsoft", "example.org")) {
            SiteRule on = rules.site(site);
            SiteRule r = off.site(site);
            assertThat(r.rate().perSecond()).isGreaterThanOrEqualTo(1_000_000);
            assertThat(r.connections()).isEqualTo(32);
            assertThat(r.decrease()).isEqualTo(1.0);
            assertThat(r.shards()).isEqualTo(on.shards());
            assertThat(r.perConnection()).isEqualTo(on.perConnection());
        }
    }

    @Test
    void theSettingSwitchesTheJobsSchedulerOff() {
        Configuration c = new Configuration();
        assertThat(DeliveryOptions.siteScheduler(c).adaptive()).isTrue();
        c.set(DeliveryOptions.SHAPING_ENABLED, false);
        c.set(DeliveryOptions.DELIVERY_THREADS, 16);
        SiteScheduler off = DeliveryOptions.siteScheduler(c);
        assertThat(off.adaptive()).isFalse();
        assertThat(off.rules().site("google").connections()).isEqualTo(16);
    }

    @Test
    void atAFractionOfTheVolumeEveryRateIsDivided() {
        Configuration c = new Configuration();
        c.set(DeliveryOptions.VOLUME_SCALE, 20.0);
        SiteScheduler s = DeliveryOptions.siteScheduler(c);
        // shaping.rules: 100/s by default; at 1/20, 5/s, the connections unchanged.
        assertThat(s.rules().site("example.org").rate()).isEqualTo(Rate.parse("5/s"));
        assertThat(s.rules().site("google").connections()).isEqualTo(5);
        ShapingRules defaults = ShapingRules.defaults();
        assertThat(defaults.volumeScaled(VolumeScale.REAL)).isSameAs(defaults);
    }

    @ParameterizedTest
    @CsvSource({"500/h, 20, 25/h", "100/s, 20, 5/s", "10/min, 20, 1/2min", "1/min, 50, 1/50min"})
    void aRateAtAFractionOfTheVolume(String rate, double scale, String expected) {
        Rate r = Rate.parse(rate).volumeScaled(new VolumeScale(scale));
        assertThat(r.perSecond())
                .isCloseTo(
                        Rate.parse(rate).perSecond() / scale,
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.toString())
                .isEqualTo(expected.replace("2min", "120s").replace("50min", "3000s"));
    }
}
