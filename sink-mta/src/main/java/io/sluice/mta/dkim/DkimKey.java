package io.sluice.mta.dkim;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A private signing key for one (signing domain, selector, algorithm). The key material stays
 * inside: {@link #toString()}, exception messages and logs show only the domain, selector,
 * algorithm and a fingerprint of the public key.
 */
public final class DkimKey {

    private final String domain;
    private final String selector;
    private final DkimAlgorithm algorithm;

    /** As the JDK's key factories make it: an RSAPrivateCrtKey or an EdECPrivateKey. */
    private final PrivateKey key;

    private final int rsaBits;
    private final byte[] publicKey;

    /** The key as the chosen provider wants it, made on first use and then reused. */
    private volatile SignatureProviders.KeySigner signer;

    private DkimKey(
            String domain,
            String selector,
            DkimAlgorithm algorithm,
            PrivateKey key,
            int rsaBits,
            byte[] publicKey) {
        this.domain = normalizeDomain(domain);
        this.selector = selector.toLowerCase(Locale.ROOT);
        if (!this.selector.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_-]+)*")) {
            throw new IllegalArgumentException("selector \"" + selector + "\" is not a DNS label");
        }
        this.algorithm = algorithm;
        this.key = key;
        this.rsaBits = rsaBits;
        this.publicKey = publicKey;
    }

    private static DkimKey rsa(String domain, String selector, RSAPrivateCrtKey key) {
        return new DkimKey(
                domain,
                selector,
                DkimAlgorithm.RSA_SHA256,
                key,
                key.getModulus().bitLength(),
                rsaPublicKey(key));
    }

    /**
     * Reads a PEM file holding an RSA key (PKCS#1 {@code RSA PRIVATE KEY} or PKCS#8 {@code PRIVATE
     * KEY}) or an Ed25519 key (PKCS#8, RFC 8410). The algorithm follows from the key.
     */
    public static DkimKey load(String domain, String selector, Path pemFile) {
        try {
            return fromPem(domain, selector, Files.readString(pemFile, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the DKIM key for d="
                            + domain
                            + " s="
                            + selector
                            + " from "
                            + pemFile,
                    e);
        }
    }

    public static DkimKey fromPem(String domain, String selector, String pem) {
        String where = "DKIM key for d=" + domain + " s=" + selector;
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            parsed = parser.readObject();
        } catch (IOException e) {
            // The parser's message may quote the input: keep it out, name the key instead.
            throw new IllegalArgumentException(
                    where + ": not readable PEM -- expected an unencrypted PKCS#1 or PKCS#8 key");
        }
        PrivateKeyInfo info;
        if (parsed instanceof PEMKeyPair pair) {
            info = pair.getPrivateKeyInfo();
        } else if (parsed instanceof PrivateKeyInfo pki) {
            info = pki;
        } else {
            throw new IllegalArgumentException(
                    where
                            + ": the PEM holds "
                            + (parsed == null ? "nothing" : parsed.getClass().getSimpleName())
                            + " -- expected an unencrypted RSA or Ed25519 private key");
        }
        try {
            AsymmetricKeyParameter params = PrivateKeyFactory.createKey(info);
            if (params instanceof Ed25519PrivateKeyParameters ed) {
                byte[] seed = ed.getEncoded();
                try {
                    return ed25519FromSeed(domain, selector, seed);
                } finally {
                    Arrays.fill(seed, (byte) 0);
                }
            }
            PrivateKey jca = new JcaPEMKeyConverter().getPrivateKey(info);
            if (jca instanceof RSAPrivateCrtKey rsaKey) {
                return rsa(domain, selector, rsaKey);
            }
            throw new IllegalArgumentException(
                    where
                            + ": unsupported key type "
                            + jca.getAlgorithm()
                            + " -- expected RSA or Ed25519");
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": malformed private key structure");
        }
    }

    /** An Ed25519 key from its 32-byte seed, the form RFC 8463 Appendix A publishes. */
    public static DkimKey ed25519FromSeed(String domain, String selector, byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException(
                    "Ed25519 seed for d="
                            + domain
                            + " s="
                            + selector
                            + " has "
                            + seed.length
                            + " bytes -- expected 32");
        }
        try {
            PrivateKey key =
                    KeyFactory.getInstance("Ed25519")
                            .generatePrivate(
                                    new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            // The JDK cannot derive the public key from the private one; Bouncy Castle can.
            byte[] publicKey =
                    new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
            return new DkimKey(domain, selector, DkimAlgorithm.ED25519_SHA256, key, 0, publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519 (Java 15 or later is)", e);
        }
    }

    /** Wraps a JCA key: an {@link RSAPrivateCrtKey} or an {@link EdECPrivateKey}. */
    public static DkimKey of(String domain, String selector, PrivateKey key) {
        if (key instanceof RSAPrivateCrtKey rsaKey) {
            return rsa(domain, selector, rsaKey);
        }
        if (key instanceof EdECPrivateKey ed) {
            byte[] seed =
                    ed.getBytes()
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "Ed25519 key for d="
                                                            + domain
                                                            + " has no extractable seed"));
            try {
                return ed25519FromSeed(domain, selector, seed);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        }
        throw new IllegalArgumentException(
                "DKIM key for d="
                        + domain
                        + " s="
                        + selector
                        + ": unsupported "
                        + key.getAlgorithm()
                        + " key -- expected RSA (CRT) or Ed25519");
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    /** The RSA modulus size in bits, 0 for Ed25519. */
    public int rsaBits() {
        return rsaBits;
    }

    /** The key record to publish at {@code selector._domainkey.domain} (RFC 6376 3.6.1). */
    public String publicKeyRecord() {
        return "v=DKIM1; k="
                + algorithm.keyType()
                + "; p="
                + Base64.getEncoder().encodeToString(publicKey);
    }

    /** True when {@code record} publishes this key's public key (and has not revoked it). */
    public boolean publishedBy(DkimPublicKeyRecord record) {
        return !record.revoked() && java.util.Arrays.equals(publicKey, record.publicKey());
    }

    /** SHA-256 of the public key, hex: safe to log, identifies the key across reloads. */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Signs the canonical header data. RSA hashes it inside PKCS#1 v1.5 signing (RFC 6376 3.3.1);
     * Ed25519 signs the SHA-256 of it with PureEdDSA (RFC 8463 section 3). The provider is the one
     * {@link SignatureProviders} chose for this JVM.
     */
    byte[] sign(byte[] data) {
        SignatureProviders.KeySigner s = signer;
        if (s == null) {
            // Two threads may both convert the key on first use; either result is the same.
            s = SignatureProviders.system().signer(algorithm, key);
            signer = s;
        }
        try {
            return s.sign(algorithm == DkimAlgorithm.ED25519_SHA256 ? sha256(data) : data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + this + " by " + s + " failed", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String normalizeDomain(String domain) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    private static byte[] rsaPublicKey(RSAPrivateCrtKey key) {
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()))
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the RSA public key", e);
        }
    }

    @Override
    public String toString() {
        return "DkimKey[d="
                + domain
                + ", s="
                + selector
                + ", a="
                + algorithm.tag()
                + ", fingerprint="
                + fingerprint().substring(0, 16)
                + "]";
    }
}
