package io.sluice.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    @Test
    void quotaDaysAreOneRowPerIpAndSiteWithTheDaysOverMarked() {
        List<SimulationRunner.QuotaDay> days = new ArrayList<>();
        for (String ip : List.of("10.0.0.1", "10.0.0.2")) {
            for (String site : List.of("google", "yahoo")) {
                for (long day = 20_000; day < 20_030; day++) {
                    boolean over = ip.equals("10.0.0.2") && site.equals("yahoo") && day == 20_007;
                    long quota = day == 20_000 ? 2 : 40;
                    days.add(
                            new SimulationRunner.QuotaDay(
                                    ip, site, day, quota, over ? 41 : 3, over));
                }
            }
        }
        StringBuilder h = new StringBuilder();

        HtmlReport.quotaDays(h, days);

        String html = h.toString();
        assertThat(Pattern.compile("<tr>").matcher(html).results().count())
                .as("a header and one row per IP and site, not one per quota day")
                .isEqualTo(5);
        assertThat(html).contains("<th>day 30</th>").doesNotContain("<th>day 31</th>");
        assertThat(html).contains("<td class=fail>41/40</td>");
        assertThat(html).contains("<td>3/2</td>", "<td>3/40</td>");
        assertThat(Pattern.compile("class=fail").matcher(html).results().count()).isEqualTo(1);
        assertThat(html).contains("1 day over a quota (120 quota days)");
    }
}
