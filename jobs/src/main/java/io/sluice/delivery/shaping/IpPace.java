package io.sluice.delivery.shaping;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The pace of one sending IP at one scheduler key (a site, or a shard of one): its GCRA theoretical
 * arrival time, adaptive factor, pause, warm-up count and response-rule matches. Mutable, owned by
 * one {@link SitePacing}; docs/design/scheduling.md describes each field's role.
 */
public final class IpPace {

    /** GCRA: the earliest time, in epoch microseconds, the next message conforms. */
    long tatMicros;

    /**
     * Share of the rule's rate this IP uses now: {@code floor <= factor <= 1}, or below by limit.
     */
    double factor = 1.0;

    long lastDecreaseAt;
    long lastIncreaseAt;

    /** No recovery before this (a response rule's limit holds the pace down for its duration). */
    long holdUntil;

    /** The IP sends nothing to the site before this (block replies, Retry-After). */
    long pausedUntil;

    /** UTC day number of {@link #sentToday}; counts matter only for IPs with a warm-up quota. */
    long day;

    int sentToday;

    /**
     * Messages this key released from the IP whose attempt has not reported back yet (its pacing
     * feedback names this key's shard). Capped, so that the queue stays in this key's state, in
     * priority order, rather than in the network buffers and connection waits downstream.
     */
    int inFlight;

    /**
     * When {@link #inFlight} last changed: a count with no news for long is stale (lost feedback).
     */
    long inFlightAt;

    /** Recent matches of threshold rules: rule index and time, at most count - 1 per rule. */
    int[] hitRules = new int[0];

    long[] hitTimes = new long[0];

    public double factor() {
        return factor;
    }

    public long pausedUntil() {
        return pausedUntil;
    }

    /** The earliest time this entry carries no information, so it can be dropped. */
    long settlesAt(long forgetMillis) {
        long t = Math.max(Math.max((tatMicros + 999) / 1000, pausedUntil), holdUntil);
        if (factor < 1.0) {
            t = Math.max(t, Math.max(lastDecreaseAt, lastIncreaseAt) + forgetMillis);
        }
        if (sentToday > 0) {
            t = Math.max(t, (day + 1) * 86_400_000L);
        }
        for (long hit : hitTimes) {
            t = Math.max(t, hit + forgetMillis);
        }
        if (inFlight > 0) {
            t = Math.max(t, inFlightAt + SiteScheduler.IN_FLIGHT_STALE_MILLIS);
        }
        return t;
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(tatMicros);
        out.writeDouble(factor);
        out.writeLong(lastDecreaseAt);
        out.writeLong(lastIncreaseAt);
        out.writeLong(holdUntil);
        out.writeLong(pausedUntil);
        out.writeLong(day);
        out.writeInt(sentToday);
        out.writeShort(hitRules.length);
        for (int i = 0; i < hitRules.length; i++) {
            out.writeShort(hitRules[i]);
            out.writeLong(hitTimes[i]);
        }
        out.writeInt(inFlight);
        out.writeLong(inFlightAt);
    }

    static IpPace read(DataInput in, int version) throws IOException {
        IpPace p = new IpPace();
        p.tatMicros = in.readLong();
        p.factor = in.readDouble();
        p.lastDecreaseAt = in.readLong();
        p.lastIncreaseAt = in.readLong();
        p.holdUntil = in.readLong();
        p.pausedUntil = in.readLong();
        p.day = in.readLong();
        p.sentToday = in.readInt();
        int n = in.readShort();
        p.hitRules = new int[n];
        p.hitTimes = new long[n];
        for (int i = 0; i < n; i++) {
            p.hitRules[i] = in.readShort();
            p.hitTimes[i] = in.readLong();
        }
        if (version >= 2) {
            p.inFlight = in.readInt();
            p.inFlightAt = in.readLong();
        }
        return p;
    }
}
