package io.sluice.sim.feedback;

import io.sluice.sim.truth.Delivery;
import java.nio.charset.StandardCharsets;

/**
 * The simulator's dice: a number in [0, 1) from a message, its recipient and the kind of feedback.
 * A hash rather than a random generator, so that a rerun of the same campaign draws the same
 * complaints, bounces and opens whatever the thread order; the kind is mixed in so that the draws
 * for one message are independent of each other.
 */
final class Draw {

    private Draw() {}

    static double of(Delivery d, String kind) {
        return (mix(d.messageId() + "|" + d.recipient() + "|" + kind) >>> 11) * 0x1.0p-53;
    }

    /** A hash of the message and recipient, for report ids. */
    static long hash(Delivery d) {
        return mix(d.messageId() + "|" + d.recipient());
    }

    private static long mix(String s) {
        long h = 1125899906842597L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        // The finalizer of MurmurHash3 (fmix64): nearby inputs land far apart.
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The sending domain of a delivery: MAIL FROM's domain, empty for the null sender. */
    static String senderDomain(Delivery d) {
        String from = d.mailFrom();
        return from.substring(from.lastIndexOf('@') + 1);
    }
}
