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
                "wobble 3|s.scenario:2: \"wobble\" -- expected description, days,",
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
                        "expected one of [new-ips, bad-tenant, ip-blocked, key-compromised]");
    }

    @Test
    void theSummaryLineKeepsItsContractFormat() {
        Figures f = new Figures(1000, 990, 985, 5, 1, 0, 0, 0, 0, 0, 0, 2.1);
        assertThat(f.line("warmup"))
                .isEqualTo(
                        "simulate warmup: messages=1000 delivered=99.0% inboxed=99.5% bounced=0.5%"
                                + " complaints=0.10% blocks=0 duplicates=0 lost=0 days=2.1");
    }
}
