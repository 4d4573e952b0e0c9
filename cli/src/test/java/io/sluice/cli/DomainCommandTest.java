package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.local.LocalDkimKeys;
import io.sluice.sim.dns.LocalDnsServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice domain check}: the job's configuration (a config.yaml) and a real DNS server on
 * UDP; one line per check, and the exit code tells verified from not.
 */
class DomainCommandTest {

    @TempDir Path dir;
    private LocalDnsServer dns;

    @BeforeEach
    void publishAcme() throws Exception {
        dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
        Path key = LocalDkimKeys.provision(dir, "acme.example", "s1", "Ed25519", dns);
        dns.loadZone(
                String.join(
                        "\n",
                        "$TTL 300",
                        "bounces.acme.example. IN TXT \"v=spf1 ip4:127.0.0.10 ip4:127.0.0.11 -all\"",
                        "_dmarc.acme.example. IN TXT \"v=DMARC1; p=reject\"",
                        "mta10.sluice.test. IN A 127.0.0.10",
                        "mta11.sluice.test. IN A 127.0.0.11",
                        "10.0.0.127.in-addr.arpa. IN PTR mta10.sluice.test.",
                        "11.0.0.127.in-addr.arpa. IN PTR mta11.sluice.test.",
                        ""),
                ".");
        Files.writeString(
                dir.resolve("config.yaml"),
                String.join(
                        "\n",
                        "sluice.dns.server: 127.0.0.1:" + dns.address().getPort(),
                        "sluice.dns.timeout: 1 s",
                        "sluice.sending-ips:"
                                + " shared/127.0.0.10/mta10.sluice.test;shared/127.0.0.11/mta11.sluice.test",
                        "sluice.default-pool: shared",
                        "sluice.dkim.keys: acme.example/s1/" + key,
                        "sluice.verp.bounce-domain: bounces.{from-domain}",
                        "sluice.verp.secret-keys: k1:" + "A".repeat(44),
                        "sluice.sender-domains: acme/acme.example",
                        ""));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void aDomainPublishedRightIsVerified() {
        Run run =
                run(
                        "domain",
                        "check",
                        "acme.example",
                        "--tenant",
                        "acme",
                        "--conf-dir",
                        dir.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out().lines())
                .first()
                .isEqualTo("sender domain acme.example for tenant acme:");
        assertThat(run.out().lines().skip(1).limit(9))
                .hasSize(9)
                .allSatisfy(l -> assertThat(l).startsWith("PASS ").doesNotContain("fix:"))
                .anySatisfy(l -> assertThat(l).startsWith("PASS claim acme/acme.example"))
                .anySatisfy(l -> assertThat(l).startsWith("PASS fcrdns 127.0.0.11"))
                .last()
                .isEqualTo("PASS fcrdns 127.0.0.11 -- 127.0.0.11 <-> mta11.sluice.test");
        assertThat(run.out()).endsWith("verified: 9 of 9 checks passed\n");
    }

    @Test
    void anotherTenantAndAMissingPtrAreNotVerifiedAndSayWhatToFix() {
        dns.remove("11.0.0.127.in-addr.arpa");

        Run run =
                run(
                        "domain",
                        "check",
                        "ACME.example",
                        "--tenant",
                        "globex",
                        "--conf-dir",
                        dir.toString());

        assertThat(run.status()).isOne();
        assertThat(run.out().lines())
                .contains(
                        "FAIL claim globex/acme.example -- not in sluice.sender-domains; fix: add"
                                + " globex/acme.example to sluice.sender-domains",
                        "FAIL fcrdns 127.0.0.11 -- no PTR record; fix: have the owner of 127.0.0.11"
                                + " publish PTR mta11.sluice.test.")
                .last()
                .isEqualTo("not verified: 2 of 9 checks did not pass");
    }

    private record Run(int status, String out) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            int status = new CommandLine(new Sluice()).execute(args);
            return new Run(status, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
        }
    }
}
