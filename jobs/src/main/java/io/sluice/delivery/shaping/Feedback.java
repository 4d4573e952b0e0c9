package io.sluice.delivery.shaping;

import io.sluice.bounce.classify.BounceAction;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one attempt tells the scheduler about a sending IP at a site: delivered, a reply from the
 * site (with the bounce classifier's action), a connection failure, or a failure of Sluice's own.
 *
 * @param site the site the scheduler released the message for (its key), not the MX host's name
 * @param action the bounce classifier's verdict on a reply; null otherwise
 * @param retryAfterMillis a wait the site asked for in its reply; 0 when it named none
 * @param atMillis when the attempt ended
 * @param shard the shard of the site whose scheduler released the message, which alone counts the
 *     attempt as ended (every shard learns from the reply); -1 when unknown
 */
public record Feedback(
        String site,
        String sendingIp,
        Kind kind,
        String reply,
        BounceAction action,
        long retryAfterMillis,
        long atMillis,
        int shard) {

    /** Feedback that names no releasing shard: it ends no shard's in-flight count. */
    public Feedback(
            String site,
            String sendingIp,
            Kind kind,
            String reply,
            BounceAction action,
            long retryAfterMillis,
            long atMillis) {
        this(site, sendingIp, kind, reply, action, retryAfterMillis, atMillis, -1);
    }

    public enum Kind {
        /** The site took the message: positive feedback, the pace may recover a step. */
        DELIVERED,
        /** The site answered with a failure: response rules and the classifier's action apply. */
        REPLY,
        /** No SMTP conversation (refused, timed out, no greeting): counts towards a dead site. */
        CONNECTION_FAILURE,
        /**
         * Sluice's own failure (attempt time-out, DNS): says nothing about the site and is ignored,
         * so a pause can never extend itself through internal deferrals.
         */
        LOCAL
    }

    private static final Pattern RETRY_AFTER =
            Pattern.compile(
                    "(?:retry|try again)\\s+(?:after|in)\\s+(\\d{1,6})\\s*"
                            + "(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\\b");

    /**
     * The wait a reply asks for, in the phrasings providers use ("try again in 5 minutes", "retry
     * after 30 s"); SMTP has no Retry-After header, so this is read from the text.
     */
    public static long retryAfterMillis(String reply) {
        if (reply == null) {
            return 0;
        }
        Matcher m = RETRY_AFTER.matcher(reply.toLowerCase(Locale.ROOT));
        if (!m.find()) {
            return 0;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        Duration d =
                unit.startsWith("h")
                        ? Duration.ofHours(n)
                        : unit.startsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
        return d.toMillis();
    }
}
