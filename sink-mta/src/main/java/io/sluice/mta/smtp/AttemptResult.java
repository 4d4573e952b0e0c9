package io.sluice.mta.smtp;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one delivery attempt came to: the outcome, the stage it reached, and the server's reply as
 * it was given. The reply text is kept verbatim: the providers put the real reason there.
 */
public record AttemptResult(
        Outcome outcome,
        SmtpStage stage,
        int replyCode,
        String enhancedStatus,
        String replyText,
        String mxHost,
        String sendingIp,
        Duration latency,
        boolean tls) {

    /** Whether the message got through, should be tried again, or never will. */
    public enum Outcome {
        DELIVERED,
        TEMPORARY_FAILURE,
        PERMANENT_FAILURE
    }

    // RFC 3463 section 2: class "." subject "." detail, at the start of the text after the code.
    private static final Pattern ENHANCED =
            Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

    /** The RFC 3463 status at the start of {@code text}, if the server sent one. */
    public static Optional<String> enhancedStatusOf(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = ENHANCED.matcher(text.strip());
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    /** The outcome a reply code means: 2xx delivered, 4xx temporary, 5xx permanent. */
    public static Outcome outcomeOf(int replyCode) {
        if (replyCode >= 200 && replyCode < 300) {
            return Outcome.DELIVERED;
        }
        return replyCode >= 500 ? Outcome.PERMANENT_FAILURE : Outcome.TEMPORARY_FAILURE;
    }
}
