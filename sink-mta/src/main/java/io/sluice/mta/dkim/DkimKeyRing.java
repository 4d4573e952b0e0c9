package io.sluice.mta.dkim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys Sluice signs with, chosen by the From domain: at most one active key per (signing
 * domain, algorithm). Rotation and withdrawal swap an immutable snapshot atomically, so signing
 * reads never lock; see docs/design/authentication.md for the semantics.
 */
public final class DkimKeyRing {

    private static final Logger LOG = LoggerFactory.getLogger(DkimKeyRing.class);

    /** RFC 8301 section 3.2 asks signers for 2048 bits; smaller keys are refused here. */
    public static final int DEFAULT_MINIMUM_RSA_BITS = 2048;

    private record Snapshot(
            Map<String, Map<DkimAlgorithm, DkimKey>> active, Set<String> withdrawn) {}

    private final AtomicReference<Snapshot> state =
            new AtomicReference<>(new Snapshot(Map.of(), Set.of()));
    private final int minimumRsaBits;

    public DkimKeyRing() {
        this(DEFAULT_MINIMUM_RSA_BITS);
    }

    /** A ring accepting RSA keys of {@code minimumRsaBits} and up (never below 1024, RFC 8301). */
    public DkimKeyRing(int minimumRsaBits) {
        if (minimumRsaBits < 1024) {
            throw new IllegalArgumentException(
                    "minimum RSA key size "
                            + minimumRsaBits
                            + " -- expected 1024 or more (RFC 8301)");
        }
        this.minimumRsaBits = minimumRsaBits;
    }

    /**
     * Makes {@code key} the one used for its domain and algorithm from now on: every signature
     * begun after this returns uses it (rotation to a new selector). A withdrawn key is refused.
     */
    public void activate(DkimKey key) {
        if (key.algorithm() == DkimAlgorithm.RSA_SHA256 && key.rsaBits() < minimumRsaBits) {
            throw new IllegalArgumentException(
                    key
                            + ": RSA key of "
                            + key.rsaBits()
                            + " bits -- expected at least "
                            + minimumRsaBits);
        }
        state.updateAndGet(
                s -> {
                    if (s.withdrawn().contains(key.fingerprint())
                            || s.withdrawn().contains(id(key.domain(), key.selector()))) {
                        throw new IllegalArgumentException(
                                key + " was withdrawn and can never be activated again");
                    }
                    Map<String, Map<DkimAlgorithm, DkimKey>> active = copy(s.active());
                    active.computeIfAbsent(key.domain(), d -> new HashMap<>())
                            .put(key.algorithm(), key);
                    return new Snapshot(freeze(active), s.withdrawn());
                });
        LOG.info("DKIM key activated: {}", key);
    }

    /**
     * Withdraws the key at {@code selector} of {@code domain} (all algorithms): no signature begun
     * after this returns uses it, and it can never be activated again. Returns how many active keys
     * it removed.
     */
    public int withdraw(String domain, String selector) {
        String d = DkimKey.normalizeDomain(domain);
        String id = id(d, selector);
        int[] removed = {0};
        state.updateAndGet(
                s -> {
                    removed[0] = 0;
                    Map<String, Map<DkimAlgorithm, DkimKey>> active = copy(s.active());
                    Set<String> withdrawn = new HashSet<>(s.withdrawn());
                    withdrawn.add(id);
                    Map<DkimAlgorithm, DkimKey> keys = active.get(d);
                    if (keys != null) {
                        for (DkimKey k : List.copyOf(keys.values())) {
                            if (k.selector().equalsIgnoreCase(selector)) {
                                withdrawn.add(k.fingerprint());
                                keys.remove(k.algorithm());
                                removed[0]++;
                            }
                        }
                        if (keys.isEmpty()) {
                            active.remove(d);
                        }
                    }
                    return new Snapshot(freeze(active), Set.copyOf(withdrawn));
                });
        LOG.warn(
                "DKIM selector withdrawn: d={} s={} ({} active keys removed)",
                d,
                selector,
                removed[0]);
        return removed[0];
    }

    /**
     * The keys to sign a message from {@code fromDomain} with, Ed25519 first: those of the From
     * domain itself, else of its nearest parent domain that has keys, which still aligns with the
     * From domain under relaxed DMARC alignment (RFC 7489 section 3.1.1). Empty when none.
     */
    public List<DkimKey> keysFor(String fromDomain) {
        Snapshot s = state.get();
        String d = DkimKey.normalizeDomain(fromDomain);
        while (true) {
            Map<DkimAlgorithm, DkimKey> keys = s.active().get(d);
            if (keys != null) {
                List<DkimKey> out = new ArrayList<>(keys.values());
                out.sort(Comparator.comparing(DkimKey::algorithm));
                return List.copyOf(out);
            }
            int dot = d.indexOf('.');
            if (dot < 0 || d.indexOf('.', dot + 1) < 0) {
                return List.of();
            }
            d = d.substring(dot + 1);
        }
    }

    private static String id(String domain, String selector) {
        return DkimKey.normalizeDomain(domain) + "/" + selector.toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, Map<DkimAlgorithm, DkimKey>> copy(
            Map<String, Map<DkimAlgorithm, DkimKey>> m) {
        Map<String, Map<DkimAlgorithm, DkimKey>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, new HashMap<>(v)));
        return out;
    }

    private static Map<String, Map<DkimAlgorithm, DkimKey>> freeze(
            Map<String, Map<DkimAlgorithm, DkimKey>> m) {
        Map<String, Map<DkimAlgorithm, DkimKey>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, Map.copyOf(v)));
        return Map.copyOf(out);
    }
}
