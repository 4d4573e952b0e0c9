package io.sluice.bounce.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlTextTest {

    // The patterns HtmlText applied before it scanned the text itself: they define what it does,
    // and each one tried at every '<' ran its whole bounded length when no '>' followed.
    private static final Pattern STYLE =
            Pattern.compile("(?is)<(style|script)[^>]{0,200}>.{0,20000}?</(style|script)>");
    private static final Pattern BREAKS = Pattern.compile("(?i)<(br|/p|/div|/tr|/li)[^>]{0,200}>");
    private static final Pattern TAGS = Pattern.compile("<[^>]{0,2000}>");

    @Test
    void dropsTagsStylesAndScriptsKeepsLineBreaksAndUndoesEntities() {
        String html =
                "<html><head><STYLE type=\"text/css\">p { color: red }</style></head><body>"
                        + "<p>Delivery to &lt;a@example.com&gt; failed:</P><BR/>550 5.1.1"
                        + " user&nbsp;unknown<script>alert(1)</SCRIPT></body></html>";

        assertThat(HtmlText.strip(html))
                .isEqualTo(
                        "      Delivery to <a@example.com> failed:\n\n550 5.1.1 user unknown   ");
    }

    @Test
    void readsAsThePatternsItReplacedOnRandomMarkup() {
        List<String> pieces =
                List.of(
                        "<",
                        ">",
                        "a",
                        "\n",
                        "<br",
                        "</P",
                        "<style",
                        "</style>",
                        "<SCRIPT x>",
                        "</script>",
                        " ".repeat(150),
                        "y".repeat(1200),
                        "z".repeat(12_000));
        Random random = new Random(8);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder html = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                html.append(pieces.get(random.nextInt(pieces.size())));
            }
            String s = html.toString();
            String expected =
                    TAGS.matcher(BREAKS.matcher(STYLE.matcher(s).replaceAll(" ")).replaceAll("\n"))
                            .replaceAll(" ");

            assertThat(HtmlText.strip(s)).as(s).isEqualTo(expected);
        }
    }

    @Test
    void tagsThatNeverCloseAreLeftAsText() {
        String lessThans = "<".repeat(64 * 1024);
        String unclosedStyles = "<style>".repeat(10_000);
        String breaks = "<br".repeat(20_000);

        assertThat(HtmlText.strip(lessThans)).isEqualTo(lessThans);
        assertThat(HtmlText.strip(unclosedStyles)).isEqualTo(" ".repeat(10_000));
        assertThat(HtmlText.strip(breaks)).isEqualTo(breaks);
        assertThat(HtmlText.strip("<style>".repeat(2_000) + "</style>")).isEqualTo(" ");
    }
}
