package io.sluice.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The providers that sign: RSASSA-PKCS1-v1_5 and Ed25519 are deterministic, so whichever provider
 * is chosen must make exactly the bytes the JDK's own providers make for the same key and data.
 */
class SignatureProvidersTest {

    private static final Map<DkimAlgorithm, PrivateKey> KEYS = new EnumMap<>(DkimAlgorithm.class);
    private static final byte[] DATA =
            ("from:Alice <alice@example.org>\r\nsubject:Spring sale\r\n"
                            + "dkim-signature:v=1; a=rsa-sha256; d=example.org; s=s1; b=")
                    .getBytes(StandardCharsets.US_ASCII);

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KEYS.put(DkimAlgorithm.RSA_SHA256, rsa.generateKeyPair().getPrivate());
        KEYS.put(
                DkimAlgorithm.ED25519_SHA256,
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
    }

    @ParameterizedTest
    @EnumSource(DkimAlgorithm.class)
    void theChosenProviderSignsExactlyAsTheJdkDoes(DkimAlgorithm algorithm) throws Exception {
        SignatureProviders providers = SignatureProviders.system();

        byte[] chosen = providers.signer(algorithm, KEYS.get(algorithm)).sign(DATA);

        assertThat(chosen).isEqualTo(jdkSignature(algorithm, KEYS.get(algorithm), DATA));
    }

    @Test
    void accpSignsBothWhereItsNativeLibraryLoads() {
        var accp = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
        assumeThat(accp.getLoadingError()).as("ACCP's native library loads here").isNull();

        SignatureProviders providers = SignatureProviders.system();

        assertThat(providers.providerName(DkimAlgorithm.RSA_SHA256)).isEqualTo(accp.getName());
        assertThat(providers.providerName(DkimAlgorithm.ED25519_SHA256)).isEqualTo(accp.getName());
        // Used as an object only: TLS and everyone else in the task manager keep their providers.
        assertThat(Security.getProvider(accp.getName())).isNull();
        assertThat(Security.getProvider("Conscrypt")).isNull();
    }

    @Test
    void conscryptTheFirstFallbackSignsBothExactlyAsTheJdkDoes() throws Exception {
        assumeThat(Conscrypt.isAvailable()).as("Conscrypt's native library loads here").isTrue();
        SignatureProviders.Candidate conscrypt =
                SignatureProviders.PREFERENCE.stream()
                        .filter(c -> c.name().equals("Conscrypt"))
                        .findFirst()
                        .orElseThrow();

        SignatureProviders providers = SignatureProviders.choose(List.of(conscrypt));

        assertThat(providers.providerName(DkimAlgorithm.RSA_SHA256)).isEqualTo("Conscrypt");
        assertThat(providers.providerName(DkimAlgorithm.ED25519_SHA256)).isEqualTo("Conscrypt");
        assertSignsAsTheJdk(providers);
    }

    @Test
    void aKeyOfTheSignerReproducesTheJdkSignatureOfTheHeaderHash() throws Exception {
        // DkimKey signs through the chosen provider; Ed25519 signs SHA-256 of the data (RFC 8463).
        DkimKey rsa = DkimKey.of("example.org", "r", KEYS.get(DkimAlgorithm.RSA_SHA256));
        DkimKey ed = DkimKey.of("example.org", "e", KEYS.get(DkimAlgorithm.ED25519_SHA256));
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(DATA);

        assertThat(rsa.sign(DATA))
                .isEqualTo(jdkSignature(DkimAlgorithm.RSA_SHA256, rsaKey(), DATA))
                .isEqualTo(rsa.sign(DATA));
        assertThat(ed.sign(DATA))
                .isEqualTo(jdkSignature(DkimAlgorithm.ED25519_SHA256, edKey(), hash))
                .isEqualTo(ed.sign(DATA));
    }

