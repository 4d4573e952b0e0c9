package io.sluice.bounce.arf;

import io.sluice.bounce.classify.RequiredLiterals;
import io.sluice.bounce.mail.MailPart;
import io.sluice.bounce.mail.ReceivedMail;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a complaint: an RFC 5965 feedback report, a Microsoft JMRP notice (the reported message
 * attached, its recipient in {@code X-HmXmrOriginalRecipient}), or an Amazon SES complaint
 * notification (JSON). Never throws: anything else is "not a report".
 */
public final class FeedbackReportParser {

    private static final Pattern FIELD =
            Pattern.compile("(?m)^([A-Za-z][A-Za-z0-9-]{0,40}):[ \\t]*(.*)$");
    private static final Pattern ADDRESS =
            Pattern.compile("[^\\s<>\"';,:()\\[\\]]{1,256}@[A-Za-z0-9.-]{1,253}");
    private static final Pattern FEEDBACK_TYPE_LINE = Pattern.compile("(?im)^feedback-type:");
    private static final Pattern SES_COMPLAINT =
            Pattern.compile("\"notificationType\"\\s*:\\s*\"Complaint\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern SES_RECIPIENT =
            Pattern.compile("\"emailAddress\"\\s*:\\s*\"([^\"]{1,256})\"");
    private static final Pattern SES_TYPE =
            Pattern.compile("\"complaintFeedbackType\"\\s*:\\s*\"([^\"]{1,64})\"");
    private static final Pattern SES_MESSAGE_ID =
            Pattern.compile("\"messageId\"\\s*:\\s*\"([^\"]{1,256})\"");

    // Case-insensitive patterns run over whole parts: a literal search first rules out the
    // texts that lack their words (RequiredLiterals).
    private static final RequiredLiterals FEEDBACK_TYPE_WORDS =
            RequiredLiterals.of(FEEDBACK_TYPE_LINE);
    private static final RequiredLiterals SES_COMPLAINT_WORDS = RequiredLiterals.of(SES_COMPLAINT);

    /** Reads any bytes; returns "not a report" rather than throwing. */
    public FeedbackReport parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return FeedbackReport.notAReport("empty input");
        }
        try {
            return read(ReceivedMail.read(raw));
        } catch (RuntimeException e) {
            return FeedbackReport.notAReport("unreadable (" + e.getClass().getSimpleName() + ")");
        }
    }

    private FeedbackReport read(ReceivedMail mail) {
        String original = originalHeaders(mail);
        for (MailPart p : mail.partsOfType("message/feedback-report")) {
            if (!p.enclosed()) {
                return fromFields(p.text(), original);
            }
        }
        // Some generators put the RFC 5965 fields in a text part of a non-report multipart.
        for (MailPart p : mail.parts()) {
            if (!p.enclosed()
                    && p.contentType().startsWith("text/")
                    && FEEDBACK_TYPE_WORDS.mayMatch(p.text())
                    && FEEDBACK_TYPE_LINE.matcher(p.text()).find()) {
                return fromFields(p.text(), original);
            }
        }
        String hotmail = field(original, "X-HmXmrOriginalRecipient");
        if (!hotmail.isEmpty()) {
            return new FeedbackReport(
                    true,
                    "jmrp",
                    "abuse",
                    addresses(hotmail),
                    addresses(field(original, "To")),
                    "",
                    "",
                    field(original, "Message-ID"),
                    "",
                    returnPath(original),
                    field(original, "Feedback-ID"));
        }
        String body = mail.humanText();
        if (SES_COMPLAINT_WORDS.mayMatch(body) && SES_COMPLAINT.matcher(body).find()) {
            return sesComplaint(body);
        }
        return FeedbackReport.notAReport("no message/feedback-report part");
    }

    private static FeedbackReport fromFields(String fields, String original) {
        String type = field(fields, "Feedback-Type").toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            return FeedbackReport.notAReport("feedback report without Feedback-Type");
        }
        Set<String> recipients = new LinkedHashSet<>();
        Matcher m = FIELD.matcher(fields);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase("Original-Rcpt-To")) {
                recipients.addAll(addresses(m.group(2)));
            }
        }
        return new FeedbackReport(
                true,
                "arf",
                type.split("[\\s;]")[0],
                new ArrayList<>(recipients),
                addresses(field(original, "To")),
                field(fields, "Source-IP"),
                first(addresses(field(fields, "Original-Mail-From"))),
                field(original, "Message-ID"),
                field(fields, "Reported-Domain"),
                returnPath(original),
                field(original, "Feedback-ID"));
    }

    private static FeedbackReport sesComplaint(String json) {
        Set<String> recipients = new LinkedHashSet<>();
        int at = json.indexOf("complainedRecipients");
        if (at >= 0) {
            int end = json.indexOf(']', at);
            Matcher m = SES_RECIPIENT.matcher(json.substring(at, end < 0 ? json.length() : end));
            while (m.find()) {
                recipients.add(m.group(1));
            }
        }
        Matcher type = SES_TYPE.matcher(json);
        Matcher id = SES_MESSAGE_ID.matcher(json);
        return new FeedbackReport(
                true,
                "ses-json",
                type.find() ? type.group(1).toLowerCase(Locale.ROOT) : "abuse",
                new ArrayList<>(recipients),
                List.of(),
                "",
                "",
                id.find() ? id.group(1) : "",
                "",
                "",
                "");
    }

    /** The header block of the reported message (RFC 5965 section 2, third part), or "". */
    private static String originalHeaders(ReceivedMail mail) {
        for (MailPart p : mail.partsOfType("message/rfc822", "text/rfc822-headers")) {
            String text = p.text();
            int end = text.indexOf("\n\n");
            int endCrlf = text.indexOf("\r\n\r\n");
            if (endCrlf >= 0 && (end < 0 || endCrlf < end)) {
                end = endCrlf;
            }
            return end < 0 ? text : text.substring(0, end);
        }
        return "";
    }

    /** The enclosed original's Return-Path address, without its angle brackets, or "". */
    private static String returnPath(String original) {
        return first(addresses(field(original, "Return-Path")));
    }

    private static String field(String block, String name) {
        Matcher m = FIELD.matcher(block);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(name)) {
                return m.group(2).strip();
            }
        }
        return "";
    }

    private static List<String> addresses(String value) {
        List<String> found = new ArrayList<>();
        Matcher m = ADDRESS.matcher(value);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? "" : values.get(0);
    }
}
