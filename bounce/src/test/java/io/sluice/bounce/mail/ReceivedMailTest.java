package io.sluice.bounce.mail;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReceivedMailTest {

    @Test
    void unfoldsEveryShortValueAsMimeUtilityDoes() {
        // Every string of up to 7 characters over those unfolding looks at.
        char[] alphabet = {'a', '\\', '\r', '\n', ' ', '\t'};
        for (int length = 0; length <= 7; length++) {
            int count = (int) Math.pow(alphabet.length, length);
            for (int n = 0; n < count; n++) {
                StringBuilder s = new StringBuilder();
                for (int i = 0, rest = n; i < length; i++, rest /= alphabet.length) {
                    s.append(alphabet[rest % alphabet.length]);
                }
                String value = s.toString();

                assertThat(ReceivedMail.unfold(value))
                        .as("%s", value.replace("\r", "\\r").replace("\n", "\\n"))
                        .isEqualTo(MimeUtility.unfold(value));
            }
        }
    }

    @Test
    void readsAHeaderFoldedOverTwentyThousandLines() {
        String message =
                "From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail\n"
                        + " part\n".repeat(20_000)
                        + "\tend\nTo: a@example.com\n\nbody\n";

        ReceivedMail mail = ReceivedMail.read(message.getBytes(StandardCharsets.US_ASCII));

        assertThat(mail.header("Subject"))
                .isEqualTo("Undelivered Mail" + " part".repeat(20_000) + "\tend");
        assertThat(mail.header("To")).isEqualTo("a@example.com");
        assertThat(mail.humanText()).isEqualTo("body\n\n");
    }
}
