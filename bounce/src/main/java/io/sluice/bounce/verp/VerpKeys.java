package io.sluice.bounce.verp;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The HMAC keys for VERP return paths, by key id: new addresses are signed with {@code current};
 * bounces to addresses signed with an older key still verify until that key is removed, so a key
 * can be rotated without losing the bounces of mail already in flight (retries last days).
 */
public final class VerpKeys {

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
