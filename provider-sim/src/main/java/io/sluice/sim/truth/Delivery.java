package io.sluice.sim.truth;

import io.sluice.sim.policy.Folder;
import java.time.Instant;

/**
 * One message a simulated provider accepted for one recipient: what a test or a report counts as
 * delivered, inboxed or duplicated.
 *
 * @param messageId the Message-ID header without angle brackets, empty when the message had none
 * @param authentication the provider's own verdict as an Authentication-Results value (RFC 8601),
 *     {@code none} when it does not check
 * @param at simulated time of acceptance
 */
public record Delivery(
        String provider,
        String messageId,
        String recipient,
        String clientIp,
        String mailFrom,
        String authentication,
        Folder folder,
        Instant at) {}
