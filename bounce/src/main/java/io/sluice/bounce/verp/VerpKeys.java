package io.sluice.bounce.verp;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The HMAC keys for VERP return paths, by key id: new addresses are signed with {@code current};
 * bounces to addresses signed with an older key still verify until that key is removed, so a key
 * can be rotated without losing the bounces of mail already in flight (retries last days).
 */
public final class VerpKeys implements Serializable {

    private static final long serialVersionUID = 1L;

    /** HMAC-SHA256 keys shorter than this are guessable (RFC 2104 section 3: at least L bytes). */
    private static final int MIN_KEY_BYTES = 32;

    private final String current;
    private final Map<String, byte[]> keys;

    public VerpKeys(String current, Map<String, byte[]> keys) {
        if (!keys.containsKey(current)) {
            throw new IllegalArgumentException(
                    "VERP key id \""
                            + current
                            + "\" is not among the configured keys "
                            + keys.keySet());
        }
        TreeMap<String, byte[]> copy = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : keys.entrySet()) {
            if (!e.getKey().matches("[a-z0-9]{1,8}")) {
                throw new IllegalArgumentException(
                        "VERP key id \"" + e.getKey() + "\" -- expected 1-8 characters a-z, 0-9");
            }
            if (e.getValue().length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException(
                        "VERP key \""
                                + e.getKey()
                                + "\" has "
                                + e.getValue().length
                                + " bytes -- expected at least "
                                + MIN_KEY_BYTES);
            }
            copy.put(e.getKey(), e.getValue().clone());
        }
        this.current = current;
        this.keys = copy;
    }

    /**
     * Keys from {@code id:base64} entries (the option {@code sluice.verp.secret-keys}); the first
     * entry signs unless {@code current} names another.
     */
    public static VerpKeys parse(java.util.List<String> entries, String current) {
        Map<String, byte[]> keys = new java.util.LinkedHashMap<>();
        String first = null;
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                // The entry itself is a secret: never quote it.
                throw new IllegalArgumentException(
                        "VERP key entry #" + (keys.size() + 1) + " -- expected id:base64-key");
            }
            String id = entry.substring(0, colon).strip();
            byte[] key;
            try {
                key = java.util.Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "VERP key \"" + id + "\" is not valid base64", null);
            }
            keys.put(id, key);
            first = first == null ? id : first;
        }
        if (first == null) {
            throw new IllegalArgumentException("no VERP keys configured");
        }
        return new VerpKeys(current == null || current.isBlank() ? first : current, keys);
    }

    @Override
    public String toString() {
        return "VerpKeys[current=" + current + ", ids=" + keys.keySet() + "]"; // never the keys
    }

    public String currentId() {
        return current;
    }

    byte[] currentKey() {
        return keys.get(current).clone();
    }

    Optional<byte[]> key(String id) {
        return Optional.ofNullable(keys.get(id)).map(k -> Arrays.copyOf(k, k.length));
    }
}
