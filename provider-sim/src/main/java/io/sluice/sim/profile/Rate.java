package io.sluice.sim.profile;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A message rate as a profile writes it ("500/h"): so many messages per period. */
public record Rate(long messages, Duration per) {

    private static final Pattern TEXT = Pattern.compile("(\\d+)/(s|min|h|day)");

    public Rate {
        if (messages <= 0 || per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException("a rate needs a positive count and period");
        }
    }

    /** Parses {@code N/s}, {@code N/min}, {@code N/h} or {@code N/day}; empty for anything else. */
    public static Optional<Rate> parse(String text) {
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        Duration per =
                switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(1);
                    case "min" -> Duration.ofMinutes(1);
                    case "h" -> Duration.ofHours(1);
                    default -> Duration.ofDays(1);
                };
        long n = Long.parseLong(m.group(1));
        return n == 0 ? Optional.empty() : Optional.of(new Rate(n, per));
    }

    /**
     * This rate divided by {@code divisor}: 500/h by 20 is 25/h; below one message a period the
     * period lengthens instead (10/h by 20 is one per 2 h), so the rate stays exact.
     */
    public Rate divided(double divisor) {
        double n = messages / divisor;
        return n >= 1
                ? new Rate(Math.round(n), per)
                : new Rate(1, Duration.ofNanos(Math.round(per.toNanos() / n)));
    }

    /** Messages per second, for refilling a token bucket. */
    public double perSecond() {
        return messages / (per.toNanos() / 1e9);
    }

    /** As a profile writes it: {@code 500/h}. */
    @Override
    public String toString() {
        long s = per.getSeconds();
        String unit =
                s == 1
                        ? "s"
                        : s == 60 ? "min" : s == 3600 ? "h" : s == 86400 ? "day" : per.toString();
        return messages + "/" + unit;
    }
}
