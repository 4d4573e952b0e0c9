package io.sluice.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DkimKeyRingTest {

    private static PrivateKey rsaKey;
    private static DkimKey rsaOld;
    private static DkimKey rsaNew;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        rsaKey = rsa.generateKeyPair().getPrivate();
        rsaOld = DkimKey.of("example.org", "s2025", rsaKey);
        rsaNew = DkimKey.of("example.org", "s2026", rsa.generateKeyPair().getPrivate());
    }

    private static DkimKey ed(String domain, String selector) throws Exception {
        return DkimKey.of(
                domain,
                selector,
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
    }

    @Test
    void choosesTheFromDomainThenItsNearestParentEd25519First() throws Exception {
        DkimKeyRing ring = new DkimKeyRing();
        ring.activate(rsaOld);
        ring.activate(ed("example.org", "e2025"));
        ring.activate(ed("mail.example.org", "sub"));

        assertThat(ring.keysFor("Mail.Example.org"))
                .extracting(DkimKey::selector)
                .containsExactly("sub");
        assertThat(ring.keysFor("news.eu.example.org"))
                .extracting(DkimKey::selector)
                .containsExactly("e2025", "s2025");
        assertThat(ring.keysFor("example.net")).isEmpty();
        assertThat(ring.keysFor("org")).isEmpty();
    }

    @Test
    void rotationSwitchesEveryLaterSignatureToTheNewSelector() {
        DkimKeyRing ring = new DkimKeyRing();
        ring.activate(rsaOld);
        assertThat(ring.keysFor("example.org"))
                .extracting(DkimKey::selector)
                .containsExactly("s2025");

        ring.activate(rsaNew);

        assertThat(ring.keysFor("example.org"))
                .extracting(DkimKey::selector)
                .containsExactly("s2026");
    }

    @Test
    void aWithdrawnKeyIsNeverUsedOrActivatedAgain() throws Exception {
        DkimKeyRing ring = new DkimKeyRing();
        ring.activate(rsaOld);
        ring.activate(ed("example.org", "s2025"));

        assertThat(ring.withdraw("EXAMPLE.org", "s2025")).isEqualTo(2);

        assertThat(ring.keysFor("example.org")).isEmpty();
        assertThatThrownBy(() -> ring.activate(rsaOld)).hasMessageContaining("withdrawn");
        // The same key material under another selector is refused too.
        assertThatThrownBy(() -> ring.activate(DkimKey.of("example.org", "renamed", rsaKey)))
                .hasMessageContaining("withdrawn");
        ring.activate(rsaNew);
        assertThat(ring.keysFor("example.org"))
                .extracting(DkimKey::selector)
                .containsExactly("s2026");
    }

    @Test
    void noLookupStartedAfterWithdrawalReturnsTheKey() throws Exception {
        DkimKeyRing ring = new DkimKeyRing();
        ring.activate(rsaOld);
        AtomicBoolean withdrawn = new AtomicBoolean();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger lookups = new AtomicInteger();
        List<Thread> signers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread signer =
                    new Thread(
                            () -> {
                                for (int i = 0; i < 20_000; i++) {
                                    boolean after = withdrawn.get();
                                    List<DkimKey> keys = ring.keysFor("example.org");
                                    lookups.incrementAndGet();
                                    if (after && keys.contains(rsaOld)) {
                                        violations.incrementAndGet();
                                    }
                                }
                            });
            signers.add(signer);
            signer.start();
        }
        Thread.yield();
        ring.withdraw("example.org", "s2025");
        withdrawn.set(true);
        for (Thread t : signers) {
            t.join();
        }

        assertThat(lookups.get()).isEqualTo(80_000);
        assertThat(violations.get()).isZero();
    }

    @Test
    void keyMaterialStaysOutOfToStringAndErrors() throws Exception {
        String secret = Base64.getEncoder().encodeToString(rsaKey.getEncoded());
        java.io.StringWriter pem = new java.io.StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(rsaKey);
        }
        DkimKey loaded = DkimKey.fromPem("example.org", "pem", pem.toString());
        String body = pem.toString().lines().skip(1).findFirst().orElseThrow();

        assertThat(loaded.rsaBits()).isEqualTo(2048);
        assertThat(loaded.toString())
                .startsWith("DkimKey[d=example.org, s=pem, a=rsa-sha256, fingerprint=")
                .doesNotContain(secret.substring(0, 40))
                .doesNotContain(body);
        String broken =
                pem.toString().replace(body, body.substring(0, 20) + "!!" + body.substring(22));
        assertThatThrownBy(() -> DkimKey.fromPem("example.org", "pem", broken))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(body.substring(0, 20)))
                .hasMessageContaining("d=example.org s=pem");
    }
}
