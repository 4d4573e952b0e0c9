package io.sluice.reputation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * An entity's counters over two sliding windows, kept as rings of buckets: the last hour in twelve
 * 5-minute buckets, the last day in twenty-four 1-hour buckets. A window's total is the sum of the
 * buckets that end after {@code now - window}, so a window slides in bucket steps (the 1-hour
 * window covers 55 to 60 minutes). Rejected: one entry per event (unbounded state per entity), and
 * Flink's sliding windows (288 window copies per key for 24 h in 5-minute slides, and no single
 * place to decide from both windows at once).
 *
 * <p>Mutable; not thread-safe. {@link #encode()} writes only live buckets, so an idle entity's
 * value shrinks to nothing.
 */
public final class RollingCounts {

    /** The two windows every counter is kept over. */
    public enum Window {
        HOUR(5 * 60_000L, 12, "1h"),
        DAY(3_600_000L, 24, "24h");

        final long bucketMillis;
        final int buckets;
        private final String id;

        Window(long bucketMillis, int buckets, String id) {
            this.bucketMillis = bucketMillis;
            this.buckets = buckets;
            this.id = id;
        }

        /** {@code 1h} or {@code 24h}: the spelling in rule files and figures. */
        public String id() {
            return id;
        }

        public long millis() {
            return bucketMillis * buckets;
        }

        public static Window byId(String id) {
            for (Window w : values()) {
                if (w.id.equals(id)) {
                    return w;
                }
            }
            return null;
        }
    }

    private static final byte VERSION = 1;
    private static final int N = Counter.values().length;

    private final Ring hour = new Ring(Window.HOUR);
    private final Ring day = new Ring(Window.DAY);
    private final long scale;

    /** Windows of real hours and days. */
    public RollingCounts() {
        this(1);
    }

    /**
     * Windows shortened {@code scale} times: the hour lasts {@code 1h / scale}, the day {@code 24h
     * / scale} (sluice.reputation.day). Times are multiplied by {@code scale} on the way in, so the
     * buckets, the state and the figures are those of the nominal windows.
     */
    public RollingCounts(long scale) {
        if (scale < 1 || scale > MAX_SCALE) {
            throw new IllegalArgumentException(
                    "time scale " + scale + " -- expected 1 to " + MAX_SCALE);
        }
        this.scale = scale;
    }

    /** The largest scale: a day of one second. */
    public static final long MAX_SCALE = 86_400;

    private long scaled(long t) {
        return t * scale;
    }

    /** Counts {@code n} of {@code counter} at {@code at}; ignored once older than a day. */
    public void add(Counter counter, long at, long now, long n) {
        // A clock ahead of ours must not put counts in buckets that outlive the window.
        long t = scaled(Math.min(at, now));
        hour.add(counter, t, scaled(now), n);
        day.add(counter, t, scaled(now), n);
    }

    /** Totals of every counter over {@code window} ending at {@code now}, indexed by ordinal. */
    public long[] totals(Window window, long now) {
        return (window == Window.HOUR ? hour : day).totals(scaled(now));
    }

    public long total(Counter counter, Window window, long now) {
        return totals(window, now)[counter.ordinal()];
    }

    /** Whether nothing counted is inside the day window at {@code now}. */
    public boolean isEmpty(long now) {
        return day.expiresAt() <= scaled(now);
    }

    /** When the last counted bucket leaves the day window (and so every window); 0 when empty. */
    public long expiresAt() {
        return Math.floorDiv(day.expiresAt() + scale - 1, scale);
    }

    public void clear() {
        hour.clear();
        day.clear();
    }

    public byte[] encode(long now) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            hour.write(out, scaled(now));
            day.write(out, scaled(now));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    public static RollingCounts decode(byte[] bytes) {
        return decode(bytes, 1);
    }

    /** Counts written with the same {@code scale}. */
    public static RollingCounts decode(byte[] bytes, long scale) {
        RollingCounts c = new RollingCounts(scale);
        if (bytes == null || bytes.length == 0) {
            return c;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte v = in.readByte();
            if (v != VERSION) {
                throw new IllegalStateException("rolling counts of unknown version " + v);
            }
            c.hour.read(in);
            c.day.read(in);
        } catch (IOException e) {
            throw new IllegalStateException("rolling counts cannot be read", e);
        }
        return c;
    }

    /** The buckets of one window; a slot holds bucket number {@code epoch[slot]} (-1: empty). */
    private static final class Ring {
        private final Window window;
        private final long[] epoch;
        private final long[][] counts;

        Ring(Window window) {
            this.window = window;
            this.epoch = new long[window.buckets];
            this.counts = new long[window.buckets][N];
            Arrays.fill(epoch, -1);
        }

        void add(Counter counter, long at, long now, long n) {
            long e = Math.floorDiv(at, window.bucketMillis);
            if (e <= Math.floorDiv(now, window.bucketMillis) - window.buckets) {
                return; // older than the window
            }
            int slot = (int) Math.floorMod(e, (long) window.buckets);
            if (epoch[slot] > e) {
                return; // the slot already holds a newer bucket: this one has left the window
            }
            if (epoch[slot] != e) {
                epoch[slot] = e;
                Arrays.fill(counts[slot], 0);
            }
            counts[slot][counter.ordinal()] += n;
        }

        long[] totals(long now) {
            long current = Math.floorDiv(now, window.bucketMillis);
            long[] t = new long[N];
            for (int s = 0; s < epoch.length; s++) {
                if (live(s, current)) {
                    for (int i = 0; i < N; i++) {
                        t[i] += counts[s][i];
                    }
                }
            }
            return t;
        }

        private boolean live(int slot, long current) {
            return epoch[slot] >= 0
                    && epoch[slot] > current - window.buckets
                    && epoch[slot] <= current;
        }

        long expiresAt() {
            long newest = -1;
            for (long e : epoch) {
                newest = Math.max(newest, e);
            }
            return newest < 0 ? 0 : (newest + window.buckets) * window.bucketMillis;
        }

        void clear() {
            Arrays.fill(epoch, -1);
            for (long[] c : counts) {
                Arrays.fill(c, 0);
            }
        }

        void write(DataOutputStream out, long now) throws IOException {
            long current = Math.floorDiv(now, window.bucketMillis);
            int live = 0;
            for (int s = 0; s < epoch.length; s++) {
                if (live(s, current)) {
                    live++;
                }
            }
            out.writeByte(live);
            for (int s = 0; s < epoch.length; s++) {
                if (live(s, current)) {
                    out.writeLong(epoch[s]);
                    for (long v : counts[s]) {
                        writeVarLong(out, v);
                    }
                }
            }
        }

        void read(DataInputStream in) throws IOException {
            int live = in.readUnsignedByte();
            for (int i = 0; i < live; i++) {
                long e = in.readLong();
                int slot = (int) Math.floorMod(e, (long) window.buckets);
                epoch[slot] = e;
                for (int c = 0; c < N; c++) {
                    counts[slot][c] = readVarLong(in);
                }
            }
        }
    }

    static void writeVarLong(DataOutputStream out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(DataInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("malformed varint");
    }
}
