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
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
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
    private final RSAPrivateCrtKey rsa;
    private final Ed25519PrivateKeyParameters ed25519;
    private final byte[] publicKey;

    private DkimKey(
            String domain,
            String selector,
            DkimAlgorithm algorithm,
            RSAPrivateCrtKey rsa,
            Ed25519PrivateKeyParameters ed25519) {
        this.domain = normalizeDomain(domain);
        this.selector = selector.toLowerCase(Locale.ROOT);
        if (!this.selector.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_-]+)*")) {
            throw new IllegalArgumentException("selector \"" + selector + "\" is not a DNS label");
        }
        this.algorithm = algorithm;
        this.rsa = rsa;
        this.ed25519 = ed25519;
        this.publicKey = rsa != null ? rsaPublicKey(rsa) : ed25519.generatePublicKey().getEncoded();
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
                return new DkimKey(domain, selector, DkimAlgorithm.ED25519_SHA256, null, ed);
            }
            PrivateKey jca = new JcaPEMKeyConverter().getPrivateKey(info);
            if (jca instanceof RSAPrivateCrtKey rsaKey) {
                return new DkimKey(domain, selector, DkimAlgorithm.RSA_SHA256, rsaKey, null);
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
        return new DkimKey(
                domain,
                selector,
                DkimAlgorithm.ED25519_SHA256,
                null,
                new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** Wraps a JCA key: an {@link RSAPrivateCrtKey} or an {@link EdECPrivateKey}. */
    public static DkimKey of(String domain, String selector, PrivateKey key) {
        if (key instanceof RSAPrivateCrtKey rsaKey) {
            return new DkimKey(domain, selector, DkimAlgorithm.RSA_SHA256, rsaKey, null);
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
            return ed25519FromSeed(domain, selector, seed);
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
        return rsa == null ? 0 : rsa.getModulus().bitLength();
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
     * Ed25519 signs the SHA-256 of it with PureEdDSA (RFC 8463 section 3). Bouncy Castle's Ed25519
     * is used rather than the JDK's, which is several times slower.
     */
    byte[] sign(byte[] data) {
        try {
            if (rsa != null) {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(rsa);
                s.update(data);
                return s.sign();
            }
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, ed25519);
            signer.update(hash, 0, hash.length);
            return signer.generateSignature();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + this + " failed", e);
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
