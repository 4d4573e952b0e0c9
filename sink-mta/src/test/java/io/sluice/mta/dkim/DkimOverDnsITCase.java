package io.sluice.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sim.dns.LocalDnsServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;

/**
 * Sign with keys from the ring, publish their records on a real DNS server, verify over UDP (and
 * TCP, since a 2048-bit key record with its chunks can exceed 512 bytes): the production path.
 */
class DkimOverDnsITCase {

    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static final byte[] MESSAGE =
            ("From: news@example.org\r\nTo: bob@example.net\r\nSubject: hi\r\n"
                            + "Date: Sun, 1 Mar 2026 10:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n\r\nHello.\r\n")
                    .getBytes(StandardCharsets.US_ASCII);

    private LocalDnsServer dns;
    private DkimVerifier verifier;
    private DkimKeyRing ring;

    @BeforeEach
    void start() throws Exception {
        dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
        SimpleResolver resolver = new SimpleResolver(dns.address());
        resolver.setTimeout(Duration.ofMillis(500));
        verifier = new DkimVerifier(new DnsTxtLookup(resolver), CLOCK);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        ring = new DkimKeyRing();
        ring.activate(DkimKey.of("example.org", "r1", rsa.generateKeyPair().getPrivate()));
        ring.activate(
                DkimKey.of(
                        "example.org",
                        "e1",
                        KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate()));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private void publish(DkimKey key) throws Exception {
        String record = key.publicKeyRecord();
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < record.length(); i += 255) {
            chunks.add(record.substring(i, Math.min(record.length(), i + 255)));
        }
        dns.add(
                new TXTRecord(
                        Name.fromString(key.selector() + "._domainkey." + key.domain() + "."),
                        DClass.IN,
                        300,
                        chunks));
    }

    @Test
    void bothSignaturesVerifyWithKeysFromDns() throws Exception {
        for (DkimKey key : ring.keysFor("example.org")) {
            publish(key);
        }

        byte[] signed = new DkimSigner(SigningOptions.defaults(), CLOCK).signMessage(MESSAGE, ring);

        assertThat(verifier.verify(signed))
                .extracting(DkimVerification::selector, DkimVerification::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("e1", DkimStatus.PASS),
                        org.assertj.core.groups.Tuple.tuple("r1", DkimStatus.PASS));
    }

    @Test
    void aMissingKeyFailsAndAnUnansweredLookupIsTemporary() throws Exception {
        DkimKey ed = ring.keysFor("example.org").get(0);
        publish(ring.keysFor("example.org").get(1));
        dns.failWith(ed.selector() + "._domainkey.example.org", LocalDnsServer.Failure.TIMEOUT);

        byte[] signed = new DkimSigner(SigningOptions.defaults(), CLOCK).signMessage(MESSAGE, ring);
        List<DkimVerification> results = verifier.verify(signed);

        assertThat(results)
                .extracting(DkimVerification::status)
                .containsExactly(DkimStatus.TEMPFAIL, DkimStatus.PASS);
        dns.heal(ed.selector() + "._domainkey.example.org");
        assertThat(verifier.verify(signed))
                .extracting(DkimVerification::status)
                .containsExactly(DkimStatus.FAIL, DkimStatus.PASS);
    }
}
