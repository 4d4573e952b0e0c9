package io.sluice.reputation;

import io.sluice.delivery.DeliveryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * The reputation job's settings; Kafka servers and topic names are the delivery job's options
 * ({@link DeliveryOptions}), so both jobs read one configuration.
 */
public final class ReputationOptions {

    public static final ConfigOption<String> RULES_FILE =
            ConfigOptions.key("sluice.reputation.rules-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Reputation rules (lines, states, reasons); the shipped"
                                    + " reputation.rules when unset.");

    public static final ConfigOption<String> WARMUP_PLAN_FILE =
            ConfigOptions.key("sluice.reputation.warmup-plan-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Warm-up plan, one daily quota per line; classpath:ses-45-day.plan for"
                                    + " the shipped 45-day ramp; the shipped warmup.plan when"
                                    + " unset.");

    public static final ConfigOption<String> QUARANTINE_POOL =
            ConfigOptions.key("sluice.reputation.quarantine-pool")
                    .stringType()
                    .defaultValue("quarantine")
                    .withDescription(
                            "The pool (of sluice.sending-ips) a tenant is moved to when it crosses"
                                    + " a warning line.");

    public static final ConfigOption<List<String>> NEW_IPS =
            ConfigOptions.key("sluice.reputation.new-ips")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Sending IPs to warm up: each gets the plan's first quota at every site"
                                    + " of sluice.reputation.warmup-sites and, for all other"
                                    + " sites, an IP-wide quota. Remove an IP once `sluice warmup"
                                    + " status` shows it warm.");

    public static final ConfigOption<List<String>> WARMUP_SITES =
            ConfigOptions.key("sluice.reputation.warmup-sites")
                    .stringType()
                    .asList()
                    .defaultValues("google", "yahoo", "microsoft")
                    .withDescription(
                            "Sites where a new IP climbs its own plan, judged by its reputation"
                                    + " there; other sites share the IP-wide plan.");

    public static final ConfigOption<Duration> DAY =
            ConfigOptions.key("sluice.reputation.day")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "How long a warm-up step must stay healthy before the next; shorter"
                                    + " only to compress a warm-up in tests and local runs. The"
                                    + " rules' windows (1h, 24h) and block-for shrink by the same"
                                    + " factor, and the delivery job counts a warm-up quota over"
                                    + " this day. 1 s to 1 d, dividing a day evenly.");

    public static final ConfigOption<Duration> RECHECK =
            ConfigOptions.key("sluice.reputation.recheck")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "How often a warming IP that is not healthy is looked at again without"
                                    + " new events (its windows slide).");

    public static final ConfigOption<List<String>> DNSBL_ZONES =
            ConfigOptions.key("sluice.reputation.dnsbl-zones")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "DNS blocklist zones to look every sending IP up in (e.g."
                                    + " zen.spamhaus.org, through a resolver the list serves); a"
                                    + " listed IP is blocked at every site until delisted. None"
                                    + " when empty.");

    public static final ConfigOption<Duration> DNSBL_INTERVAL =
            ConfigOptions.key("sluice.reputation.dnsbl-interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "How often each sending IP is looked up in the DNSBL zones; a listing's"
                                    + " block lapses two intervals after the last check that saw it.");

    public static final ConfigOption<Boolean> ENABLED =
            ConfigOptions.key("sluice.reputation.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "False: the reputation job is not run (the local stack and simulations"
                                    + " leave it out; ReputationJob refuses to start), so no"
                                    + " decision of its own (quarantine, pause, IP block, warm-up"
                                    + " quota, rate override) reaches the delivery job. Operators'"
                                    + " decisions still do. For baselines, never for real mail.");

    public static final ConfigOption<Boolean> WARMUP_ENABLED =
            ConfigOptions.key("sluice.warmup.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "False: sluice.reputation.new-ips is ignored by both jobs, so new IPs"
                                    + " are treated as warm from the first message (no warm-up"
                                    + " quota, no cold-IP preference). For baselines, never for"
                                    + " real mail.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("sluice.reputation.group-id")
                    .stringType()
                    .defaultValue("sluice-reputation")
                    .withDescription("Consumer group of the reputation job.");

    private ReputationOptions() {}

    /** The IPs to warm up: sluice.reputation.new-ips, none when the warm-up is switched off. */
    public static List<String> newIps(Configuration conf) {
        return conf.get(WARMUP_ENABLED) ? conf.get(NEW_IPS) : List.of();
    }

    /** The policy from the configuration; a bad rules or plan file fails here, with its line. */
    public static ReputationPolicy policy(Configuration conf) {
        // sluice.reputation.day when set, else a day of sluice.time-scale.
        Duration day = io.sluice.delivery.DeliveryOptions.day(conf);
        Duration recheck =
                conf.contains(RECHECK)
                        ? conf.get(RECHECK)
                        : io.sluice.delivery.DeliveryOptions.timeScale(conf)
                                .shrink(RECHECK.defaultValue());
        io.sluice.delivery.VolumeScale volume =
                io.sluice.delivery.DeliveryOptions.volumeScale(conf);
        return new ReputationPolicy(
                ReputationRules.load(conf.get(RULES_FILE)),
                new Warmup(WarmupPlan.load(conf.get(WARMUP_PLAN_FILE)).volumeScaled(volume), day),
                conf.get(QUARANTINE_POOL),
                recheck,
                ReputationPolicy.timeScale(day));
    }

    /** The DNSBL check interval: as set, else the default in sluice.time-scale's time. */
    public static Duration dnsblInterval(Configuration conf) {
        return conf.contains(DNSBL_INTERVAL)
                ? conf.get(DNSBL_INTERVAL)
                : io.sluice.delivery.DeliveryOptions.timeScale(conf)
                        .shrink(DNSBL_INTERVAL.defaultValue());
    }

    /** The addresses of sluice.sending-ips, each once: what the DNSBL check looks up. */
    public static List<String> sendingAddresses(Configuration conf) {
        List<String> out = new ArrayList<>();
        for (String entry : conf.get(io.sluice.delivery.DeliveryOptions.SENDING_IPS)) {
            String[] parts = entry.strip().split("/");
            if (parts.length == 3 && !out.contains(parts[1])) {
                out.add(parts[1]);
            }
        }
        return out;
    }

    /** The warm-up starts: per new IP, one per warm-up site and one IP-wide. */
    public static List<Signal> warmupSeeds(Configuration conf) {
        List<Signal> seeds = new ArrayList<>();
        for (String ip : newIps(conf)) {
            String address = ip.strip();
            if (!address.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new IllegalArgumentException(
                        "sluice.reputation.new-ips entry '"
                                + ip
                                + "' -- expected a literal IPv4 or IPv6 address");
            }
            seeds.add(Signal.startWarmup(Entity.ip(address)));
            for (String site : conf.get(WARMUP_SITES)) {
                seeds.add(Signal.startWarmup(Entity.ipAtSite(address, site.strip())));
            }
        }
        return seeds;
    }
}
