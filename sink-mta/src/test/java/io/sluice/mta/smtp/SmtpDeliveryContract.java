package io.sluice.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mta.message.MimeComposer;
import io.sluice.mta.message.OutboundMessage;
import io.sluice.mta.route.MxResolver;
import io.sluice.mta.smtp.AttemptResult.Outcome;
import io.sluice.sim.smtp.ReceivedMessage;
import io.sluice.sim.world.ProviderSpec;
import io.sluice.sim.world.SimulatedInternet;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real SMTP over TCP to simulated providers found through real DNS over UDP, for each {@link
 * SmtpClient}: {@link SmtpDeliveryITCase} (the non-blocking client the job uses) and {@link
 * AngusSmtpDeliveryITCase} (the blocking one kept for comparison).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SmtpDeliveryContract {

    private SimulatedInternet internet;
    private SmtpClient delivery;
    private SendingIp ip;
    private static final MimeComposer COMPOSER = new MimeComposer();

    /** The client under test, on {@code resolver} with {@code settings}. */
    abstract SmtpClient client(MxResolver resolver, SmtpSettings settings);

    /**
     * The most connections the client may open for 120 messages to a site of two MX hosts capped at
     * 3 connections and 10 messages each (12 would do). A client that reused nothing would open
     * 120.
     */
    int connectionsFor120() {
        return 30;
    }

    @BeforeAll
    void start() throws Exception {
        int port = 20_000 + (int) (ProcessHandle.current().pid() % 20_000);
        internet = SimulatedInternet.start(ProviderSpec.standard(), 41, 0, port, true);
        delivery =
                client(
                        MxResolver.using(internet.dnsAddress(), Duration.ofSeconds(2)),
                        SmtpSettings.defaults().withPort(port));
        ip = new SendingIp("shared", InetAddress.getByName("127.0.0.77"), "mta77.sluice.test");
    }

    @AfterAll
    void stop() {
        delivery.close();
        internet.close();
    }

    @Test
    void deliversWithTheRightEnvelopeFromTheSendingIp() {
        AttemptResult result = send("alice@gmail.com", "m-1");

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.replyCode()).isEqualTo(250);
        assertThat(result.mxHost()).endsWith("gmail-smtp-in.l.google.com");
        ReceivedMessage got =
                internet.server("gmail-like").received().stream()
                        .filter(r -> r.recipients().contains("alice@gmail.com"))
                        .findFirst()
                        .orElseThrow();
        assertThat(got.clientAddress().getHostAddress()).isEqualTo("127.0.0.77");
        assertThat(got.helo()).isEqualTo("mta77.sluice.test");
        assertThat(got.mailFrom()).isEqualTo("bounces@acme.example");
        String text = new String(got.data(), StandardCharsets.UTF_8);
        assertThat(text).contains("Message-ID: <m-1@acme.example>", "Subject: Hello", "Hi there");
    }

    @Test
    void unknownUserIsAPermanentRcptFailureWithTheProvidersText() {
        AttemptResult result = send("unknown-bob@gmail.com", "m-2");

        assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(result.stage()).isEqualTo(SmtpStage.RCPT);
        assertThat(result.replyCode()).isEqualTo(550);
        assertThat(result.enhancedStatus()).isEqualTo("5.1.1");
        assertThat(result.replyText()).contains("does not exist");
    }

    @Test
    void greylistingIsTemporaryAndPassesOnRetry() {
        AttemptResult first = send("greylist-carol@outlook.com", "m-3");
        AttemptResult second = send("greylist-carol@outlook.com", "m-3");

        assertThat(first.outcome()).isEqualTo(Outcome.TEMPORARY_FAILURE);
        assertThat(first.replyCode()).isEqualTo(451);
        assertThat(second.outcome()).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void nullMxAndNxdomainArePermanentWithoutAConnection() {
        AttemptResult nullMx = send("dave@" + SimulatedInternet.NULL_MX_DOMAIN, "m-4");
        AttemptResult nxdomain = send("erin@no-such-domain.example", "m-5");

        assertThat(nullMx.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(nullMx.stage()).isEqualTo(SmtpStage.RESOLVE);
        assertThat(nullMx.enhancedStatus()).isEqualTo("5.1.10");
        assertThat(nxdomain.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
        assertThat(nxdomain.replyText()).contains("host unknown");
    }

    @Test
    void dnsFailureIsTemporary() {
        internet.dns()
                .failWith("smallisp.example", io.sluice.sim.dns.LocalDnsServer.Failure.SERVFAIL);
        try {
            AttemptResult result = send("frank@smallisp.example", "m-6");

            assertThat(result.outcome()).isEqualTo(Outcome.TEMPORARY_FAILURE);
            assertThat(result.stage()).isEqualTo(SmtpStage.RESOLVE);
        } finally {
            internet.dns().heal("smallisp.example");
        }
    }

    @Test
    void oneConnectionCarriesManyMessages() {
        long before = internet.server("yahoo-like").acceptedCount();
        for (int i = 0; i < 20; i++) {
            assertThat(send("user" + i + "@yahoo.com", "m-y" + i).outcome())
                    .isEqualTo(Outcome.DELIVERED);
        }

        assertThat(internet.server("yahoo-like").acceptedCount() - before).isEqualTo(20);
        assertThat(
                        internet.server("yahoo-like").received().stream()
                                .filter(r -> r.recipients().get(0).startsWith("user"))
                                .map(r -> r.clientAddress().getHostAddress())
                                .distinct())
                .containsExactly("127.0.0.77");
    }

    /**
     * The preferred MX host refuses connections (nothing listens there): the attempt fails over to
     * the next host by preference and is delivered there, the result naming the host that took it.
     */
    @Test
    void aRefusedConnectionFailsOverToTheNextMxHost() throws Exception {
        int port = internet.smtpPort();
        internet.dns()
                .loadZone(
                        "failover.example. IN MX 10 down.failover.example.\n"
                                + "failover.example. IN MX 20 up.failover.example.\n"
                                + "down.failover.example. IN A 127.0.41.210\n"
                                + "up.failover.example. IN A 127.0.41.211\n",
                        ".");
        CountingSmtpServer.Counts counts = new CountingSmtpServer.Counts();
        try (CountingSmtpServer up =
                new CountingSmtpServer(InetAddress.getByName("127.0.41.211"), port, counts)) {
            AttemptResult r = send("reader@failover.example", "m-failover");

            assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.DELIVERED);
            assertThat(r.mxHost()).isEqualTo("up.failover.example");
        }
        counts.awaitAllEnded(Duration.ofSeconds(10));
        assertThat(counts.messagesPerConnection.stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(1);
    }

    /**
     * Twelve threads send 120 messages from one IP to a site with two MX hosts. The site allows 3
     * connections and 10 messages per connection: the servers never see more than 3 connections
     * from the IP at once, whichever host they go to, and no connection carries more than 10.
     */
    @Test
    void aSitesConnectionCapHoldsAcrossItsMxHostsUnderLoad() throws Exception {
        int port = internet.smtpPort();
        CountingSmtpServer.Counts counts = new CountingSmtpServer.Counts();
        InetAddress mx1 = InetAddress.getByName("127.0.41.201");
        InetAddress mx2 = InetAddress.getByName("127.0.41.202");
        internet.dns()
                .loadZone(
                        "cap.example. IN MX 10 mx1.cap.example.\n"
                                + "cap.example. IN MX 10 mx2.cap.example.\n"
                                + "mx1.cap.example. IN A 127.0.41.201\n"
                                + "mx2.cap.example. IN A 127.0.41.202\n",
                        ".");
        SendingIp capped =
                new SendingIp("shared", InetAddress.getByName("127.0.0.78"), "mta78.sluice.test");
        SiteLimits limits = new SiteLimits("cap", 3, 10);
        java.util.concurrent.ExecutorService threads =
                java.util.concurrent.Executors.newFixedThreadPool(12);
        try (CountingSmtpServer a = new CountingSmtpServer(mx1, port, counts);
                CountingSmtpServer b = new CountingSmtpServer(mx2, port, counts);
                SmtpClient capping =
                        client(
                                MxResolver.using(internet.dnsAddress(), Duration.ofSeconds(2)),
                                SmtpSettings.defaults().withPort(port))) {
            java.util.List<java.util.concurrent.Future<AttemptResult>> results =
                    new java.util.ArrayList<>();
            for (int i = 0; i < 120; i++) {
                String id = "m-cap" + i;
                String rcpt = "user" + i + "@cap.example";
                results.add(
                        threads.submit(
                                () ->
                                        capping.deliver(
                                                "bounces@acme.example",
                                                rcpt,
                                                mime(rcpt, id),
                                                capped,
                                                limits)));
            }
            for (var r : results) {
                assertThat(r.get().outcome()).isEqualTo(Outcome.DELIVERED);
            }
        } finally {
            threads.shutdownNow();
        }
        counts.awaitAllEnded(Duration.ofSeconds(10));
        assertThat(counts.maxOpen.get()).isBetween(1, 3);
        // Reused: 120 messages at 10 a connection need 12; closing one to open another is waste.
        assertThat(counts.opened.get())
                .as("connections opened")
                .isLessThanOrEqualTo(connectionsFor120());
        assertThat(counts.messagesPerConnection)
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(10));
        assertThat(counts.messagesPerConnection.stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(120);
        System.out.println(
                "smtp: 120 messages to a 3-connection site over "
                        + counts.opened.get()
                        + " connections, at most "
                        + counts.maxOpen.get()
                        + " open at once");
    }

    private AttemptResult send(String recipient, String id) {
        return delivery.deliver("bounces@acme.example", recipient, mime(recipient, id), ip);
    }

    private static byte[] mime(String recipient, String id) {
        OutboundMessage m =
                new OutboundMessage(
                        id,
                        "bounces@acme.example",
                        "news@acme.example",
                        "Acme",
                        null,
                        recipient,
                        null,
                        "Hello",
                        Map.of("X-Campaign", "c1"),
                        "Hi there",
                        null,
                        "https://acme.example/u/1");
        return COMPOSER.compose(m, Instant.now());
    }
}
