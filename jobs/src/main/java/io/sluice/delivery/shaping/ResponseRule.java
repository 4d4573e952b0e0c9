package io.sluice.delivery.shaping;

import java.io.Serializable;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What to do when a site's reply matches {@code pattern}: throttle, limit or pause the sending IP
 * at that site, possibly only on the {@code count}th match within {@code window}.
 *
 * @param index position among all rules, used to count a rule's matches per sending IP
 * @param where file and line, for logs and events that say why a pause happened
 * @param site the site the rule is for, or {@code *}
 * @param limit the rate cap of a {@link Action#LIMIT}; null otherwise
 * @param duration how long a limit or pause lasts; zero for a throttle
 * @param count matches needed within {@code window}; 1 acts at once
 */
public record ResponseRule(
        int index,
        String where,
        String site,
        Action action,
        Rate limit,
        Duration duration,
        int count,
        Duration window,
        Pattern pattern)
        implements Serializable {

    public enum Action {
        THROTTLE,
        LIMIT,
        PAUSE
    }
}
