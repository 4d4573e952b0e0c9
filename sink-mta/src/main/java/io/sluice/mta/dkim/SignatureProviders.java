package io.sluice.mta.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which JCA provider makes each kind of DKIM signature, chosen once per JVM: the first of a list of
 * preferred providers that loads and offers the algorithm, else the JDK's own providers.
 *
 * <p>Why not simply the JDK's: every message gets an RSA-2048 and an Ed25519 signature, and signing
 * is most of the SMTP stage's CPU. Measured on one core of the 2-core CI machine, as a share of
 * {@code openssl speed}'s signs per second (OpenSSL 3.0, ~3,700 RSA-2048/s and ~32,000 Ed25519/s):
 * the JDK's SunRsaSign ~0.3x and SunEC Ed25519 ~0.06x; Conscrypt 2.6.0 (BoringSSL) 0.49x on RSA
 * (bare signatures, {@code bench/dkim} on a quiet machine) and ~2.3x on Ed25519; Amazon Corretto
 * Crypto Provider 2.5.0 (AWS-LC) 1.0x on RSA and ~3.6x on Ed25519; Bouncy Castle's Ed25519
 * ~0.5-1.2x. The native libraries may not load (ACCP ships one for linux-x86_64 only; Conscrypt's
 * needs glibc 2.35 or later; a second class loader in the same task manager), hence the fallbacks;
 * every provider makes the same bytes, since RSASSA-PKCS1-v1_5 and Ed25519 are deterministic
 * (checked by {@code SignatureProvidersTest}).
 *
 * <p>The providers are used as objects and never installed with {@code Security.addProvider}:
 * Sluice runs inside Flink task managers, whose TLS (Kafka, REST) and other users' code must keep
 * the JVM's provider order.
 */
final class SignatureProviders {

    private static final Logger LOG = LoggerFactory.getLogger(SignatureProviders.class);

    /** A provider that Sluice prefers for some algorithms, if it loads on this machine. */
    record Candidate(String name, Set<DkimAlgorithm> algorithms, Supplier<Provider> loader) {
        Candidate {
            algorithms = Set.copyOf(algorithms);
        }
    }

    /**
     * ACCP first for both, then Conscrypt for both, then Bouncy Castle for Ed25519; the JDK after
     * them.
     */
    static final List<Candidate> PREFERENCE =
            List.of(
                    new Candidate(
                            "Amazon Corretto Crypto Provider",
                            EnumSet.allOf(DkimAlgorithm.class),
                            SignatureProviders::accp),
                    new Candidate(
                            "Conscrypt",
                            EnumSet.allOf(DkimAlgorithm.class),
                            SignatureProviders::conscrypt),
                    new Candidate(
                            "Bouncy Castle",
                            EnumSet.of(DkimAlgorithm.ED25519_SHA256),
                            BouncyCastleProvider::new));

    private final Map<DkimAlgorithm, Optional<Provider>> chosen;

    private SignatureProviders(Map<DkimAlgorithm, Optional<Provider>> chosen) {
        this.chosen = chosen;
    }

    /** The choice for this JVM, made on first use from {@link #PREFERENCE}. */
    static SignatureProviders system() {
        return ForThisJvm.INSTANCE;
    }

