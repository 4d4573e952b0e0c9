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

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "RCPT | 550 | 5.2.1 | The email account that you tried to reach is disabled. | suspend",
                "RCPT | 550 | 5.1.1 | The email account that you tried to reach does not exist. |"
                        + " userunknown",
                "RCPT | 452 | 4.2.2 | The email account that you tried to reach is over quota. |"
                        + " mailboxfull",
            })
    void theSimulatedProvidersRepliesAtRcptKeepTheirReasons(
            SmtpStage stage, int code, String status, String text, String reason) {
        SmtpReply reply = new SmtpReply(code, status, text, SmtpDeliveryFunction.commandOf(stage));

        assertThat(CLASSIFIER.classify(reply, "google").reason().id()).isEqualTo(reason);
    }
}
