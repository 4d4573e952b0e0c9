package io.sluice.mta.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sim.dns.LocalDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where mail goes, asked of a real DNS server over UDP (issue #3): MX by preference and random
 * among equals, the implicit MX, null MX and NXDOMAIN permanent, SERVFAIL and time-outs temporary
 * and never cached, answers kept for their TTL and negative ones too.
 */
class MxResolverITCase {

    private static LocalDnsServer dns;

    @BeforeAll
    static void start() {
        dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
        dns.loadZone(
                """
                $TTL 300
                pref.example. IN MX 10 a.pref.example.
                pref.example. IN MX 10 b.pref.example.
                pref.example. IN MX 20 c.pref.example.
                a.pref.example. IN A 127.0.70.1
                b.pref.example. IN A 127.0.70.2
                c.pref.example. IN A 127.0.70.3
                nomx.example. IN A 127.0.70.4
                nullmx.example. IN MX 0 .
                """,
                ".");
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static MxResolver resolver(Duration timeout) {
        return MxResolver.using(dns.address(), timeout);
    }

    private static List<String> hosts(Route r) {
        assertThat(r).isInstanceOf(Route.Deliverable.class);
        return ((Route.Deliverable) r).hosts().stream().map(MxHost::name).toList();
    }

    @Test
    void mxHostsComeByPreferenceInRandomOrderAmongEquals() {
        MxResolver resolver = resolver(Duration.ofSeconds(2));
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            List<String> hosts = hosts(resolver.resolve("pref.example"));
            assertThat(hosts).hasSize(3);
            assertThat(hosts.subList(0, 2))
                    .containsExactlyInAnyOrder("a.pref.example", "b.pref.example");
            assertThat(hosts.get(2)).isEqualTo("c.pref.example");
            firsts.add(hosts.get(0));
        }
        // Each of the two comes first in half the answers: 200 draws all alike have odds 2^-199.
        assertThat(firsts).containsExactlyInAnyOrder("a.pref.example", "b.pref.example");
    }

    @Test
    void aDomainWithoutMxIsItsOwnImplicitMx() throws Exception {
        Route r = resolver(Duration.ofSeconds(2)).resolve("nomx.example");

        assertThat(hosts(r)).containsExactly("nomx.example");
        MxHost host = ((Route.Deliverable) r).hosts().get(0);
        assertThat(host.preference()).isZero();
        assertThat(host.addresses()).containsExactly(InetAddress.getByName("127.0.70.4"));
    }

    @Test
    void aNullMxAndANonexistentDomainArePermanentFailures() {
        MxResolver resolver = resolver(Duration.ofSeconds(2));

        Route nullMx = resolver.resolve("nullmx.example");
        Route nxdomain = resolver.resolve("no-such-domain.example");

        assertThat(nullMx)
                .isEqualTo(
                        new Route.Undeliverable(
                                "nullmx.example",
                                true,
                                "5.1.10",
                                "domain accepts no mail: nullmx.example has a null MX"));
        assertThat(nxdomain).isInstanceOf(Route.Undeliverable.class);
        Route.Undeliverable no = (Route.Undeliverable) nxdomain;
        assertThat(no.permanent()).isTrue();
        assertThat(no.enhancedStatus()).isEqualTo("5.1.2");
        assertThat(no.reason()).contains("host unknown");
    }

    @Test
    void servfailIsTemporaryAndNotCached() {
        dns.loadZone("flaky.example. 300 IN MX 10 a.pref.example.\n", ".");
        dns.failWith("flaky.example", LocalDnsServer.Failure.SERVFAIL);
        MxResolver resolver = resolver(Duration.ofSeconds(2));
        try {
            Route failed = resolver.resolve("flaky.example");

            assertThat(failed).isInstanceOf(Route.Undeliverable.class);
            assertThat(((Route.Undeliverable) failed).permanent()).isFalse();
            assertThat(((Route.Undeliverable) failed).enhancedStatus()).isEqualTo("4.4.3");
        } finally {
            dns.heal("flaky.example");
        }
        assertThat(hosts(resolver.resolve("flaky.example"))).containsExactly("a.pref.example");
    }

    @Test
    void noAnswerWithinTheTimeoutIsTemporary() {
        dns.loadZone("silent.example. 300 IN MX 10 a.pref.example.\n", ".");
        dns.failWith("silent.example", LocalDnsServer.Failure.TIMEOUT);
        try {
            Route r = resolver(Duration.ofMillis(300)).resolve("silent.example");

            assertThat(r).isInstanceOf(Route.Undeliverable.class);
            assertThat(((Route.Undeliverable) r).permanent()).isFalse();
        } finally {
            dns.heal("silent.example");
        }
    }

    @Test
    void answersAreKeptForTheirTtl() throws Exception {
        dns.loadZone(
                "ttl.example. 1 IN MX 10 old.ttl.example.\nold.ttl.example. 1 IN A 127.0.70.5\n",
                ".");
        MxResolver resolver = resolver(Duration.ofSeconds(2));
        assertThat(hosts(resolver.resolve("ttl.example"))).containsExactly("old.ttl.example");
        dns.remove("ttl.example");
        dns.loadZone(
                "ttl.example. 1 IN MX 10 new.ttl.example.\nnew.ttl.example. 1 IN A 127.0.70.6\n",
                ".");

        assertThat(hosts(resolver.resolve("ttl.example")))
                .as("within the TTL")
                .containsExactly("old.ttl.example");
        Thread.sleep(1_500); // past the one-second TTL
        assertThat(hosts(resolver.resolve("ttl.example")))
                .as("after the TTL")
                .containsExactly("new.ttl.example");
    }

    @Test
    void aNonexistentDomainIsRememberedAsSuch() {
        MxResolver resolver = resolver(Duration.ofSeconds(2));
        assertThat(resolver.resolve("late.example")).isInstanceOf(Route.Undeliverable.class);
        dns.loadZone("late.example. 300 IN MX 10 a.pref.example.\n", ".");

        // Negative caching (RFC 2308): not asked again for a while, so a storm of mail to a
        // mistyped domain costs one lookup.
        assertThat(resolver.resolve("late.example")).isInstanceOf(Route.Undeliverable.class);
        assertThat(resolver(Duration.ofSeconds(2)).resolve("late.example"))
                .as("a fresh resolver sees the new domain")
                .isInstanceOf(Route.Deliverable.class);
    }
}
