package io.sluice.delivery.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.send.ReturnPaths;
import io.sluice.delivery.send.SendingPools;
import io.sluice.delivery.send.SmtpDeliveryFunction;
import io.sluice.delivery.shaping.PoolPolicy;
import io.sluice.mta.dkim.DkimKey;
import io.sluice.sim.dns.LocalDnsServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery job's sender-domain policy over real DNS on UDP: verified once, kept for the
 * re-check interval, checked again in the background, and a DNS outage keeps the last answer.
 */
class SenderDomainPolicyTest {

    private static final List<String> IPS =
            List.of(
                    "shared/127.0.0.10/mta10.sluice.test",
                    "dedicated/127.0.0.30/mta30.sluice.test");

    @TempDir Path dir;
    private LocalDnsServer dns;
    private final MutableClock clock = new MutableClock();
    private SenderDomainPolicy policy;
    private DkimKey key;

    @BeforeEach
    void publish() throws Exception {
        dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
        byte[] pkcs8 =
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        Path pem = dir.resolve("acme.pem");
        Files.writeString(
                pem,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(pkcs8)
                        + "\n-----END PRIVATE KEY-----\n");
        key = DkimKey.load("acme.example", "s1", pem);
        dns.loadZone(
                String.join(
                        "\n",
                        "$TTL 300",
                        "s1._domainkey.acme.example. IN TXT \"" + key.publicKeyRecord() + "\"",
                        // Only the shared IP: the dedicated pool belongs to another tenant.
                        "acme.example. IN TXT \"v=spf1 ip4:127.0.0.10 -all\"",
                        "_dmarc.acme.example. IN TXT \"v=DMARC1; p=none\"",
                        "mta10.sluice.test. IN A 127.0.0.10",
                        "10.0.0.127.in-addr.arpa. IN PTR mta10.sluice.test.",
                        ""),
                ".");
        String server = "127.0.0.1:" + dns.address().getPort();
        policy =
                new SenderDomainPolicy(
                        List.of("acme/acme.example", "globex/globex.example"),
                        true,
                        Duration.ofHours(1),
                        SendingPools.parse(IPS, "shared"),
                        PoolPolicy.of(IPS, List.of("dedicated/initech"), "shared"),
                        List.of("acme.example/s1/" + pem),
                        ReturnPaths.none(),
                        () -> SmtpDeliveryFunction.resolver(server, Duration.ofMillis(500)));
        policy.open(clock);
    }

    @AfterEach
    void stop() {
        policy.close();
        dns.close();
    }

    @Test
    void aVerifiedDomainSendsAndAnUnpublishedOneIsRejectedWithItsFirstProblem() {
        assertThat(policy.check("acme", "news@acme.example")).isEmpty();
        assertThat(policy.check("acme", "News@ACME.example")).isEmpty();

        Optional<Rejection> globex = policy.check("globex", "news@globex.example");

        assertThat(globex)
                .get()
                .extracting(Rejection::reason)
                .isEqualTo(
                        "sender-domain-not-verified: FAIL dkim globex.example -- no DKIM key is"
                                + " configured for globex.example; fix: make a key and configure"
                                + " it (sluice.dkim.keys globex.example/SELECTOR/key.pem), then"
                                + " publish its record");
    }

    @Test
    void aWithdrawnRecordStopsTheDomainAfterTheRecheckButADnsOutageDoesNot() throws Exception {
        assertThat(policy.check("acme", "news@acme.example")).isEmpty();

        dns.failWith("s1._domainkey.acme.example", LocalDnsServer.Failure.SERVFAIL);
        clock.advance(Duration.ofMinutes(61));
        assertThat(policy.check("acme", "news@acme.example"))
                .as("stale while re-checking")
                .isEmpty();
        clock.advance(Duration.ofMinutes(1));
        // The background re-check gets SERVFAIL: the last answer stays.
        Thread.sleep(1_500);
        assertThat(policy.check("acme", "news@acme.example")).as("after a DNS outage").isEmpty();

        dns.heal("s1._domainkey.acme.example");
        dns.remove("s1._domainkey.acme.example");
        clock.advance(Duration.ofMinutes(61));
        Optional<Rejection> rejection = policy.check("acme", "news@acme.example");
        for (int i = 0; i < 100 && rejection.isEmpty(); i++) {
            Thread.sleep(100);
            rejection = policy.check("acme", "news@acme.example");
        }
        assertThat(rejection)
                .as("after the re-check found the record gone")
                .get()
                .extracting(Rejection::reason)
                .isEqualTo(
                        "sender-domain-not-verified: FAIL dkim s1._domainkey.acme.example -- no TXT"
                                + " record; fix: publish TXT s1._domainkey.acme.example \""
                                + key.publicKeyRecord()
                                + "\"");
    }

    /** A clock the test moves by hand; the policy's re-check reads it. */
    private static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-28T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