    /**
     * Chooses, for each algorithm, the first candidate that loads and offers both its signature and
     * its key factory; a candidate that fails to load is skipped for every algorithm.
     */
    static SignatureProviders choose(List<Candidate> preference) {
        Map<DkimAlgorithm, Optional<Provider>> chosen = new EnumMap<>(DkimAlgorithm.class);
        List<String> skipped = new ArrayList<>();
        for (Candidate candidate : preference) {
            if (chosen.keySet().containsAll(candidate.algorithms())) {
                continue;
            }
            Provider provider;
            try {
                provider = candidate.loader().get();
            } catch (RuntimeException | LinkageError e) {
                // A missing jar or native library: the next candidate, or the JDK, signs instead.
                skipped.add(candidate.name() + " (" + e + ")");
                continue;
            }
            for (DkimAlgorithm algorithm : candidate.algorithms()) {
                if (!chosen.containsKey(algorithm) && offers(provider, algorithm)) {
                    chosen.put(algorithm, Optional.of(provider));
                }
            }
        }
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            chosen.putIfAbsent(algorithm, Optional.empty());
        }
        SignatureProviders providers = new SignatureProviders(chosen);
        LOG.info(
                "DKIM signatures made by: {}{}",
                providers,
                skipped.isEmpty() ? "" : "; unavailable: " + String.join(", ", skipped));
        return providers;
    }

    /** The provider that signs {@code algorithm}; empty means the JDK's providers. */
    Optional<Provider> provider(DkimAlgorithm algorithm) {
        return chosen.get(algorithm);
    }

    /** The name of the provider that signs {@code algorithm}, for logs and benchmarks. */
    String providerName(DkimAlgorithm algorithm) {
        return provider(algorithm).map(Provider::getName).orElse("JDK");
    }

    /**
     * A signer for {@code key} (as the JDK's key factories make it) with the chosen provider. The
     * key is converted for that provider here, once, through its PKCS#8 encoding: some providers
     * (Conscrypt's Ed25519) accept only keys of their own.
     */
    KeySigner signer(DkimAlgorithm algorithm, PrivateKey key) {
        Optional<Provider> provider = provider(algorithm);
        if (provider.isEmpty()) {
            return new KeySigner(algorithm, Optional.empty(), key);
        }
        if (provider.get().getService("KeyFactory", keyAlgorithm(algorithm)) == null) {
            // No key factory of its own (ACCP's Ed25519): it signs with the JDK's key, as
            // offers() checked when it chose the provider.
            return new KeySigner(algorithm, provider, key);
        }
        byte[] pkcs8 = key.getEncoded();
        try {
            PrivateKey own =
                    KeyFactory.getInstance(keyAlgorithm(algorithm), provider.get())
                            .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new KeySigner(algorithm, provider, own);
        } catch (GeneralSecurityException e) {
            // The cause's message is left out: it is the provider's and might quote the input.
            throw new IllegalStateException(
                    providerName(algorithm)
                            + " cannot read a "
                            + algorithm.tag()
                            + " key ("
                            + e.getClass().getSimpleName()
                            + ")");
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /**
     * One private key ready to sign with one provider; its {@code toString()} shows no key. Each
     * thread keeps its own initialized {@link Signature}, which {@code sign()} resets for the next
     * use with the same key: making and initializing one costs about a third of an Ed25519
     * signature.
     */
    static final class KeySigner {
        private final DkimAlgorithm algorithm;
        private final Optional<Provider> provider;
        private final PrivateKey key;
        private final ThreadLocal<Signature> perThread = new ThreadLocal<>();

        private KeySigner(DkimAlgorithm algorithm, Optional<Provider> provider, PrivateKey key) {
            this.algorithm = algorithm;
            this.provider = provider;
            this.key = key;
        }

        /** RSASSA-PKCS1-v1_5 with SHA-256 over {@code data}, or PureEdDSA over {@code data}. */
        byte[] sign(byte[] data) throws GeneralSecurityException {
            Signature s = perThread.get();
            if (s == null) {
                String name = signatureAlgorithm(algorithm);
                s =
                        provider.isPresent()
                                ? Signature.getInstance(name, provider.get())
                                : Signature.getInstance(name);
                s.initSign(key);
                perThread.set(s);
            }
            try {
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException | RuntimeException e) {
                perThread.remove(); // its state is unknown after a failure
                throw e;
            }
        }

        @Override
        public String toString() {
            return "KeySigner["
                    + algorithm.tag()
                    + " by "
                    + provider.map(Provider::getName).orElse("JDK")
                    + "]";
        }
    }

    static String signatureAlgorithm(DkimAlgorithm algorithm) {
        return algorithm == DkimAlgorithm.RSA_SHA256 ? "SHA256withRSA" : "Ed25519";
    }

    static String keyAlgorithm(DkimAlgorithm algorithm) {
        return algorithm == DkimAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519";
    }

    /**
     * Whether {@code provider} signs {@code algorithm}: it has the signature, and either a key
     * factory to read Sluice's keys into its own or, lacking one (ACCP has no Ed25519 key factory),
     * it signs with a key of the JDK's, which is tried here once.
     */
    private static boolean offers(Provider provider, DkimAlgorithm algorithm) {
        if (provider.getService("Signature", signatureAlgorithm(algorithm)) == null) {
            return false;
        }
        if (provider.getService("KeyFactory", keyAlgorithm(algorithm)) != null) {
            return true;
        }
        try {
            java.security.KeyPairGenerator generator =
                    java.security.KeyPairGenerator.getInstance(keyAlgorithm(algorithm));
            if (algorithm == DkimAlgorithm.RSA_SHA256) {
                generator.initialize(2048);
            }
            Signature s = Signature.getInstance(signatureAlgorithm(algorithm), provider);
            s.initSign(generator.generateKeyPair().getPrivate());
            s.update(new byte[] {1});
            s.sign();
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static Provider accp() {
        var accp = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
        accp.assertHealthy(); // throws, with the reason, if its native library did not load
        return accp;
    }

    private static Provider conscrypt() {
        Conscrypt.checkAvailability(); // throws, with the reason, if the native library does not
        // load
        return Conscrypt.newProvider();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            s.append(s.length() == 0 ? "" : ", ")
                    .append(algorithm.tag())
                    .append(" by ")
                    .append(providerName(algorithm));
        }
        return s.toString();
    }

    /** Chosen on first use: loading Conscrypt unpacks and links its native library. */
    private static final class ForThisJvm {
        static final SignatureProviders INSTANCE = choose(PREFERENCE);
    }
}
