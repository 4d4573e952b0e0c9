package io.sluice.delivery.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShapingRulesTest {

    private static final String FILE =
            """
            # a comment
            google    connections=5 per-connection=50 shards=4   # trailing comment
            default   rate=50/s floor=0.1
            google/192.0.2.10   rate=500/h
            default/192.0.2.99  rate=1/s
            """;

    @ParameterizedTest
    @CsvSource({
        // site,          ip,          rate,   connections, per-connection, shards, floor
        "google,          192.0.2.1,   50/s,   5,           50,             4,      0.1",
        "google,          192.0.2.10,  500/h,  5,           50,             4,      0.1",
        "smallisp.test,   192.0.2.10,  50/s,   10,          100,            1,      0.1",
        "smallisp.test,   192.0.2.99,  1/s,    10,          100,            1,      0.1",
    })
    void siteLinesInheritTheDefaultAndIpLinesTheirSite(
            String site,
            String ip,
            String rate,
            int connections,
            int perConnection,
            int shards,
            double floor) {
        SiteRule r = ShapingRules.parse("test.rules", FILE).at(site, ip);
        assertThat(r.rate()).isEqualTo(Rate.parse(rate));
        assertThat(r.connections()).isEqualTo(connections);
        assertThat(r.perConnection()).isEqualTo(perConnection);
        assertThat(r.shards()).isEqualTo(shards);
        assertThat(r.floor()).isEqualTo(floor);
    }

    @Test
    void theShippedRulesLoadAndSpreadGoogleOverShards() {
        ShapingRules rules = ShapingRules.defaults();
        assertThat(rules.shards("google")).isEqualTo(4);
        assertThat(rules.site("google").perConnection()).isEqualTo(50);
        assertThat(rules.site("yahoo").perConnection()).isEqualTo(20);
        assertThat(rules.site("unknown.example").rate()).isEqualTo(Rate.parse("100/s"));
        assertThat(rules.site("unknown.example").deadProbeMax())
                .isEqualTo(Duration.ofSeconds(4000));
        // 80% of a new IP's hourly allowance while it warms up: Gmail 500/h, Outlook 1,000/h.
        assertThat(rules.site("google").coldRate()).isEqualTo(Rate.parse("400/h"));
        assertThat(rules.site("yahoo").coldRate()).isEqualTo(Rate.parse("400/h"));
        assertThat(rules.site("microsoft").coldRate()).isEqualTo(Rate.parse("800/h"));
        assertThat(rules.site("yahoo").connections()).isEqualTo(5);
        assertThat(rules.site("unknown.example").coldRate()).isNull();
    }

    @Test
    void theColdRateIsInheritedScaledWithTheRateAndGoneWhenUnshaped() {
        ShapingRules rules =
                ShapingRules.parse(
                        "r", "default rate=100/s cold-rate=500/h\ngoogle connections=5\n");
        assertThat(rules.site("google").coldRate()).isEqualTo(Rate.parse("500/h"));
        assertThat(rules.site("google").rateFor(true)).isEqualTo(Rate.parse("500/h"));
        assertThat(rules.site("google").rateFor(false)).isEqualTo(Rate.parse("100/s"));
        assertThat(
                        rules.volumeScaled(new io.sluice.delivery.VolumeScale(100))
                                .site("google")
                                .coldRate())
                .isEqualTo(Rate.parse("5/h"));
        assertThat(
                        rules.timeScaled(new io.sluice.delivery.TimeScale(1440))
                                .site("google")
                                .coldRate()
                                .perSecond())
                .isCloseTo(200.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rules.unshaped(100).site("google").rateFor(true).perSecond())
                .isEqualTo(1_000_000.0);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "google rate=500/hr | line 1: rate \"500/hr\" -- expected N/s, N/min, N/h or N/day",
                "google speed=5 | line 1: unknown key \"speed\" -- expected one of rate,",
                "google rate | line 1: \"rate\" -- expected key=value",
                "google connections=0 | line 1: \"0\" -- expected a whole number > 0",
                "google decrease=1.5 | line 1: \"1.5\" -- expected a fraction 0 < f < 1",
                "google pause=2 hours | line 1: duration \"2\" -- expected N with ms, s, m, h or d",
                "google pause=2x | line 1: duration \"2x\" -- expected N with ms, s, m, h or d",
                "Goo_gle rate=1/s | line 1: \"Goo_gle\" -- expected a site name",
                "google/mx.example rate=1/s | line 1: \"google/mx.example\" -- expected site/sending-ip",
                "google/192.0.2.1 shards=2 | line 1: shards applies to a whole site",
                "google dead-probe=10m dead-probe-max=5m | line 1: dead-probe-max is below dead-probe",
            })
    void badLinesAreReportedWithFileLineAndWhatWasExpected(String line, String message) {
        assertThatThrownBy(() -> ShapingRules.parse("my-shaping.rules", line))
                .isInstanceOf(ShapingFileException.class)
                .hasMessageStartingWith("my-shaping.rules " + message.substring(0, 8))
                .hasMessageContaining(message);
    }

    @Test
    void aSiteTwiceIsAnErrorNamingBothLines() {
        assertThatThrownBy(
                        () -> ShapingRules.parse("s.rules", "google rate=1/s\n\ngoogle rate=2/s"))
                .hasMessage(
                        "s.rules line 3: \"google\" again (first on line 1) -- expected one line"
                                + " each");
    }
}
