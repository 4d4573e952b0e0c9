package io.sluice.sim.profile;

import io.sluice.sim.auth.AuthRequirement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How one simulated mailbox provider behaves, as its profile file says: where it listens, what it
 * lets each sending IP do, how it judges reputation and what it answers. Read by {@link
 * ProfileParser}; the numbers and their sources are in docs/reference/provider-profiles.md.
 *
 * @param hostOctet the last octet of the loopback address its server listens on
 * @param rates messages per sending IP by how well the provider knows the IP
 * @param warmingAfter messages accepted from an IP before it counts as {@link IpTier#WARMING}
 * @param establishedAfter messages accepted before it counts as {@link IpTier#ESTABLISHED}
 * @param unknownUserFraction share of the provider's addresses that do not exist (chosen by a hash
 *     of the address, so the same address always gets the same answer)
 * @param authentication what a message must pass to be accepted
 * @param feedback complaint, late-bounce and engagement rates per sender
 */
public record ProviderProfile(
        String name,
        List<String> mxHosts,
        List<String> domains,
        int hostOctet,
        Map<IpTier, Rate> rates,
        long warmingAfter,
        long establishedAfter,
        int connectionsPerIp,
        int messagesPerConnection,
        boolean greylisting,
        Duration greylistDelay,
        double unknownUserFraction,
        AuthRequirement authentication,
        ReputationModel reputation,
        Map<ReplyKind, Reply> replies,
        FeedbackModel feedback) {

    public ProviderProfile {
        mxHosts = List.copyOf(mxHosts);
        domains = List.copyOf(domains);
        rates = Map.copyOf(new EnumMap<>(rates));
        replies = Map.copyOf(new EnumMap<>(replies));
        if (mxHosts.isEmpty() || domains.isEmpty()) {
            throw new IllegalArgumentException(name + ": a provider needs MX hosts and domains");
        }
    }

    /** The same provider with other feedback rates, for tests and scenarios. */
    public ProviderProfile withFeedback(FeedbackModel other) {
        return new ProviderProfile(
                name,
                mxHosts,
                domains,
                hostOctet,
                rates,
                warmingAfter,
                establishedAfter,
                connectionsPerIp,
                messagesPerConnection,
                greylisting,
                greylistDelay,
                unknownUserFraction,
                authentication,
                reputation,
                replies,
                other);
    }

    /**
     * This provider at {@code 1/divisor} of the volume, for simulations that send a fraction of the
     * real traffic (sluice.volume-scale): every per-IP rate and both tier thresholds divided, and
     * the score moves that follow from volume against those limits multiplied (the clean gain per
     * accepted message, the penalty per message over the rate), so an IP sending {@code 1/divisor}
     * of the mail climbs tiers, runs into its rate and earns or loses reputation at the same
     * moments as at full volume. Penalties for complaints and unknown users stay: those are chance
     * events per message, and multiplying them would turn one complaint in 5,000 into a block (the
     * cost: at {@code 1/divisor} a dirty list weighs less; docs/simulate.md).
     */
    public ProviderProfile volumeScaled(double divisor) {
        if (!(divisor >= 1)) {
            throw new IllegalArgumentException("volume scale " + divisor + " -- expected >= 1");
        }
        if (divisor == 1) {
            return this;
        }
        Map<IpTier, Rate> scaled = new EnumMap<>(IpTier.class);
        rates.forEach((tier, r) -> scaled.put(tier, r.divided(divisor)));
        ReputationModel m = reputation;
        ReputationModel model =
                new ReputationModel(
                        m.start(),
                        m.throttleBelow(),
                        m.blockBelow(),
                        m.blockFor(),
                        m.unknownUserPenalty(),
                        m.complaintPenalty(),
                        m.overLimitPenalty() * divisor,
                        m.cleanGain() * divisor,
                        m.throttledShare(),
                        m.inboxAtLeast());
        return new ProviderProfile(
                name,
                mxHosts,
                domains,
                hostOctet,
                scaled,
                Math.max(1, Math.round(warmingAfter / divisor)),
                Math.max(1, Math.round(establishedAfter / divisor)),
                connectionsPerIp,
                messagesPerConnection,
                greylisting,
                greylistDelay,
                unknownUserFraction,
                authentication,
                model,
                replies,
                feedback);
    }

    public Reply reply(ReplyKind kind) {
        return replies.get(kind);
    }

    public IpTier tier(long acceptedFromIp) {
        if (acceptedFromIp >= establishedAfter) {
            return IpTier.ESTABLISHED;
        }
        return acceptedFromIp >= warmingAfter ? IpTier.WARMING : IpTier.NEW;
    }
}
