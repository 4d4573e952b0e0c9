package io.sluice.sim.truth;

import io.sluice.sim.policy.Folder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one simulated provider really did: every message it accepted and every refusal, counted, so
 * that tests and reports can compute delivered, inboxed, duplicated and lost exactly instead of
 * trusting the sender's own events. Thread-safe; kept in memory for the provider's lifetime (a
 * 10,000-message local run holds about a megabyte).
 */
public final class GroundTruth {

    private static final Pattern MESSAGE_ID =
            Pattern.compile("(?im)^message-id:[ \\t]*(?:\\r?\\n[ \\t]+)?<?([^>\\s]+)>?");

    private final String provider;
    private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong inbox = new AtomicLong();
    private final AtomicLong spam = new AtomicLong();
    private final ConcurrentLinkedQueue<Feedback> feedback = new ConcurrentLinkedQueue<>();
    private final Map<Feedback.Kind, AtomicLong> feedbackCounts =
            new EnumMap<>(Feedback.Kind.class);
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Refusal> refusals = new ConcurrentLinkedQueue<>();

    public GroundTruth(String provider) {
        this.provider = provider;
        for (Feedback.Kind k : Feedback.Kind.values()) {
            feedbackCounts.put(k, new AtomicLong());
        }
    }

    public void accepted(Delivery d) {
        deliveries.add(d);
        (d.folder() == Folder.INBOX ? inbox : spam).incrementAndGet();
        // Keyed by recipient too: one Message-ID to two recipients is one message, not a duplicate.
        if (!d.messageId().isEmpty()
                && !seen.add(d.messageId() + "|" + d.recipient().toLowerCase(Locale.ROOT))) {
            duplicates.incrementAndGet();
        }
    }

    /**
     * An accepted message drew feedback; recorded when the provider decided it, before its 250, so
     * a test that has its reply can count on the record.
     */
    public void feedback(Delivery d, Feedback.Kind kind) {
        feedback.add(new Feedback(d, kind));
        feedbackCounts.get(kind).incrementAndGet();
    }

    /** Every feedback decided so far, in the order decided. */
    public List<Feedback> feedback() {
        return new ArrayList<>(feedback);
    }

    public void refused(String reason) {
        refused.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
    }

    /** A refusal counted as {@link #refused(String)} and kept with its time, IP and recipient. */
    public void refused(Refusal r) {
        refused(r.reason());
        refusals.add(r);
    }

    /** Every refusal recorded with its time, in the order refused. */
    public List<Refusal> refusals() {
        return new ArrayList<>(refusals);
    }

    public List<Delivery> deliveries() {
        return new ArrayList<>(deliveries);
    }

    public ProviderStats stats() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        refused.forEach((k, v) -> counts.put(k, v.get()));
        return new ProviderStats(
                provider,
                inbox.get() + spam.get(),
                inbox.get(),
                spam.get(),
                duplicates.get(),
                feedbackCounts.get(Feedback.Kind.COMPLAINT).get(),
                feedbackCounts.get(Feedback.Kind.LATE_BOUNCE).get(),
                feedbackCounts.get(Feedback.Kind.OPEN).get(),
                feedbackCounts.get(Feedback.Kind.CLICK).get(),
                counts);
    }

    /** The Message-ID of a raw message (the header section only), or empty. */
    public static String messageId(byte[] message) {
        String text = new String(message, 0, headerEnd(message), StandardCharsets.ISO_8859_1);
        Matcher m = MESSAGE_ID.matcher(text);
        return m.find() ? m.group(1) : "";
    }

    private static int headerEnd(byte[] m) {
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\n'
                    && (m[i + 1] == '\n'
                            || (m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n'))) {
                return i + 1;
            }
        }
        return m.length;
    }
}
