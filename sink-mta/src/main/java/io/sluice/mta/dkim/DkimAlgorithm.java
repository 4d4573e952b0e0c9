package io.sluice.mta.dkim;

/**
 * The signing algorithms Sluice signs and verifies with: rsa-sha256 (RFC 6376 section 3.3) and
 * ed25519-sha256 (RFC 8463). rsa-sha1 is not offered: RFC 8301 section 3.1 forbids signing with it
 * and verifiers must not treat it as valid.
 */
public enum DkimAlgorithm {
    ED25519_SHA256("ed25519-sha256", "ed25519"),
    RSA_SHA256("rsa-sha256", "rsa");

    private final String tag;
    private final String keyType;

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    /** The a= value. */
    public String tag() {
        return tag;
    }

    /** The k= value of the key record. */
    public String keyType() {
        return keyType;
    }

    public static DkimAlgorithm fromTag(String tag) {
        for (DkimAlgorithm a : values()) {
            if (a.tag.equalsIgnoreCase(tag)) {
                return a;
            }
        }
        throw new IllegalArgumentException(
                "algorithm \"" + tag + "\" -- expected rsa-sha256 or ed25519-sha256");
    }
}
