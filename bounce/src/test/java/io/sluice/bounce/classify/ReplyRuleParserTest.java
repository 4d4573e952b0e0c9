package io.sluice.bounce.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyRuleParserTest {

    @Test
    void parsesConditionsAndAction() {
        List<ReplyRule> rules =
                ReplyRuleParser.parse(
                        "t.rules",
                        """
                        # a comment

                        speeding  code=421 status=4.7.x text=/Rate (limit|exceeded) -> not the \\S+/  -> throttle
                        userunknown status=5.1.1
                        """);

        assertThat(rules).hasSize(2);
        ReplyRule first = rules.get(0);
        assertThat(first.reason()).isEqualTo(Reason.SPEEDING);
        assertThat(first.action()).contains(BounceAction.THROTTLE);
        assertThat(first.origin()).isEqualTo("t.rules:3");
        assertThat(
                        first.matches(
                                new SmtpReply(421, "4.7.0", "x"), "rate exceeded -> not the arrow"))
                .isTrue();
        assertThat(first.matches(new SmtpReply(450, "4.7.0", "x"), "rate limit -> not the arrow"))
                .isFalse();
        assertThat(rules.get(1).action()).isEmpty();
        // Patterns are lower-cased outside escapes, so \S keeps its meaning.
        assertThat(first.text().orElseThrow().pattern())
                .isEqualTo("rate (limit|exceeded) -> not the \\S+");
    }

    @Test
    void matchingIgnoresCase() {
        BounceClassifier classifier =
                new BounceClassifier(
                        ReplyRuleParser.parse("t.rules", "blocked text=/Block List/"),
                        java.util.Map.of(),
                        SiteDirectory.parse("s.list", ""));

        assertThat(classifier.match(SmtpReply.parse("554 ON OUR BLOCK LIST"), "")).isPresent();
        assertThat(classifier.match(SmtpReply.parse("554 on our block list"), "")).isPresent();
        assertThat(classifier.match(SmtpReply.parse("554 on our list"), "")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            userunknwn status=5.1.1             | t.rules line 1: reason "userunknwn" -- expected one of
            blocked code=55                     | t.rules line 1: code "55" -- expected three characters
            blocked status=5.7                  | t.rules line 1: status "5.7" -- expected class.subject.detail
            blocked text=/unclosed              | t.rules line 1: text must be a regular expression between slashes
            blocked text=/(/                    | t.rules line 1: text /(/ is not a valid regex
            blocked                             | t.rules line 1: rule for blocked has no condition
            blocked code=550 -> stop            | t.rules line 1: action "stop" -- expected one of
            blocked code=550 -> suppress        | t.rules line 1: action suppress for reason blocked
            blocked host=mx.example.com         | t.rules line 1: condition "host" -- expected code, status, text or command
            blocked command=QUIT                | t.rules line 1: command "QUIT" -- expected one or more of
            """)
    void rejectsMalformedLinesNamingFileLineAndExpectation(String line, String message) {
        assertThatThrownBy(() -> ReplyRuleParser.parse("t.rules", line))
                .isInstanceOf(RuleFileException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void shippedRulesLoad() {
        BounceClassifier classifier = BounceClassifier.fromClasspath();

        assertThat(classifier.sites().siteOf("gmail-smtp-in.l.google.com")).contains("google");
        assertThat(classifier.sites().siteOf("user@hotmail.com")).contains("microsoft");
        assertThat(classifier.sites().siteOf("mx.example.com")).isEmpty();
    }
}
