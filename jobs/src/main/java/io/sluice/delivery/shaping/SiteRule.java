package io.sluice.delivery.shaping;

import java.io.Serializable;
import java.time.Duration;

/**
 * The shaping of one site, or of one sending IP at a site: how fast, over how many connections, and
 * how the pace adapts to what the site answers. docs/design/scheduling.md gives the algorithm each
 * parameter belongs to.
 *
 * @param rate messages per sending IP at the site, before adaptation
 * @param connections most connections one sending IP holds to the site
 * @param perConnection messages carried by one connection before it is reopened
 * @param shards scheduler keys the site is spread over (site-level only; a third of all mail goes
 *     to Google, more than one subtask should pace it)
 * @param decrease factor applied to the pace on a throttle reply (multiplicative decrease)
 * @param floor lowest adaptive factor: a throttled IP still sends {@code floor x rate}
 * @param decreaseGap replies to mail already on the wire arrive together; one decrease per gap
 * @param recoverStep share of the current pace added per step of recovery (the factor grows by
 *     {@code 1 + recoverStep})
 * @param recoverEvery at most one recovery step per this period, and only on a success
 * @param pause how long a block reply pauses the IP at the site when no response rule says
 * @param deadAfter consecutive connection failures that mark the site dead
 * @param deadProbe wait before the first probe of a dead site; doubles per failed probe
 * @param deadProbeMax longest wait between probes
 * @param forget how long an idle site's adaptive state is kept after its last message left
 * @param coldRate messages per sending IP at the site while the IP warms up there (it has a warm-up
 *     quota): the provider's hourly allowance for an IP it does not know, so that a cold IP's day's
 *     quota leaves at that pace rather than in one burst; null for none (the rate alone)
 */
public record SiteRule(
        Rate rate,
        int connections,
        int perConnection,
        int shards,
        double decrease,
        double floor,
        Duration decreaseGap,
        double recoverStep,
        Duration recoverEvery,
        Duration pause,
        int deadAfter,
        Duration deadProbe,
        Duration deadProbeMax,
        Duration forget,
        Rate coldRate)
        implements Serializable {

    /**
     * Built-in values for a site nobody wrote rules for: KumoMTA's defaults for the limits
     * (connection_limit 10, max_deliveries_per_connection 100, max_message_rate 100/s), Postfix's
     * backoff bounds for dead sites (minimal_backoff_time 300 s, maximal_backoff_time 4000 s).
     */
    public static SiteRule builtIn() {
        return new SiteRule(
                Rate.parse("100/s"),
                10,
                100,
                1,
                0.5,
                0.05,
                Duration.ofSeconds(1),
                0.05,
                Duration.ofSeconds(10),
                Duration.ofHours(1),
                10,
                Duration.ofMinutes(5),
                Duration.ofSeconds(4000),
                Duration.ofMinutes(10),
                null);
    }

    public SiteRule withRate(Rate r) {
        return withRates(r, coldRate);
    }

    /** This rule at {@code 1/scale} of the volume: its rates divided, its other limits kept. */
    public SiteRule volumeScaled(io.sluice.delivery.VolumeScale scale) {
        if (scale.isReal()) {
            return this;
        }
        return withRates(
                rate.volumeScaled(scale), coldRate == null ? null : coldRate.volumeScaled(scale));
    }

    private SiteRule withRates(Rate r, Rate cold) {
        return new SiteRule(
                r,
                connections,
                perConnection,
                shards,
                decrease,
                floor,
                decreaseGap,
                recoverStep,
                recoverEvery,
                pause,
                deadAfter,
                deadProbe,
                deadProbeMax,
                forget,
                cold);
    }

    /**
     * The rate of an IP at the site before adaptation: the rule's, and while the IP is {@code cold}
     * (warming up at the site) at most the cold rate.
     */
    public Rate rateFor(boolean cold) {
        return cold && coldRate != null && coldRate.perSecond() < rate.perSecond()
                ? coldRate
                : rate;
    }

    /**
     * This rule with shaping switched off (sluice.shaping.enabled false): no rate ({@code
     * 1000000/s}, no cold rate), {@code connections} per IP, no adaptive decrease (factor 1, floor
     * 1); the shards (a matter of load, not of policy), the messages per connection (how the SMTP
     * stage reuses a connection) and the dead-site probes (Sluice's own protection against a host
     * that does not answer) stay.
     */
    public SiteRule unshaped(int connections) {
        return new SiteRule(
                new Rate(1_000_000, Duration.ofSeconds(1)),
                connections,
                perConnection,
                shards,
                1.0,
                1.0,
                decreaseGap,
                recoverStep,
                recoverEvery,
                pause,
                deadAfter,
                deadProbe,
                deadProbeMax,
                forget,
                null);
    }

    /**
     * This rule with its rate and policy durations in simulated time (see {@link
     * io.sluice.delivery.TimeScale}); the decrease gap stays: it spaces replies to mail already on
     * the wire, which arrive in real time.
     */
    public SiteRule timeScaled(io.sluice.delivery.TimeScale scale) {
        if (scale.isReal()) {
            return this;
        }
        return new SiteRule(
                rate.timeScaled(scale),
                connections,
                perConnection,
                shards,
                decrease,
                floor,
                decreaseGap,
                recoverStep,
                scale.shrink(recoverEvery),
                scale.shrink(pause),
                deadAfter,
                scale.shrink(deadProbe),
                scale.shrink(deadProbeMax),
                scale.shrink(forget),
                coldRate == null ? null : coldRate.timeScaled(scale));
    }
}
