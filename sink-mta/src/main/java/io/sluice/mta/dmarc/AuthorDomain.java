package io.sluice.mta.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * The RFC5322.From domain (the "Author Domain" of RFC 7489 section 3.1) read from a From field
 * value: comments and quoted display names are skipped, so a display name that looks like an
 * address cannot stand in for the real one. With several mailboxes the first one counts (6.6.1
 * leaves that choice to the receiver).
 */
public final class AuthorDomain {

    private AuthorDomain() {}

    /** The domain of the first mailbox in {@code fromValue}, lower case; empty if there is none. */
    public static Optional<String> of(String fromValue) {
        String plain = withoutCommentsAndQuotes(fromValue);
        for (String mailbox : plain.split(",")) {
            int at = mailbox.lastIndexOf('@');
            if (at < 0) {
                continue;
            }
            int end = at + 1;
            while (end < mailbox.length() && !isDelimiter(mailbox.charAt(end))) {
                end++;
            }
            String domain = mailbox.substring(at + 1, end).toLowerCase(Locale.ROOT);
            while (domain.endsWith(".")) {
                domain = domain.substring(0, domain.length() - 1);
            }
            return domain.isEmpty() ? Optional.empty() : Optional.of(domain);
        }
        return Optional.empty();
    }

    private static boolean isDelimiter(char c) {
        return c == '>' || c == '<' || c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Replaces comments (nested, RFC 5322 3.2.2) and quoted strings (3.2.4) with a space. */
    private static String withoutCommentsAndQuotes(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((quoted || depth > 0) && c == '\\') {
                i++;
                continue;
            }
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                    out.append(' ');
                }
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
                if (depth == 0) {
                    out.append(' ');
                }
            } else if (depth == 0) {
                if (c == '"') {
                    quoted = true;
                } else {
                    out.append(c);
                }
            }
        }
        return out.toString();
    }
}
