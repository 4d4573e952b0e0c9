package io.sluice.bounce.arf;

import java.util.List;

/**
 * A complaint about a message we sent (RFC 5965 section 3.1 fields, or the same facts read from a
 * provider's own format).
 *
 * @param format {@code arf}, {@code jmrp} (Microsoft), {@code ses-json} (Amazon SES notification)
 * @param feedbackType abuse, fraud, virus, other, not-spam, auth-failure, opt-out (RFC 5965 section
 *     7.3)
 * @param originalRecipients every Original-Rcpt-To (RFC 5965 section 3.2 allows several); may be
 *     empty
 * @param sourceIp the Source-IP field, or ""
 * @param originalMailFrom the Original-Mail-From field, or ""
 * @param originalMessageId the Message-ID of the reported message when it is enclosed, or ""
 * @param reportedDomain the Reported-Domain field, or ""
 * @param originalReturnPath the Return-Path of the enclosed original (Sluice's VERP address when
 *     the provider kept it), or ""
 * @param originalFeedbackId the Feedback-ID header of the enclosed original ({@code
 *     campaign:tenant:mailtype:sender}, Gmail's convention), or ""
 */
public record FeedbackReport(
        boolean report,
        String format,
        String feedbackType,
        List<String> originalRecipients,
        List<String> enclosedRecipients,
        String sourceIp,
        String originalMailFrom,
        String originalMessageId,
        String reportedDomain,
        String originalReturnPath,
        String originalFeedbackId) {

    public FeedbackReport {
        originalRecipients = List.copyOf(originalRecipients);
        enclosedRecipients = List.copyOf(enclosedRecipients);
    }

    /** Who complained: the Original-Rcpt-To fields, else the enclosed original's To. */
    public List<String> recipients() {
        return originalRecipients.isEmpty() ? enclosedRecipients : originalRecipients;
    }

    public static FeedbackReport notAReport(String why) {
        return new FeedbackReport(
                false, "not a report: " + why, "", List.of(), List.of(), "", "", "", "", "", "");
    }
}
