package io.sluice.sim.profile;

import java.time.Duration;

/**
 * How a provider scores a sending IP and a sending domain, on a 0-100 scale: each score starts at
 * {@code start}, falls by a penalty per unknown user, complaint and message refused for being over
 * the rate, rises by {@code cleanGain} per message accepted. Below {@code throttleBelow} the
 * provider throttles (4xx), below {@code blockBelow} it blocks (5xx) for {@code blockFor}; mail is
 * filed in the inbox while the score is at least {@code inboxAtLeast}. The algorithm is written
 * down in docs/reference/provider-profiles.md.
 */
public record ReputationModel(
        double start,
        double throttleBelow,
        double blockBelow,
        Duration blockFor,
        double unknownUserPenalty,
        double complaintPenalty,
        double overLimitPenalty,
        double cleanGain,
        double throttledShare,
        double inboxAtLeast) {

    public ReputationModel {
        if (!(blockBelow <= throttleBelow && throttleBelow <= 100 && start <= 100)) {
            throw new IllegalArgumentException(
                    "reputation: expected block-below <= throttle-below <= 100 and start <= 100");
        }
    }
}