    @Test
    void aProviderThatFailsToLoadIsSkippedForBouncyCastleAndTheJdk() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        SignatureProviders providers =
                SignatureProviders.choose(
                        List.of(
                                new SignatureProviders.Candidate(
                                        "Broken native",
                                        EnumSet.allOf(DkimAlgorithm.class),
                                        () -> {
                                            loads.incrementAndGet();
                                            throw new UnsatisfiedLinkError("no libbroken.so");
                                        }),
                                new SignatureProviders.Candidate(
                                        "Bouncy Castle",
                                        EnumSet.of(DkimAlgorithm.ED25519_SHA256),
                                        BouncyCastleProvider::new)));

        assertThat(loads).hasValue(1);
        assertThat(providers.providerName(DkimAlgorithm.RSA_SHA256)).isEqualTo("JDK");
        assertThat(providers.providerName(DkimAlgorithm.ED25519_SHA256)).isEqualTo("BC");
        assertSignsAsTheJdk(providers);
    }

    @Test
    void aProviderWithoutEd25519SignsRsaOnlyAndTheNextOneEd25519() throws Exception {
        // SunRsaSign stands in for a provider without Ed25519, as Conscrypt 2.5 is.
        Provider rsaOnly = Security.getProvider("SunRsaSign");
        SignatureProviders providers =
                SignatureProviders.choose(
                        List.of(
                                new SignatureProviders.Candidate(
                                        "RSA only",
                                        EnumSet.allOf(DkimAlgorithm.class),
                                        () -> rsaOnly),
                                new SignatureProviders.Candidate(
                                        "Bouncy Castle",
                                        EnumSet.of(DkimAlgorithm.ED25519_SHA256),
                                        BouncyCastleProvider::new)));

        assertThat(providers.provider(DkimAlgorithm.RSA_SHA256)).containsSame(rsaOnly);
        assertThat(providers.providerName(DkimAlgorithm.ED25519_SHA256)).isEqualTo("BC");
        assertSignsAsTheJdk(providers);
    }

    @Test
    void withNoPreferredProviderTheJdkSignsBoth() throws Exception {
        SignatureProviders providers =
                SignatureProviders.choose(
                        List.of(
                                new SignatureProviders.Candidate(
                                        "Missing jar",
                                        EnumSet.allOf(DkimAlgorithm.class),
                                        () -> {
                                            throw new NoClassDefFoundError(
                                                    "org/conscrypt/Conscrypt");
                                        })));

        assertThat(providers.provider(DkimAlgorithm.RSA_SHA256)).isEmpty();
        assertThat(providers.provider(DkimAlgorithm.ED25519_SHA256)).isEmpty();
        assertSignsAsTheJdk(providers);
    }

    @Test
    void aSignerShowsItsProviderButNoKey() {
        SignatureProviders providers = SignatureProviders.system();

        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            assertThat(providers.signer(algorithm, KEYS.get(algorithm)))
                    .hasToString(
                            "KeySigner[%s by %s]",
                            algorithm.tag(), providers.providerName(algorithm));
        }
    }

    private static void assertSignsAsTheJdk(SignatureProviders providers) throws Exception {
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            assertThat(providers.signer(algorithm, KEYS.get(algorithm)).sign(DATA))
                    .as(algorithm.tag())
                    .isEqualTo(jdkSignature(algorithm, KEYS.get(algorithm), DATA));
        }
    }

    /** The signature of the JDK's default provider for the algorithm. */
    private static byte[] jdkSignature(DkimAlgorithm algorithm, PrivateKey key, byte[] data)
            throws Exception {
        Signature s = Signature.getInstance(SignatureProviders.signatureAlgorithm(algorithm));
        s.initSign(key);
        s.update(data);
        byte[] signature = s.sign();
        assertThat(s.getProvider().getName()).isIn("SunRsaSign", "SunEC");
        return signature;
    }

    private static PrivateKey rsaKey() {
        return KEYS.get(DkimAlgorithm.RSA_SHA256);
    }

    private static PrivateKey edKey() {
        return KEYS.get(DkimAlgorithm.ED25519_SHA256);
    }
}
