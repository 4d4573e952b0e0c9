package io.sluice.bounce.dsn;

import io.sluice.bounce.classify.RequiredLiterals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Amazon SES bounce or delivery notification (JSON sent by mail through SNS), read into the same
 * per-recipient fields an RFC 3464 DSN has. Only the few flat fields needed are read, with bounded
 * patterns, so hostile JSON cannot cost more than a linear scan.
 */
final class SesNotification {

    private static final Pattern TYPE =
            Pattern.compile(
                    "\"notificationType\"\\s*:\\s*\"(Bounce|Delivery)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern OBJECT = Pattern.compile("\\{([^{}]{0,4000})\\}");
    private static final Pattern STRING_FIELD =
            Pattern.compile(
                    "\"(emailAddress|action|status|diagnosticCode)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){0,2000})\"");
    private static final Pattern DELIVERY_RECIPIENTS =
            Pattern.compile("\"recipients\"\\s*:\\s*\\[([^\\]]{0,20000})\\]");
    private static final Pattern SMTP_RESPONSE =
            Pattern.compile("\"smtpResponse\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){0,2000})\"");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]{1,512})\"");

    // Most bounces are not SES JSON: a literal search rules that out before the
    // case-insensitive pattern would be tried at every position.
    private static final RequiredLiterals TYPE_WORDS = RequiredLiterals.of(TYPE);

    private SesNotification() {}

    private static String unescape(String json) {
        return json.replace("\\\\", "\u0000").replace("\\\"", "\"").replace("\u0000", "\\");
    }

    /** Per-recipient fields keyed like a DSN's, or an empty list when this is not SES JSON. */
    static List<Map<String, String>> read(String raw) {
        List<Map<String, String>> out = new ArrayList<>();
        // Delivered through SNS, the notification is a JSON string inside the SNS envelope's
        // "Message" field, its quotes escaped.
        String text = raw.contains("\\\"notificationType\\\"") ? unescape(raw) : raw;
        if (!TYPE_WORDS.mayMatch(text)) {
            return out;
        }
        Matcher type = TYPE.matcher(text);
        if (!type.find()) {
            return out;
        }
        if (type.group(1).equalsIgnoreCase("Delivery")) {
            Matcher list = DELIVERY_RECIPIENTS.matcher(text);
            Matcher response = SMTP_RESPONSE.matcher(text);
            String reply = response.find() ? response.group(1) : "";
            if (list.find()) {
                Matcher q = QUOTED.matcher(list.group(1));
                while (q.find()) {
                    Map<String, String> f = new LinkedHashMap<>();
                    f.put("final-recipient", q.group(1));
                    f.put("action", "delivered");
                    f.put("diagnostic-code", reply);
                    out.add(f);
                }
            }
            return out;
        }
        int start = text.indexOf("bouncedRecipients");
        if (start < 0) {
            return out;
        }
        int end = text.indexOf(']', start);
        Matcher objects = OBJECT.matcher(text.substring(start, end < 0 ? text.length() : end));
        while (objects.find()) {
            Map<String, String> f = new LinkedHashMap<>();
            Matcher field = STRING_FIELD.matcher(objects.group(1));
            while (field.find()) {
                String value = field.group(2).replace("\\\"", "\"").replace("\\n", "\n");
                switch (field.group(1)) {
                    case "emailAddress" -> f.put("final-recipient", value);
                    case "action" -> f.put("action", value);
                    case "status" -> f.put("status", value);
                    default -> f.put("diagnostic-code", value);
                }
            }
            if (f.containsKey("final-recipient")) {
                out.add(f);
            }
        }
        return out;
    }
}
