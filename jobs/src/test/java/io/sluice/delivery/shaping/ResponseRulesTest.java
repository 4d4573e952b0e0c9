package io.sluice.delivery.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseRulesTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "none",
            value = {
                // site | reply (real texts, REFERENCE.md and KumoMTA's files) | action | duration |
                // after
                "yahoo | 421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to user complaints | PAUSE | PT2H | 1",
                "yahoo | 421 4.7.0 [TS04] Messages from 192.0.2.10 temporarily deferred | PAUSE | PT2H | 1",
                "yahoo | 421 4.7.0 [TSS05] Messages from 192.0.2.10 temporarily deferred | PAUSE | PT4H | 2",
                "yahoo | 421 4.7.0 [TS03] All messages from 192.0.2.10 will be permanently deferred | LIMIT | PT30M | 3",
                "google | 421 4.7.28 Our system has detected an unusual rate of unsolicited mail | LIMIT | PT30M | 2",
                "microsoft | 550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. ... (S3150) | PAUSE | PT4H | 1",
                "smallisp.example | 421 Messages from 192.0.2.10 temporarily deferred | LIMIT | PT1H30M | 1",
                "google | 550 5.1.1 The email account that you tried to reach does not exist | none | none | 0",
            })
    void shippedRulesActOnTheProvidersReplies(
            String site, String reply, String action, String duration, int after) {
        var rule = ResponseRules.defaults().match(site, reply);
        if (action == null) {
            assertThat(rule).isEmpty();
            return;
        }
        assertThat(rule)
                .hasValueSatisfying(
                        r -> {
                            assertThat(r.action()).hasToString(action);
                            assertThat(r.duration()).hasToString(duration);
                            assertThat(r.count()).isEqualTo(after);
                        });
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "yahoo pause 2h | line 1: \"yahoo pause 2h\" -- expected: site|* action duration",
                "yahoo stop 2h x | line 1: action \"stop\" -- expected throttle, limit=RATE or pause",
                "yahoo limit=5/week 2h x | line 1: rate \"5/week\" -- expected",
                "yahoo pause - x | line 1: pause needs a duration",
                "yahoo pause 2h after=2 x | line 1: threshold \"after=2\" -- expected after=N/PERIOD",
                "yahoo pause 2h [TSS04 | line 1: regex \"[TSS04\" -- Unclosed character class",
                "ya_hoo pause 2h x | line 1: \"ya_hoo\" -- expected a site name or *",
            })
    void badRulesAreReportedWithFileLineAndWhatWasExpected(String line, String message) {
        assertThatThrownBy(() -> ResponseRules.parse("r.rules", line))
                .isInstanceOf(ShapingFileException.class)
                .hasMessageStartingWith("r.rules " + message.substring(0, 7))
                .hasMessageContaining(message);
    }
}
