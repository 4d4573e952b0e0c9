package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WarmupPlanTest {

    @Test
    void theDefaultPlanDoublesFrom100ThenSlowsOverFourWeeks() {
        WarmupPlan plan = WarmupPlan.defaults();
        assertThat(plan.steps()).startsWith(100L, 200L, 400L);
        assertThat(plan.size()).isEqualTo(28);
    }

    @Test
    void theSesLikePlanReaches50000ADayOn45Days() {
        WarmupPlan plan = WarmupPlan.load("classpath:ses-45-day.plan");
        assertThat(plan.size()).isEqualTo(45);
        assertThat(plan.quota(0)).isEqualTo(100);
        assertThat(plan.quota(44)).isEqualTo(50_000);
    }

    @Test
    void acceptsCommentsBlankLinesAndPerDay() {
        WarmupPlan plan = WarmupPlan.parse("p", "# a plan\n\n50/day\n1,000  # a step\n");
        assertThat(plan.steps()).containsExactly(50L, 1000L);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "100\\n50|p line 2: 50 -- expected more than the step before (100): a plan only"
                        + " rises",
                "100\\n100/h|p line 2: \"100/h\" -- expected a daily quota: N or N/day, N > 0",
                "0|p line 1: \"0\" -- expected a daily quota",
                "# nothing|p line 1: no steps -- expected one per line",
            })
    void aBadLineIsReportedWithFileAndLine(String content, String message) {
        assertThatThrownBy(() -> WarmupPlan.parse("p", content.replace("\\n", "\n")))
                .isInstanceOf(RuleFileException.class)
                .hasMessageStartingWith(message);
    }
}
