package io.sluice.delivery.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.classify.BounceClass;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.classify.SmtpReply;
import io.sluice.mta.smtp.SmtpStage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SMTP stage an attempt failed at reaches the classifier as the command the reply answered: a
 * "no such user" without an enhanced status is a dead address at RCPT, and not after DATA.
 */
class ReplyCommandTest {

    private static final BounceClassifier CLASSIFIER = BounceClassifier.fromClasspath();

    @ParameterizedTest
    @CsvSource({"RCPT, HARD", "DATA_END, SOFT"})
    void userUnknownIsHardOnlyInReplyToRcpt(SmtpStage stage, BounceClass expected) {
        SmtpReply reply =
                new SmtpReply(550, "", "No such user here", SmtpDeliveryFunction.commandOf(stage));

        assertThat(CLASSIFIER.classify(reply, "smallisp.example").bounceClass())
                .isEqualTo(expected);
    }
}
