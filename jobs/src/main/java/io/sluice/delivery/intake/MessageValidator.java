package io.sluice.delivery.intake;

import io.sluice.mta.address.EmailAddress;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a send request may be sent at all: addresses that are mailboxes, no CR or LF
 * anywhere a header is made from (header injection), no header the MTA owns, a body, a size the
 * receivers take, and the one-click unsubscribe that bulk-sender rules require of marketing mail.
 * The first rule broken is the reason; the request is never repaired.
 */
public final class MessageValidator implements Serializable {

    private static final long serialVersionUID = 1L;

    /** RFC 5322 3.6.4 id-left is dot-atom-text; the id also becomes the Kafka key. */
    private static final Pattern MESSAGE_ID =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** RFC 5322 2.2: printable US-ASCII except colon. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!-9;-~]{1,76}");

    /** Header fields the MTA writes itself; a producer's copy would conflict or forge. */
    private static final Set<String> RESERVED_HEADERS =
            Set.of(
                    "from",
                    "sender",
                    "to",
                    "cc",
                    "bcc",
                    "reply-to",
                    "subject",
                    "date",
                    "message-id",
                    "mime-version",
                    "content-type",
                    "content-transfer-encoding",
                    "content-disposition",
                    "dkim-signature",
                    "arc-seal",
                    "arc-message-signature",
                    "arc-authentication-results",
                    "authentication-results",
                    "received",
                    "return-path",
                    "list-unsubscribe",
                    "list-unsubscribe-post");

    private final long maxMessageBytes;
    private final boolean requireUnsubscribeForMarketing;

    public MessageValidator(long maxMessageBytes, boolean requireUnsubscribeForMarketing) {
        this.maxMessageBytes = maxMessageBytes;
        this.requireUnsubscribeForMarketing = requireUnsubscribeForMarketing;
    }

    public Optional<Rejection> check(Message m) {
        if (m.messageId() == null
                || m.messageId().length() > 200
                || !MESSAGE_ID.matcher(m.messageId()).matches()) {
            return reject(
                    "invalid-message-id",
                    "message_id must be 1-200 characters of RFC 5322 dot-atom text");
        }
        if (m.tenant() == null || !TENANT.matcher(m.tenant()).matches()) {
            return reject("invalid-tenant", "tenant must be 1-64 of [A-Za-z0-9._-]");
        }
        Optional<Rejection> r =
                address("invalid-recipient", "recipient", m.recipient())
                        .or(() -> address("invalid-from", "from_address", m.fromAddress()))
                        .or(
                                () ->
                                        m.replyTo() == null
                                                ? Optional.empty()
                                                : address(
                                                        "invalid-reply-to",
                                                        "reply_to",
                                                        m.replyTo()))
                        .or(() -> headerSafe("from_name", m.fromName()))
                        .or(() -> headerSafe("recipient_name", m.recipientName()))
                        .or(() -> headerSafe("subject", m.subject()))
                        .or(() -> headers(m.headers()))
                        .or(() -> body(m))
                        .or(() -> unsubscribe(m));
        return r;
    }

    private static Optional<Rejection> address(String code, String field, String value) {
        if (value != null && hasLineBreak(value)) {
            return reject("header-injection", field + " contains CR or LF");
        }
        try {
            EmailAddress.parse(value);
            return Optional.empty();
        } catch (EmailAddress.InvalidAddressException e) {
            return reject(code, field + ": " + e.getMessage());
        }
    }

    private static Optional<Rejection> headerSafe(String field, String value) {
        if (value == null) {
            return Optional.empty();
        }
        if (hasLineBreak(value)) {
            return reject("header-injection", field + " contains CR or LF");
        }
        if (value.indexOf('\0') >= 0) {
            return reject("invalid-header-value", field + " contains NUL");
        }
        if (value.length() > 998) {
            return reject(
                    "header-too-long", field + " is longer than 998 characters (RFC 5322 2.1.1)");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> headers(Map<String, String> headers) {
        if (headers == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            if (name == null || !HEADER_NAME.matcher(name).matches()) {
                return reject(
                        hasLineBreak(String.valueOf(name))
                                ? "header-injection"
                                : "invalid-header-name",
                        "header name '" + printable(name) + "' is not RFC 5322 field-name syntax");
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                return reject(
                        "reserved-header",
                        name + " is set by Sluice; use the request's own field instead");
            }
            Optional<Rejection> value = headerSafe("header " + name, h.getValue());
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    private Optional<Rejection> body(Message m) {
        if (m.textBody() == null && m.htmlBody() == null) {
            return reject("missing-body", "a message needs text_body or html_body");
        }
        long size = bytes(m.textBody()) + bytes(m.htmlBody()) + bytes(m.subject());
        if (m.headers() != null) {
            for (Map.Entry<String, String> h : m.headers().entrySet()) {
                size += bytes(h.getKey()) + bytes(h.getValue()) + 4;
            }
        }
        if (size > maxMessageBytes) {
            return reject(
                    "too-large",
                    "message is "
                            + size
                            + " bytes before encoding; the limit is "
                            + maxMessageBytes);
        }
        return Optional.empty();
    }

    private Optional<Rejection> unsubscribe(Message m) {
        if (m.unsubscribeUrl() == null) {
            if (requireUnsubscribeForMarketing && m.priority() == Priority.MARKETING) {
                return reject(
                        "missing-unsubscribe-url",
                        "marketing mail needs unsubscribe_url: Gmail, Yahoo and Microsoft require"
                                + " one-click unsubscribe (RFC 8058) from bulk senders");
            }
            return Optional.empty();
        }
        String url = m.unsubscribeUrl();
        if (hasLineBreak(url) || url.indexOf('>') >= 0 || url.indexOf(' ') >= 0) {
            return reject(
                    "invalid-unsubscribe-url", "unsubscribe_url contains CR, LF, '>' or space");
        }
        try {
            URI uri = new URI(url);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                return reject(
                        "invalid-unsubscribe-url",
                        "unsubscribe_url must be an absolute https URL (RFC 8058 section 3.1)");
            }
        } catch (URISyntaxException e) {
            return reject("invalid-unsubscribe-url", "unsubscribe_url: " + e.getMessage());
        }
        return Optional.empty();
    }

    private static long bytes(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }

    private static String printable(String s) {
        return s == null ? "null" : s.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static Optional<Rejection> reject(String code, String detail) {
        return Optional.of(new Rejection(code, detail));
    }
}
