package io.sluice.mta.unsubscribe;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one-click unsubscribe fields of RFC 8058: {@code List-Unsubscribe} with an HTTPS URI (and
 * optionally a mailto: URI, RFC 2369) and {@code List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click}. Both must be covered by the DKIM signature (RFC 8058 section 4),
 * which Sluice's signer does by default.
 */
public record OneClickUnsubscribe(URI https, Optional<URI> mailto) {

    /** The only value RFC 8058 section 3.1 allows for List-Unsubscribe-Post. */
    public static final String POST_VALUE = "List-Unsubscribe=One-Click";

    public OneClickUnsubscribe {
        String scheme = https.getScheme() == null ? "" : https.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https")) {
            throw new IllegalArgumentException(
                    "unsubscribe URI " + https + " -- expected https (RFC 8058 section 3.1)");
        }
        if (https.getHost() == null || https.getHost().isEmpty()) {
            throw new IllegalArgumentException("unsubscribe URI " + https + " has no host");
        }
        if (https.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "unsubscribe URI "
                            + https
                            + " carries credentials -- put the token in the path or query");
        }
        if (https.getFragment() != null) {
            throw new IllegalArgumentException(
                    "unsubscribe URI "
                            + https
                            + " has a fragment, which is never sent to the server");
        }
        checkEmbeddable(https);
        mailto.ifPresent(
                m -> {
                    if (!"mailto".equalsIgnoreCase(m.getScheme())) {
                        throw new IllegalArgumentException(
                                "second unsubscribe URI " + m + " -- expected mailto:");
                    }
                    checkEmbeddable(m);
                });
    }

    public static OneClickUnsubscribe of(String httpsUri) {
        return new OneClickUnsubscribe(URI.create(httpsUri), Optional.empty());
    }

    public OneClickUnsubscribe withMailto(String mailtoUri) {
        return new OneClickUnsubscribe(https, Optional.of(URI.create(mailtoUri)));
    }

    /** The List-Unsubscribe value: each URI in angle brackets, HTTPS first (RFC 2369 section 2). */
    public String listUnsubscribe() {
        return "<"
                + https.toASCIIString()
                + ">"
                + mailto.map(m -> ", <" + m.toASCIIString() + ">").orElse("");
    }

    /** Both fields, each ending in CRLF, ready to add to the header before signing. */
    public List<String> headerFields() {
        return List.of(
                "List-Unsubscribe: " + listUnsubscribe() + "\r\n",
                "List-Unsubscribe-Post: " + POST_VALUE + "\r\n");
    }

    /** RFC 2369 section 2: a literal comma or angle bracket would end the URI early. */
    private static void checkEmbeddable(URI uri) {
        String s = uri.toASCIIString();
        if (s.indexOf(',') >= 0 || s.indexOf('<') >= 0 || s.indexOf('>') >= 0) {
            throw new IllegalArgumentException(
                    "unsubscribe URI " + s + " contains ',', '<' or '>' -- percent-encode them");
        }
    }
}
