package io.sluice.mta.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mta.dkim.DkimKey;
import io.sluice.mta.smtp.SendingIp;
import io.sluice.sim.dns.LocalDnsServer;
import java.net.InetAddress;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.SimpleResolver;

/** Sender-domain verification over real DNS on UDP: each check, and what it tells to publish. */
class SenderDomainCheckTest {

    private static DkimKey key;
    private static DkimKey otherKey;

    private final List<SendingIp> ips =
            List.of(
                    new SendingIp("shared", ip("127.0.0.10"), "mta10.sluice.test"),
                    new SendingIp("shared", ip("127.0.0.11"), "mta11.sluice.test"));
    private LocalDnsServer dns;
    private SenderDomainCheck check;

    @BeforeAll
    static void keys() throws Exception {
        key = DkimKey.of("acme.example", "s1", ed25519());
        otherKey = DkimKey.of("acme.example", "s1", ed25519());
    }

    @BeforeEach
    void publishAGoodDomain() throws Exception {
        dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
        dns.loadZone(
                String.join(
                        "\n",
                        "$TTL 300",
                        "s1._domainkey.acme.example. IN TXT \"" + key.publicKeyRecord() + "\"",
                        "bounces.acme.example. IN TXT \"v=spf1 ip4:127.0.0.8/29 ip4:127.0.0.11 -all\"",
                        "_dmarc.acme.example. IN TXT \"v=DMARC1; p=quarantine\"",
                        "mta10.sluice.test. IN A 127.0.0.10",
                        "mta11.sluice.test. IN A 127.0.0.11",
                        "10.0.0.127.in-addr.arpa. IN PTR mta10.sluice.test.",
                        "11.0.0.127.in-addr.arpa. IN PTR mta11.sluice.test.",
                        ""),
                ".");
        SimpleResolver resolver = new SimpleResolver(dns.address());
        resolver.setTimeout(Duration.ofMillis(500));
        check = new SenderDomainCheck(resolver, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void aDomainPublishedRightIsVerifiedWithEveryCheckPassed() {
        SenderDomainReport report = run("bounces.acme.example");

        assertThat(report.verified()).isTrue();
        assertThat(report.checks())
                .extracting(DomainCheck::name)
                .containsExactly(
                        "dkim s1._domainkey.acme.example",
                        "spf bounces.acme.example 127.0.0.10",
                        "spf bounces.acme.example 127.0.0.11",
                        "dmarc _dmarc.acme.example",
                        "dmarc dkim-alignment acme.example",
                        "dmarc spf-alignment bounces.acme.example",
                        "fcrdns 127.0.0.10",
                        "fcrdns 127.0.0.11");
        assertThat(report.checks()).allMatch(DomainCheck::passed);
    }

    @Test
    void aKeyThatIsNotTheOnePublishedFailsAndSaysWhatToPublish() {
        SenderDomainReport report =
                check.check("acme", "acme.example", List.of(otherKey), ips, "bounces.acme.example");

        assertThat(report.verified()).isFalse();
        DomainCheck dkim = report.firstProblem().orElseThrow();
        assertThat(dkim.name()).isEqualTo("dkim s1._domainkey.acme.example");
        assertThat(dkim.fix())
                .isEqualTo(
                        "publish TXT s1._domainkey.acme.example \""
                                + otherKey.publicKeyRecord()
                                + "\"");
    }

    @Test
    void anIpTheSpfRecordDoesNotListFails() {
        dns.remove("bounces.acme.example");
        dns.loadZone("bounces.acme.example. 300 IN TXT \"v=spf1 ip4:127.0.0.10 -all\"\n", ".");

        SenderDomainReport report = run("bounces.acme.example");

        assertThat(report.checks())
                .filteredOn(c -> !c.passed())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.name()).isEqualTo("spf bounces.acme.example 127.0.0.11");
                            assertThat(c.detail()).startsWith("fail");
                            assertThat(c.fix())
                                    .isEqualTo(
                                            "add ip4:127.0.0.11 to the SPF record of"
                                                    + " bounces.acme.example");
                        });
    }

    @Test
    void noDmarcRecordAndAReturnPathOutsideTheDomainFail() {
        dns.remove("_dmarc.acme.example");

        SenderDomainReport noRecord = run("bounces.acme.example");
        assertThat(noRecord.checks())
                .filteredOn(c -> !c.passed())
                .singleElement()
                .satisfies(
                        c ->
                                assertThat(c.fix())
                                        .startsWith(
                                                "publish TXT _dmarc.acme.example \"v=DMARC1; p=none;"));

        dns.loadZone("_dmarc.acme.example. 300 IN TXT \"v=DMARC1; p=reject\"\n", ".");
        dns.loadZone("esp.example. 300 IN TXT \"v=spf1 ip4:127.0.0.0/24 -all\"\n", ".");
        SenderDomainReport foreignReturnPath = run("esp.example");
        assertThat(foreignReturnPath.checks())
                .filteredOn(c -> !c.passed())
                .extracting(DomainCheck::line)
                .containsExactly(
                        "FAIL dmarc spf-alignment esp.example -- esp.example does not align with"
                                + " acme.example (relaxed); fix: use a return path under"
                                + " acme.example (sluice.verp.bounce-domain bounces.{from-domain})");
    }

    @Test
    void anIpWhosePtrIsNotItsEhloNameFails() {
        dns.remove("11.0.0.127.in-addr.arpa");
        dns.loadZone("11.0.0.127.in-addr.arpa. 300 IN PTR host-11.isp.example.\n", ".");

        SenderDomainReport report = run("bounces.acme.example");

        assertThat(report.checks())
                .filteredOn(c -> !c.passed())
                .extracting(DomainCheck::line)
                .containsExactly(
                        "FAIL fcrdns 127.0.0.11 -- PTR is host-11.isp.example, the EHLO name is"
                                + " mta11.sluice.test; fix: have the owner of 127.0.0.11 publish"
                                + " PTR mta11.sluice.test.");
    }

    @Test
    void noKeyConfiguredFails() {
        SenderDomainReport report =
                check.check("acme", "acme.example", List.of(), ips, "bounces.acme.example");

        assertThat(report.firstProblem().orElseThrow().detail())
                .isEqualTo("no DKIM key is configured for acme.example");
    }

    @Test
    void aDnsThatDoesNotAnswerIsATemporaryErrorNotAVerdict() {
        dns.failWith("s1._domainkey.acme.example", LocalDnsServer.Failure.SERVFAIL);

        SenderDomainReport report = run("bounces.acme.example");

        assertThat(report.verified()).isFalse();
        assertThat(report.temporary()).isTrue();
        assertThat(report.firstProblem().orElseThrow().state())
                .isEqualTo(DomainCheck.State.TEMPERROR);
    }

    private SenderDomainReport run(String returnPathDomain) {
        return check.check("acme", "acme.example", List.of(key), ips, returnPathDomain);
    }

    private static java.security.PrivateKey ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
    }

    private static InetAddress ip(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
