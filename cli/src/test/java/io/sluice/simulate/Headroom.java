package io.sluice.simulate;

import io.sluice.sim.policy.TokenBucket;
import io.sluice.sim.profile.ProviderProfile;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.profile.Rate;
import io.sluice.sim.truth.Delivery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How close each sending IP came to its rate at each provider in a run: the providers' accepted
 * mail replayed through the token bucket the simulated provider keeps per IP (the scenario's
 * volume-scaled rate of the IP's tier, a full bucket at the start), reporting the fewest tokens
 * left before any acceptance. At {@code 1/100} of the volume one message over a provider's rate
 * costs a new IP its standing (the penalty is scaled with the volume), so a run whose closest call
 * is under one token was a hair from a block: a failure message carries this table.
 */
final class Headroom {

    /**
     * One IP at one provider.
     *
     * @param least the fewest tokens the provider's bucket held before an acceptance
     * @param at simulated hours since the start when that was
     * @param capacity the bucket's size then (one period of the tier's rate)
     */
    record Closest(
            String provider, String ip, long accepted, double least, double at, double capacity) {
        String line() {
            return String.format(
                    "%s %s: accepted=%d fewest tokens left=%.1f of %.0f at hour %.1f",
                    provider, ip, accepted, least, capacity, at);
        }
    }

    private Headroom() {}

    static List<Closest> of(SimulationRunner.Run run, Set<String> warmIps) {
        double divisor =
                Double.parseDouble(
                        run.scenario().options().getOrDefault("sluice.volume-scale", "1"));
        Map<String, List<Delivery>> byPair = new TreeMap<>();
        for (Delivery d : run.deliveries()) {
            byPair.computeIfAbsent(d.provider() + " " + d.clientIp(), k -> new ArrayList<>())
                    .add(d);
        }
        List<Closest> out = new ArrayList<>();
        byPair.forEach(
                (pair, ds) -> {
                    ds.sort(Comparator.comparing(Delivery::at));
                    String provider = ds.get(0).provider();
                    String ip = ds.get(0).clientIp();
                    ProviderProfile p = ProviderProfiles.named(provider).volumeScaled(divisor);
                    long accepted = warmIps.contains(ip) ? p.establishedAfter() : 0;
                    // The simulated provider's own bucket, replayed with the IP's full share.
                    TokenBucket bucket = new TokenBucket(ds.get(0).at());
                    double least = Double.MAX_VALUE;
                    double leastAt = 0;
                    double leastCapacity = 0;
                    for (Delivery d : ds) {
                        Rate rate = p.rates().get(p.tier(accepted));
                        double tokens = bucket.level(d.at(), rate, 1);
                        if (tokens < least) {
                            least = tokens;
                            leastAt = run.simHours(d.at());
                            leastCapacity = TokenBucket.capacity(rate, 1);
                        }
                        bucket.spend(d.at(), rate, 1);
                        accepted++;
                    }
                    out.add(new Closest(provider, ip, ds.size(), least, leastAt, leastCapacity));
                });
        return out;
    }

    static String table(SimulationRunner.Run run, Set<String> warmIps) {
        StringBuilder b = new StringBuilder("closest calls (provider IP: fewest tokens left)\n");
        of(run, warmIps).forEach(c -> b.append(c.line()).append('\n'));
        return b.toString();
    }
}
