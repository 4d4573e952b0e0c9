package io.sluice.bounce.dsn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of an RFC 3464 {@code message/delivery-status} body (section 2.1): one group of
 * per-message fields, then one group per recipient. Field names are lower-cased; values are
 * unfolded and stripped of their address or diagnostic type ("rfc822;", "smtp;").
 */
record StatusFields(Map<String, String> perMessage, List<Map<String, String>> perRecipient) {

    static StatusFields parse(String body) {
        Map<String, String> perMessage = new LinkedHashMap<>();
        List<Map<String, String>> recipients = new ArrayList<>();
        Map<String, String> current = null;
        String lastName = null;
        // The continuation lines of the field being read, joined once the field ends: adding
        // each to the value as it came copied the value so far per line, quadratic in a field
        // folded over thousands of lines.
        StringBuilder continued = new StringBuilder();
        for (String line : body.split("\r?\n")) {
            if ((line.startsWith(" ") || line.startsWith("\t"))
                    && lastName != null
                    && !line.isBlank()) {
                continued.append(' ').append(line.strip());
                continue;
            }
            if (!continued.isEmpty()) {
                (current == null ? perMessage : current)
                        .merge(lastName, continued.toString(), String::concat);
                continued.setLength(0);
            }
            if (line.isBlank()) {
                lastName = null;
                // A blank line ends a recipient group (RFC 3464 section 2.1).
                if (current != null && !current.isEmpty()) {
                    current = new LinkedHashMap<>();
                    recipients.add(current);
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches("[A-Za-z][A-Za-z0-9-]*")) {
                lastName = null;
                continue;
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            boolean startsRecipient =
                    name.equals("final-recipient") || name.equals("original-recipient");
            // A recipient group starts at its first recipient field (section 2.3), in either
            // order; some MTAs omit the blank line between groups, so a repeated field, or a
            // recipient field after Action or Status, also starts a new group.
            boolean hasRecipient =
                    current != null
                            && (current.containsKey("final-recipient")
                                    || current.containsKey("original-recipient"));
            if (startsRecipient
                    && (current == null
                            || current.containsKey(name)
                            || (hasRecipient
                                    && (current.containsKey("action")
                                            || current.containsKey("status"))))) {
                current = new LinkedHashMap<>();
                recipients.add(current);
            }
            Map<String, String> target = current == null ? perMessage : current;
            target.putIfAbsent(name, value);
            lastName = name;
        }
        if (!continued.isEmpty()) {
            (current == null ? perMessage : current)
                    .merge(lastName, continued.toString(), String::concat);
        }
        recipients.removeIf(
                r -> !r.containsKey("final-recipient") && !r.containsKey("original-recipient"));
        for (Map<String, String> r : recipients) {
            // Action, Status and Diagnostic-Code are per-recipient fields (section 2.3); seen
            // before the first recipient field, they open that recipient's group.
            for (String field : List.of("action", "status", "diagnostic-code", "remote-mta")) {
                if (!r.containsKey(field)
                        && perMessage.containsKey(field)
                        && recipients.size() == 1) {
                    r.put(field, perMessage.get(field));
                }
            }
            // The reporting MTA is per message (section 2.2) but matters per recipient when no
            // Remote-MTA says who else gave the reply.
            if (perMessage.containsKey("reporting-mta")) {
                r.putIfAbsent("reporting-mta", perMessage.get("reporting-mta"));
            }
            r.replaceAll((k, v) -> v.strip());
        }
        return new StatusFields(perMessage, recipients);
    }

    /** Drops the type prefix of an address or diagnostic ({@code rfc822; a@b} is {@code a@b}). */
    static String untyped(String value) {
        if (value == null) {
            return "";
        }
        int semi = value.indexOf(';');
        if (semi > 0 && semi < 16 && value.substring(0, semi).strip().matches("[A-Za-z0-9-]+")) {
            return value.substring(semi + 1).strip();
        }
        return value.strip();
    }
}
