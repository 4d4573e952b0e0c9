package io.sluice.sim.truth;

import java.time.Instant;

/**
 * One refusal by a simulated provider, as its ground truth keeps it for reports over time.
 *
 * @param at simulated time of the refusal
 * @param clientIp the sending IP refused
 * @param mailFrom the transaction's return path, or empty when the refusal came before MAIL
 * @param recipient the recipient refused, or empty when the refusal came before RCPT
 * @param reason a {@link io.sluice.sim.profile.ReplyKind#key()}, {@code blocked} or {@code
 *     relay-denied}
 */
public record Refusal(
        Instant at, String clientIp, String mailFrom, String recipient, String reason) {}
