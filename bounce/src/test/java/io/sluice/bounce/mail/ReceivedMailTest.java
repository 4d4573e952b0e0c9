package io.sluice.bounce.mail;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    private static final String PARTS =
            "--b\nContent-Type: text/plain\n\nNot delivered.\n"
                    + "--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822;"
                    + " a@example.com\nStatus: 5.1.1\n--b--\n";

    @Test
    void guessesAMissingBoundaryFromTheFirstLineThatCanBeOne() {
        // Without a boundary parameter the first line starting with "--" is the boundary, but
        // not one longer than a line may be (998).
        for (String preamble : List.of("", "--boundary".repeat(10_000) + "\n")) {
            String message = "Content-Type: multipart/report\n\n" + preamble + PARTS;

            ReceivedMail mail = ReceivedMail.read(message.getBytes(StandardCharsets.US_ASCII));

            assertThat(mail.parts())
                    .extracting(MailPart::contentType)
                    .containsExactly("text/plain", "message/delivery-status");
            assertThat(mail.humanText()).isEqualTo("Not delivered.\n");
        }
    }

    @Test
    void readsAMultipartWithABoundaryLongerThanALineAsText() {
        String boundary = "a".repeat(60_000);
        String message =
                "Content-Type: multipart/report; boundary=\""
                        + boundary
                        + "\"\n\n--"
                        + boundary
                        + "\n"
                        + PARTS;

        ReceivedMail mail = ReceivedMail.read(message.getBytes(StandardCharsets.US_ASCII));

        assertThat(mail.parts()).extracting(MailPart::contentType).containsExactly("text/plain");
        assertThat(mail.humanText()).endsWith(PARTS + "\n");
    }
}
