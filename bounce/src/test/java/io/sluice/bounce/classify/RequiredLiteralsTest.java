package io.sluice.bounce.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RequiredLiteralsTest {

    @Test
    void alternativesAndOptionalPartsMultiplyIntoLiterals() {
        assertThat(
                        RequiredLiterals.of(Pattern.compile("mailbox (is )?full|over ?quota"))
                                .literals())
                .containsExactlyInAnyOrder(
                        "mailbox full", "mailbox is full", "over quota", "overquota");
    }

    @Test
    void caseInsensitivePatternsHaveLowerCaseLiteralsAndFoldTheText() {
        RequiredLiterals r = RequiredLiterals.of(Pattern.compile("(?i)Final-Recipient:"));
        assertThat(r.literals()).containsExactly("final-recipient:");
        assertThat(r.mayMatch("FINAL-RECIPIENT: rfc822; a@b")).isTrue();
        RequiredLiterals flag =
                RequiredLiterals.of(
                        Pattern.compile("\"notificationType\"", Pattern.CASE_INSENSITIVE));
        assertThat(flag.mayMatch("\"NOTIFICATIONTYPE\"")).isTrue();
    }

    @Test
    void unsupportedSyntaxKnowsNothing() {
        assertThat(RequiredLiterals.of(Pattern.compile("(?<=\\S )abc")).unconstrained()).isTrue();
        assertThat(RequiredLiterals.of(Pattern.compile("a|b*")).unconstrained()).isTrue();
        assertThat(RequiredLiterals.of(Pattern.compile("x", Pattern.UNICODE_CASE)).unconstrained())
                .isTrue();
    }

    /** find() answers exactly as Matcher.find() on random texts built from the patterns' words. */
    @Test
    void findAgreesWithTheRegexEverywhere() {
        List<Pattern> patterns =
                List.of(
                        Pattern.compile("\\bspam\\b|account .{0,40}(disabled|inactive)"),
                        Pattern.compile("^user unknown$|(?:no such|bad) (user|mailbox)"),
                        Pattern.compile("(?im)^[ \\t>]*(from|sender):.*$"),
                        Pattern.compile("host .{0,6}not found|[45]\\d\\d rate"),
                        Pattern.compile("(?i)could not be delivered|\\bbad\\b.{0,3}user"));
        List<String> words =
                List.of(
                        "spam",
                        "spams",
                        "account",
                        "disabled",
                        "user",
                        "unknown",
                        "no such",
                        "bad",
                        "mailbox",
                        "from:",
                        "Sender:",
                        "host",
                        "not found",
                        "550",
                        "421",
                        "rate",
                        "Could Not",
                        "be delivered",
                        " ",
                        " ",
                        "\n",
                        "x",
                        "é",
                        "\uD83D\uDE00",
                        ">");
        Random random = new Random(1);
        for (int t = 0; t < 20_000; t++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0, n = random.nextInt(120); w < n; w++) {
                text.append(words.get(random.nextInt(words.size())));
                if (random.nextInt(3) == 0) {
                    text.append(' ');
                }
            }
            String s = text.toString();
            for (Pattern p : patterns) {
                assertThat(RequiredLiterals.of(p).find(s))
                        .as(p + " on " + s)
                        .isEqualTo(p.matcher(s).find());
            }
        }
    }

    @Test
    void everyShippedRuleIsAnalysed() {
        BounceClassifier classifier = BounceClassifier.fromClasspath();
        assertThat(classifier).isNotNull();
        List<String> loose = new ArrayList<>();
        for (String file : List.of("generic.rules", "google.rules", "microsoft.rules")) {
            String text = readRules(file);
            for (ReplyRule rule : ReplyRuleParser.parse(file, text)) {
                if (rule.text().isPresent()
                        && RequiredLiterals.of(rule.text().get()).unconstrained()) {
                    loose.add(rule.origin());
                }
            }
        }
        assertThat(loose).as("rules whose regex runs on every text").isEmpty();
    }

    private static String readRules(String file) {
        try (var in =
                BounceClassifier.class.getResourceAsStream("/io/sluice/bounce/rules/" + file)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
