package io.sluice.delivery.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RateTest {

    @ParameterizedTest
    @CsvSource({
        "20/s,       20.0,       20/s",
        "100/min,    1.6666667,  100/min",
        "1/minute,   0.0166667,  1/min",
        "500/h,      0.1388889,  500/h",
        "86400/day,  1.0,        86400/day",
        "' 10 / s ', 10.0,       10/s",
    })
    void parsesWhatPeopleWrite(String text, double perSecond, String shown) {
        Rate r = Rate.parse(text);
        assertThat(r.perSecond()).isCloseTo(perSecond, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r).hasToString(shown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"500", "500/hr", "500/week", "0/s", "-1/s", "fast", "1.5/s", "/s", ""})
    void refusesAnythingElseSayingWhatWasExpected(String text) {
        assertThatThrownBy(() -> Rate.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + text + "\"")
                .hasMessageContaining("expected N/s, N/min, N/h or N/day");
    }
}
