package io.sluice.mta.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * A parsed DKIM key record (RFC 6376 section 3.6.1): key type, acceptable hashes, service types,
 * flags and the public key bytes. An empty p= means the key was revoked.
 */
public record DkimPublicKeyRecord(
        String keyType,
        List<String> hashes,
        List<String> services,
        List<String> flags,
        byte[] publicKey) {

    public static DkimPublicKeyRecord parse(String text) {
        TagList tags = TagList.parse(text);
        tags.get("v")
                .ifPresent(
                        v -> {
                            if (!v.equals("DKIM1")
                                    || !tags.tags().keySet().iterator().next().equals("v")) {
                                throw new IllegalArgumentException(
                                        "key record v="
                                                + v
                                                + " -- expected DKIM1 as the first tag");
                            }
                        });
        String p =
                tags.compact("p")
                        .orElseThrow(() -> new IllegalArgumentException("key record without p="));
        byte[] key;
        try {
            key = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key record p= is not base64");
        }
        return new DkimPublicKeyRecord(
                tags.get("k").orElse("rsa").toLowerCase(Locale.ROOT),
                list(tags, "h"),
                tags.get("s").map(s -> split(s)).orElse(List.of("*")),
                list(tags, "t"),
                key);
    }

    private static List<String> list(TagList tags, String name) {
        return tags.get(name).map(DkimPublicKeyRecord::split).orElse(List.of());
    }

    private static List<String> split(String v) {
        return List.of(v.toLowerCase(Locale.ROOT).replaceAll("[ \t\r\n]", "").split(":"));
    }

    public boolean revoked() {
        return publicKey.length == 0;
    }

    /** t=s: the i= domain must equal d= exactly, no subdomain (3.6.1). */
    public boolean strictIdentity() {
        return flags.contains("s");
    }

    public boolean allowsEmail() {
        return services.contains("*") || services.contains("email");
    }

    public boolean allowsSha256() {
        return hashes.isEmpty() || hashes.contains("sha256");
    }

    /**
     * The RSA key; p= is normally a SubjectPublicKeyInfo, but a bare PKCS#1 RSAPublicKey is seen in
     * the wild and accepted as other verifiers do.
     */
    RSAPublicKey rsaKey() throws GeneralSecurityException {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        try {
            return (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(publicKey));
        } catch (GeneralSecurityException | ClassCastException e) {
            try {
                org.bouncycastle.asn1.pkcs.RSAPublicKey pkcs1 =
                        org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(publicKey);
                BigInteger n = pkcs1.getModulus();
                BigInteger exp = pkcs1.getPublicExponent();
                return (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(n, exp));
            } catch (RuntimeException notPkcs1) {
                throw new GeneralSecurityException("p= is not an RSA public key");
            }
        }
    }

    /** The Ed25519 key: p= is the raw 32-byte public key (RFC 8463 section 4). */
    Ed25519PublicKeyParameters ed25519Key() throws GeneralSecurityException {
        if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new GeneralSecurityException(
                    "Ed25519 p= has " + publicKey.length + " bytes -- expected 32");
        }
        return new Ed25519PublicKeyParameters(publicKey, 0);
    }
}
