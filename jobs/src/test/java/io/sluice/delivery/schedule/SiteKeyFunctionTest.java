package io.sluice.delivery.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.intake.Messages;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.shaping.ShapingRules;
import io.sluice.sim.dns.LocalDnsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The site of a recipient from its MX hosts, over real DNS (UDP) from a local authority. */
class SiteKeyFunctionTest {

    private LocalDnsServer dns;
    private SiteKeyFunction function;

    @BeforeEach
    void start() throws Exception {
        dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
        dns.loadZone(
                String.join(
                        "\n",
                        "$TTL 300",
                        // A company on Google Workspace, one on Microsoft 365, one self-hosted
                        // with two MX hosts under its own registrable domain.
                        "contoso.example. IN MX 1 aspmx.l.google.com.",
                        "contoso.example. IN MX 5 alt1.aspmx.l.google.com.",
                        "fabrikam.example. IN MX 0 fabrikam-example.mail.protection.outlook.com.",
                        "tailspin.example. IN MX 10 mx2.mail.tailspin.co.uk.",
                        "tailspin.example. IN MX 10 mx1.mail.tailspin.co.uk.",
                        "nullmx.example. IN MX 0 .",
                        "aspmx.l.google.com. IN A 192.0.2.1",
                        "alt1.aspmx.l.google.com. IN A 192.0.2.2",
                        "fabrikam-example.mail.protection.outlook.com. IN A 192.0.2.3",
                        "mx1.mail.tailspin.co.uk. IN A 192.0.2.4",
                        "mx2.mail.tailspin.co.uk. IN A 192.0.2.5",
                        ""),
                ".");
        InetSocketAddress server = dns.address();
        function =
                new SiteKeyFunction(
                        new SiteKeys(ShapingRules.defaults()),
                        server.getAddress().getHostAddress() + ":" + server.getPort(),
                        Duration.ofSeconds(1));
        function.open(null);
    }

    @AfterEach
    void stop() {
        function.close();
        dns.close();
    }

    @Test
    void aHostedDomainSharesItsProvidersSite() throws Exception {
        assertThat(siteOf("ann@contoso.example")).isEqualTo("google");
        assertThat(siteOf("bob@fabrikam.example")).isEqualTo("microsoft");
    }

    @Test
    void anUnknownMxIsItsRegistrableDomainWhicheverHostComesFirst() throws Exception {
        // Equal preferences come back shuffled; the site must not depend on the order.
        for (int i = 0; i < 5; i++) {
            assertThat(siteOf("cy@tailspin.example")).isEqualTo("tailspin.co.uk");
        }
    }

    @Test
    void aProviderDomainNeedsNoDnsAndAFailingDomainIsItsOwnSite() throws Exception {
        dns.failWith("gmail.com", LocalDnsServer.Failure.SERVFAIL);
        dns.failWith("broken.example", LocalDnsServer.Failure.SERVFAIL);

        assertThat(siteOf("dee@gmail.com")).isEqualTo("google");
        assertThat(siteOf("eve@broken.example")).isEqualTo("broken.example");
        assertThat(siteOf("fay@nullmx.example")).isEqualTo("nullmx.example");
        assertThat(siteOf("gus@nxdomain.example")).isEqualTo("nxdomain.example");
    }

    @Test
    void aCachedAnswerIsKeyedOnTheCallersThread() throws Exception {
        siteOf("ann@contoso.example");
        dns.close(); // nothing can answer now: only the cache can

        AtomicReference<Thread> completedOn = new AtomicReference<>();
        String site = siteOf("hal@contoso.example", completedOn);

        assertThat(site).isEqualTo("google");
        assertThat(completedOn.get()).isSameAs(Thread.currentThread());
    }

    private String siteOf(String recipient) throws Exception {
        return siteOf(recipient, new AtomicReference<>());
    }

    private String siteOf(String recipient, AtomicReference<Thread> completedOn) throws Exception {
        CompletableFuture<ScheduleInput> out = new CompletableFuture<>();
        Delivery d =
                new Delivery(
                        Messages.with(Messages.valid("m-1"), b -> b.setRecipient(recipient)),
                        1,
                        null);
        function.asyncInvoke(
                d,
                new ResultFuture<>() {
                    @Override
                    public void complete(Collection<ScheduleInput> result) {
                        completedOn.set(Thread.currentThread());
                        out.complete(result.iterator().next());
                    }

                    @Override
                    public void completeExceptionally(Throwable error) {
                        out.completeExceptionally(error);
                    }

                    @Override
                    public void complete(CollectionSupplier<ScheduleInput> supplier) {
                        try {
                            complete(supplier.get());
                        } catch (Exception e) {
                            out.completeExceptionally(e);
                        }
                    }
                });
        ScheduleInput in = out.get(10, TimeUnit.SECONDS);
        assertThat(in.delivery()).isSameAs(d);
        return SiteKeys.site(in.key());
    }
}
