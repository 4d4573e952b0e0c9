package io.sluice.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class ScenarioTest {

    static final java.util.List<String> SHIPPED = Scenario.SHIPPED;

    @ParameterizedTest
    @FieldSource("SHIPPED")
    void everyShippedScenarioReadsAndSaysWhatItExpects(String name) {
        Scenario sc = Scenario.load(name);
        assertThat(sc.name()).isEqualTo(name);
        assertThat(sc.description()).isNotBlank();
        assertThat(sc.traffic()).isNotEmpty();
        assertThat(sc.expectations()).extracting(Scenario.Expectation::metric).contains("lost");
    }

    @Test
    void theBadTenantScenarioNamesItsDirtyList() {
        Scenario sc = Scenario.load("bad-tenant");
        assertThat(sc.timeScale()).isEqualTo(1440);
        Scenario.Traffic globex =
                sc.traffic().stream().filter(t -> t.tenant().equals("globex")).findFirst().get();
        assertThat(globex.unknown()).isEqualTo(0.10);
        assertThat(globex.complaining()).isEqualTo(0.02);
        assertThat(sc.expectations())
                .anySatisfy(
                        x -> {
                            assertThat(x.tenant()).isEqualTo("globex");
                            assertThat(x.metric()).isEqualTo("quarantined");
                            assertThat(x.holds(1)).isTrue();
                            assertThat(x.holds(0)).isFalse();
                        });
    }

    @Test
    void aBlockEventCarriesTheProvidersReply() {
        Scenario.Event e = Scenario.load("ip-blocked").events().get(0);
        assertThat(e.day()).isEqualTo(1.0);
        assertThat(e.ip()).isEqualTo("127.0.0.11");
        assertThat(e.reply()).startsWith("421 4.7.0 [TSS09] All messages from {ip}");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "days 0|s.scenario:2: \"days 0\" -- expected days N (1.0 to 365.0)",
                "traffic acme lots|s.scenario:2: \"traffic acme lots\" -- expected traffic TENANT"
                        + " N/day",
                "traffic acme 10/day unknown=10|s.scenario:2: \"unknown=10\" -- expected a share"
                        + " like 10%",
                "expect delivered ~ 99|s.scenario:2: \"expect delivered ~ 99\" -- expected"
                        + " [TENANT.]METRIC OP NUMBER",
                "expect speed >= 1|s.scenario:2: \"expect speed >= 1\" -- expected",
                "event 1 explode 127.0.0.1 gmail-like|s.scenario:2: \"event 1 explode",
                "option retries 3|s.scenario:2: \"option retries 3\" -- expected option"
                        + " sluice.KEY VALUE",
                "wobble 3|s.scenario:2: \"wobble\" -- expected description, base, days,",
                "volume-scale 0.5|s.scenario:2: \"volume-scale 0.5\" -- expected volume-scale"
                        + " DIVISOR (1.0 to 10000.0)",
                "sending-ips 11 warm|s.scenario:2: \"sending-ips 11 warm\" -- expected"
                        + " sending-ips [W warm] [N new]",
                "sending-ips 2 hot|s.scenario:2: \"sending-ips 2 hot\" -- expected sending-ips",
                "sending-ips 2 new 3 new|s.scenario:2: \"sending-ips 2 new 3 new\" -- expected",
                "traffic acme 10/day growth=3%|s.scenario:2: \"growth=3%\" -- expected a growth"
                        + " like growth=12%/day",
                "traffic acme 10/day campaign=24|s.scenario:2: \"campaign=24\" -- expected"
                        + " campaign=HOUR, an hour from 0 to 23",
            })
    void aBadLineIsReportedWithFileAndLine(String line, String message) {
        assertThatThrownBy(
                        () ->
                                Scenario.parse(
                                        "s", "s.scenario", "traffic acme 10/day\n" + line + "\n"))
                .isInstanceOf(Scenario.ScenarioFileException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void aScenarioWithoutTrafficIsRefusedAndAnUnknownNameListsTheShippedOnes() {
        assertThatThrownBy(() -> Scenario.parse("s", "s.scenario", "days 3\n"))
                .hasMessageContaining("no traffic line");
        assertThatThrownBy(() -> Scenario.load("no-such-scenario"))
                .hasMessageContaining(
                        "expected one of [new-ips, bad-tenant, ip-blocked, key-compromised,"
                                + " warmup, naive, campaign, campaign-unshaped]");
    }

    @Test
    void theSummaryLineKeepsItsContractFormat() {
        Figures f = new Figures(1000, 990, 985, 5, 1, 0, 0, 0, 0, 0, 0, 2.1);
        assertThat(f.line("warmup"))
                .isEqualTo(
                        "simulate warmup: messages=1000 delivered=99.0% inboxed=99.5% bounced=0.5%"
                                + " complaints=0.10% blocks=0 duplicates=0 lost=0 days=2.1");
    }

    @Test
    void sendingIpsMakeAPoolOfWarmAndNewIpsAndTellTheProvidersWhichAreWarm() {
        Scenario sc =
                Scenario.parse(
                        "s", "s.scenario", "sending-ips 2 warm 3 new\ntraffic acme 10/day\n");
        assertThat(sc.options())
                .containsEntry(
                        "sluice.sending-ips",
                        "shared/127.0.0.10/mta10.sluice.test;shared/127.0.0.11/mta11.sluice.test;"
                                + "shared/127.0.0.30/mta30.sluice.test;"
                                + "shared/127.0.0.31/mta31.sluice.test;"
                                + "shared/127.0.0.32/mta32.sluice.test;"
                                + "quarantine/127.0.0.20/mta20.sluice.test")
                .containsEntry("sluice.reputation.new-ips", "127.0.0.30;127.0.0.31;127.0.0.32")
                .containsEntry("sluice.local.provider-established-ips", "127.0.0.10;127.0.0.11");
        Scenario onlyNew =
                Scenario.parse("s", "s.scenario", "sending-ips 10 new\ntraffic acme 10/day\n");
        assertThat(onlyNew.options())
                .doesNotContainKey("sluice.local.provider-established-ips")
                .containsEntry(
                        "sluice.reputation.new-ips",
                        String.join(
                                ";",
                                java.util.stream.IntStream.range(30, 40)
                                        .mapToObj(i -> "127.0.0." + i)
                                        .toList()));
    }

    @Test
    void theVolumeScaleIsOneSettingForSluiceAndTheProviders() {
        Scenario sc = Scenario.parse("s", "s.scenario", "volume-scale 50\ntraffic acme 10/day\n");
        assertThat(sc.options()).containsEntry("sluice.volume-scale", "50.0");
    }

    @ParameterizedTest
    @CsvSource({
        // perDay, growth %, campaign hour, day, hour, expected in that hour
        "450, 3, 8, 0, 8, 450",
        "450, 3, 8, 0, 9, 0",
        "450, 3, 8, 1, 8, 464",
        "450, 3, 8, 29, 8, 1060",
        "240, 0, -1, 5, 0, 10",
        "100, 0, -1, 0, 23, 5",
    })
    void trafficGrowsDayByDayAndACampaignGoesOutInItsHour(
            int perDay, double growth, int hour, int day, int at, int expected) {
        String line =
                "traffic acme "
                        + perDay
                        + "/day growth="
                        + growth
                        + "%/day"
                        + (hour >= 0 ? " campaign=" + hour : "");
        Scenario.Traffic t = Scenario.parse("s", "s.scenario", line).traffic().get(0);
        assertThat(t.inHour(day, at)).isEqualTo(expected);
        int sum = 0;
        for (int h = 0; h < 24; h++) {
            sum += t.inHour(day, h);
        }
        assertThat(sum).isEqualTo(t.onDay(day));
    }

    @Test
    void naiveRunsTheWarmupTrafficWithSluicesPoliciesSwitchedOff() {
        Scenario warmup = Scenario.load("warmup");
        Scenario naive = Scenario.load("naive");
        assertThat(naive.traffic()).isEqualTo(warmup.traffic());
        assertThat(naive.days()).isEqualTo(warmup.days());
        assertThat(naive.timeScale()).isEqualTo(warmup.timeScale());
        assertThat(naive.options())
                .containsAllEntriesOf(warmup.options())
                .containsEntry("sluice.shaping.enabled", "false")
                .containsEntry("sluice.warmup.enabled", "false")
                .containsEntry("sluice.reputation.enabled", "false");
        assertThat(warmup.options())
                .containsEntry("sluice.volume-scale", "100.0")
                .doesNotContainKeys(
                        "sluice.shaping.enabled",
                        "sluice.warmup.enabled",
                        "sluice.reputation.enabled");
        assertThat(warmup.options().get("sluice.reputation.new-ips").split(";")).hasSize(10);
        assertThat(naive.expectations())
                .extracting(Scenario.Expectation::text)
                .contains("blocks > 0")
                .doesNotContain("blocks = 0");
    }
}
