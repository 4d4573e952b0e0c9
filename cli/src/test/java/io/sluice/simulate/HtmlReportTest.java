package io.sluice.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report's charts, drawn from series by hand: what a reader sees in the SVG. */
class HtmlReportTest {

    @Test
    void anHourWithNothingToTakeAShareOfIsAGapNotAFallToZero() {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("inboxed %", new double[] {100, 100, Double.NaN, Double.NaN, 50, 100});
        StringBuilder h = new StringBuilder();

        HtmlReport.chart(h, "Inbox placement", series, 6, "%");

        String svg = h.toString();
        assertThat(Pattern.compile("<polyline").matcher(svg).results().count())
                .as("two stretches of values, two lines")
                .isEqualTo(2);
        assertThat(svg).doesNotContain("NaN");
        // The axis tops at the largest real value, 100%, not at NaN.
        assertThat(svg).contains(">100%</text>");
    }

    @Test
    void aSeriesWithoutGapsIsOneLine() {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("accepted", new double[] {0, 3, 7, 2});
        StringBuilder h = new StringBuilder();

        HtmlReport.chart(h, "Accepted", series, 4, "");

        assertThat(Pattern.compile("<polyline").matcher(h).results().count()).isEqualTo(1);
        assertThat(h.toString()).contains("points=\"50.0,");
    }
}
