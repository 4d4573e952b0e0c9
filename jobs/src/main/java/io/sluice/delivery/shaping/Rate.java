package io.sluice.delivery.shaping;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A message rate as people write it in shaping files and controls: {@code 500/h}, {@code 20/s}. */
public record Rate(long count, Duration per) implements Serializable {

    private static final Pattern FORM =
            Pattern.compile("\\s*(\\d+)\\s*/\\s*(s|sec|second|min|minute|h|hour|d|day)\\s*");

    public Rate {
        if (count <= 0 || per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException(
                    "a rate needs a positive count and period: " + count + "/" + per);
        }
    }

    /**
     * @throws IllegalArgumentException saying what was expected, e.g. {@code rate "500/hr" --
     *     expected N/s, N/min, N/h or N/day}
     */
    public static Rate parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text.toLowerCase(Locale.ROOT));
        if (m == null || !m.matches() || m.group(1).length() > 12) {
            throw new IllegalArgumentException(
                    "rate \"" + text + "\" -- expected N/s, N/min, N/h or N/day with N > 0");
        }
        long n = Long.parseLong(m.group(1));
        if (n == 0) {
            throw new IllegalArgumentException(
                    "rate \"" + text + "\" -- expected N/s, N/min, N/h or N/day with N > 0");
        }
        Duration per =
                switch (m.group(2)) {
                    case "s", "sec", "second" -> Duration.ofSeconds(1);
                    case "min", "minute" -> Duration.ofMinutes(1);
                    case "h", "hour" -> Duration.ofHours(1);
                    default -> Duration.ofDays(1);
                };
        return new Rate(n, per);
    }

    /** The same count per a period shrunk by {@code scale}: 500/h at 60x is 500 a minute. */
    public Rate timeScaled(io.sluice.delivery.TimeScale scale) {
        if (scale.isReal()) {
            return this;
        }
        double f = scale.factor();
        // A whole factor multiplies the count, exactly; another one shrinks the period.
        return f == Math.rint(f) && count <= Long.MAX_VALUE / (long) f
                ? new Rate(count * (long) f, per)
                : new Rate(count, scale.shrink(per));
    }

    /**
     * This rate at {@code 1/scale} of the volume: 500/h at 20 is 25/h; a count below the divisor
     * keeps one message and lengthens the period instead (10/h at 20 is one per 2 h), so the rate
     * stays exact.
     */
    public Rate volumeScaled(io.sluice.delivery.VolumeScale scale) {
        if (scale.isReal()) {
            return this;
        }
        double scaled = count / scale.factor();
        return scaled >= 1
                ? new Rate(Math.round(scaled), per)
                : new Rate(1, Duration.ofNanos(Math.round(per.toNanos() / scaled)));
    }

    public double perSecond() {
        return count / (per.toNanos() / 1e9);
    }

    @Override
    public String toString() {
        long s = per.toSeconds();
        String unit =
                s == 1 ? "s" : s == 60 ? "min" : s == 3600 ? "h" : s == 86400 ? "day" : s + "s";
        return count + "/" + unit;
    }
}
