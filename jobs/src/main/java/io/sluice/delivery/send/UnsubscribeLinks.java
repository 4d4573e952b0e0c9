package io.sluice.delivery.send;

import io.sluice.bounce.verp.UnsubscribeToken;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.delivery.intake.Message;
import io.sluice.delivery.intake.Priority;
import java.io.Serializable;
import java.net.URI;
import java.util.Locale;

/**
 * The one-click unsubscribe URL (RFC 8058) of each message. With Sluice's endpoint configured
 * ({@code sluice.unsubscribe.base-url}) every marketing message, and a transactional one whose
 * request asks for a link, gets {@code <base-url>/<token>}: a token naming the message, recipient
 * and tenant under an HMAC ({@link UnsubscribeToken}), which the endpoint turns into a suppression
 * for that tenant; the request's own {@code unsubscribe_url} is then not used, since an unsubscribe
 * that reached only the tenant's server would not stop Sluice's next message. Without the endpoint
 * the request's URL goes out as given (the tenant must then feed unsubscribes back itself).
 */
public final class UnsubscribeLinks implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String baseUrl;
    private final VerpKeys keys;

    /**
     * @param baseUrl an absolute https URL to which the token is appended as the last path segment;
     *     null for none
     * @param keys the HMAC keys (the VERP ring); required with a base URL
     */
    public UnsubscribeLinks(String baseUrl, VerpKeys keys) {
        if (baseUrl == null || baseUrl.isBlank()) {
            this.baseUrl = null;
            this.keys = null;
            return;
        }
        String url = baseUrl.strip();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "sluice.unsubscribe.base-url '" + url + "' is not a URL: " + e.getMessage());
        }
        if (!"https".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT))
                || uri.getHost() == null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "sluice.unsubscribe.base-url '"
                            + url
                            + "' -- expected an absolute https URL without query or fragment"
                            + " (RFC 8058 section 3.1)");
        }
        if (keys == null) {
            throw new IllegalArgumentException(
                    "sluice.unsubscribe.base-url is set but sluice.verp.secret-keys is not: the"
                            + " links carry tokens signed with those keys");
        }
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.keys = keys;
    }

    public static UnsubscribeLinks none() {
        return new UnsubscribeLinks(null, null);
    }

    /** Whether Sluice's own endpoint makes the links. */
    public boolean sluiceEndpoint() {
        return baseUrl != null;
    }

    /** The List-Unsubscribe https URL of {@code m}, or null for none. */
    public String of(Message m) {
        if (baseUrl == null) {
            return m.unsubscribeUrl();
        }
        if (m.priority() != Priority.MARKETING && m.unsubscribeUrl() == null) {
            return null;
        }
        return baseUrl
                + "/"
                + new UnsubscribeToken(m.messageId(), m.recipient(), m.tenant()).encode(keys);
    }
}
