package io.sluice.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mta.route.MxResolver;
import io.sluice.mta.smtp.AttemptResult.Outcome;
import io.sluice.sim.dns.LocalDnsServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SMTP conversation as the receiving server sees it, against {@link ScriptedSmtpServer} over
 * real TCP, found through real DNS: pipelining, the extensions, the body encoding, and a result of
 * the right stage for each failure. Cases that both clients must pass run against both.
 */
class SmtpProtocolITCase {

    /** The two clients under test. */
    enum Client {
        ASYNC,
        ANGUS;

        SmtpClient start(MxResolver resolver, SmtpSettings settings) {
            return this == ASYNC
                    ? new AsyncSmtpDelivery(resolver, settings, Clock.systemUTC())
                    : new SmtpDelivery(resolver, settings, Clock.systemUTC());
        }
    }

    private static final AtomicInteger HOSTS = new AtomicInteger(10);
    private static final String FROM = "bounces@acme.example";
    private static final byte[] PLAIN =
            "From: news@acme.example\r\nSubject: hi\r\n\r\nHello\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
    private static LocalDnsServer dns;
    private static SendingIp ip;

    @BeforeAll
    static void startDns() throws Exception {
        dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
        ip = new SendingIp("shared", InetAddress.getByName("127.0.0.77"), "mta77.sluice.test");
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    /** A scripted server on its own loopback address, its domain in DNS, and a client for it. */
    private record Rig(ScriptedSmtpServer server, SmtpClient client, String domain)
            implements AutoCloseable {
        AttemptResult send(String from, String localPart, byte[] mime) {
            return client.deliver(from, localPart + "@" + domain, mime, ip);
        }

        AttemptResult send(String localPart) {
            return send(FROM, localPart, PLAIN);
        }

        ScriptedSmtpServer.Session session() {
            assertThat(server.sessions).hasSize(1);
            return server.sessions.get(0);
        }

        @Override
        public void close() throws Exception {
            client.close();
            server.close();
        }
    }

    private static Rig rig(Client kind, String... extensions) throws Exception {
        return rig(kind, s -> s, "220 scripted.test ESMTP", extensions);
    }

    private static Rig rig(
            Client kind,
            UnaryOperator<SmtpSettings> settings,
            String greeting,
            String... extensions)
            throws Exception {
        int n = HOSTS.incrementAndGet();
        String domain = "d" + n + ".proto.example";
        InetAddress address = InetAddress.getByName("127.0.61." + n);
        ScriptedSmtpServer server = new ScriptedSmtpServer(address, greeting, extensions);
        dns.loadZone(
                domain
                        + ". 300 IN MX 10 mx."
                        + domain
                        + ".\nmx."
                        + domain
                        + ". 300 IN A "
                        + address.getHostAddress()
                        + "\n",
                ".");
        SmtpClient client =
                kind.start(
                        MxResolver.using(dns.address(), Duration.ofSeconds(2)),
                        settings.apply(SmtpSettings.defaults().withPort(server.port())));
        return new Rig(server, client, domain);
    }

    private static List<String> verbs(List<String> commands) {
        return commands.stream().map(c -> c.substring(0, 4)).toList();
    }

    @Test
    void withPipeliningMailRcptAndDataGoInOneWrite() throws Exception {
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES")) {
            for (int i = 0; i < 3; i++) {
                assertThat(rig.send("reader" + i).outcome()).isEqualTo(Outcome.DELIVERED);
            }

            List<List<String>> reads = rig.session().reads;
            assertThat(reads.stream().map(SmtpProtocolITCase::verbs))
                    .as("each transaction's envelope arrived in one read: %s", reads)
                    .filteredOn(v -> v.contains("MAIL"))
                    .hasSize(3)
                    .allSatisfy(v -> assertThat(v).containsExactly("MAIL", "RCPT", "DATA"));
        }
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
        try (Rig rig = rig(Client.ASYNC, "8BITMIME")) {
            assertThat(rig.send("reader").outcome()).isEqualTo(Outcome.DELIVERED);

            assertThat(rig.session().reads.stream().map(SmtpProtocolITCase::verbs))
                    .as("one command per read")
                    .allSatisfy(v -> assertThat(v).hasSize(1));
            assertThat(verbs(rig.session().commands))
                    .containsSubsequence("EHLO", "MAIL", "RCPT", "DATA");
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void theServerSeesTheSendingIpAndItsEhloName(Client kind) throws Exception {
        try (Rig rig = rig(kind, "PIPELINING", "8BITMIME")) {
            assertThat(rig.send("reader").outcome()).isEqualTo(Outcome.DELIVERED);

            assertThat(rig.session().client.getHostAddress()).isEqualTo("127.0.0.77");
            assertThat(rig.session().ehlo).isEqualTo("mta77.sluice.test");
        }
    }

    @Test
    void anInternationalizedAddressToAServerWithoutSmtputf8FailsBeforeMail() throws Exception {
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME")) {
            AttemptResult r = rig.send("jöran");

            assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
            assertThat(r.stage()).isEqualTo(SmtpStage.RCPT);
            assertThat(r.enhancedStatus()).isEqualTo("5.6.7");
            assertThat(r.replyText()).contains("SMTPUTF8", "internationalized");
            assertThat(verbs(rig.server.commands())).doesNotContain("MAIL", "RCPT");
        }
    }

    @Test
    void anInternationalizedAddressGoesInUtf8WhenOffered() throws Exception {
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME", "SMTPUTF8")) {
            AttemptResult r = rig.send("jöran");

            assertThat(r.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(rig.server.commands())
                    .anySatisfy(c -> assertThat(c).startsWith("MAIL FROM:<").endsWith(" SMTPUTF8"))
                    .contains("RCPT TO:<jöran@" + rig.domain + ">");
        }
    }

    @Test
    void aMessageOverTheServersSizeFailsPermanentlyBeforeMail() throws Exception {
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME", "SIZE 40")) {
            AttemptResult r = rig.send("reader");

            assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
            assertThat(r.stage()).isEqualTo(SmtpStage.MAIL);
            assertThat(r.enhancedStatus()).isEqualTo("5.3.4");
            assertThat(verbs(rig.server.commands())).doesNotContain("MAIL");
        }
    }

    @Test
    void theMessageSizeGoesWithMailWhenSizeIsOffered() throws Exception {
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME", "SIZE 100000")) {
            assertThat(rig.send("reader").outcome()).isEqualTo(Outcome.DELIVERED);

            assertThat(rig.server.commands())
                    .contains("MAIL FROM:<" + FROM + "> SIZE=" + PLAIN.length);
        }
    }

    @Test
    void eightBitContentToAServerWithout8bitmimeIsRefusedNotMangled() throws Exception {
        byte[] latin = "Subject: x\r\n\r\nCafé\r\n".getBytes(StandardCharsets.UTF_8);
        try (Rig rig = rig(Client.ASYNC, "PIPELINING")) {
            AttemptResult r = rig.send(FROM, "reader", latin);

            assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
            assertThat(r.enhancedStatus()).isEqualTo("5.6.3");
            assertThat(r.replyText()).contains("8BITMIME");
            assertThat(verbs(rig.server.commands())).doesNotContain("MAIL");
        }
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME")) {
            assertThat(rig.send(FROM, "reader", latin).outcome()).isEqualTo(Outcome.DELIVERED);

            assertThat(rig.server.commands()).contains("MAIL FROM:<" + FROM + "> BODY=8BITMIME");
            assertThat(rig.session().messages.get(0)).isEqualTo(latin);
        }
    }

    @Test
    void linesStartingWithADotAreStuffedAndLineEndsBecomeCrlf() throws Exception {
        byte[] message =
                "Subject: dots\r\n\r\n.hidden\n..two\rlast".getBytes(StandardCharsets.US_ASCII);
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME")) {
            assertThat(rig.send(FROM, "reader", message).outcome()).isEqualTo(Outcome.DELIVERED);

            assertThat(new String(rig.session().messages.get(0), StandardCharsets.US_ASCII))
                    .isEqualTo("Subject: dots\r\n\r\n..hidden\r\n...two\r\nlast\r\n");
        }
    }

    @Test
    void aLineOver998BytesIsRefusedPermanently() throws Exception {
        byte[] message =
                ("Subject: long\r\n\r\n" + "x".repeat(999) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME")) {
            AttemptResult r = rig.send(FROM, "reader", message);

            assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT_FAILURE);
            assertThat(r.enhancedStatus()).isEqualTo("5.6.0");
            assertThat(verbs(rig.server.commands())).doesNotContain("MAIL");
            assertThat(rig.send("reader").outcome())
                    .as("the connection is still good for the next message")
                    .isEqualTo(Outcome.DELIVERED);
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void aConnectionLostAfterTheFinalDotIsAnUnknownOutcomeNeverASuccess(Client kind)
            throws Exception {
        try (Rig rig = rig(kind, "PIPELINING", "8BITMIME")) {
            AttemptResult r = rig.send("drop-after-dot-reader");

            assertThat(r.outcome()).isEqualTo(Outcome.TEMPORARY_FAILURE);
            assertThat(r.replyCode()).isZero();
            assertThat(r.enhancedStatus()).isEqualTo("4.4.2");
            if (kind == Client.ASYNC) {
                assertThat(r.stage()).isEqualTo(SmtpStage.DATA_END);
                assertThat(r.replyText()).contains("after the end of data", "outcome unknown");
            }
        }
    }

    @Test
    void noReplyToTheFinalDotWithinTheTimeoutIsAnUnknownOutcome() throws Exception {
        try (Rig rig =
                rig(
                        Client.ASYNC,
                        s -> s.withCommandTimeouts(Duration.ofMillis(500)),
                        "220 slow.test ESMTP",
                        "PIPELINING",
                        "8BITMIME")) {
            AttemptResult r = rig.send("silent-after-dot-reader");

            assertThat(r.outcome()).isEqualTo(Outcome.TEMPORARY_FAILURE);
            assertThat(r.stage()).isEqualTo(SmtpStage.DATA_END);
            assertThat(r.replyText()).contains("no reply to DATA_END", "outcome unknown");
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void a421GreetingIsAReplyAtTheGreetingAndIsReported(Client kind) throws Exception {
        String greeting = "421 4.7.0 [TSS01] too many connections";
        try (Rig rig = rig(kind, s -> s, greeting)) {
            List<String> refused = new CopyOnWriteArrayList<>();
            rig.client.onRefusedConnection(
                    (ip, site, mx, code, reply) -> refused.add(site + " " + code + " " + reply));
            AttemptResult r =
                    rig.client.deliver(
                            FROM, "a@" + rig.domain, PLAIN, ip, new SiteLimits("proto", 2, 10));

            assertThat(r.outcome()).isEqualTo(Outcome.TEMPORARY_FAILURE);
            assertThat(r.stage()).isEqualTo(SmtpStage.GREETING);
            assertThat(r.replyCode()).isEqualTo(421);
            assertThat(r.replyText()).contains("[TSS01]");
            assertThat(refused).containsExactly("proto 421 " + greeting);
        }
    }

    /**
     * STARTTLS offered: a real TLS handshake before MAIL, EHLO asked again under TLS (RFC 3207
     * section 4.2), the envelope and the message sent only encrypted, and the result says TLS.
     */
    @ParameterizedTest
    @EnumSource(Client.class)
    void starttlsOfferedUpgradesBeforeTheEnvelope(Client kind) throws Exception {
        try (Rig rig = rig(kind, "PIPELINING", "8BITMIME", "STARTTLS")) {
            AttemptResult r = rig.send("reader");

            assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.DELIVERED);
            assertThat(r.tls()).isTrue();
            ScriptedSmtpServer.Session session = rig.session();
            assertThat(session.tlsProtocol).startsWith("TLSv1.");
            assertThat(verbs(session.commands)).startsWith("EHLO", "STAR", "EHLO");
            assertThat(verbs(session.encrypted)).startsWith("EHLO", "MAIL", "RCPT", "DATA");
            assertThat(session.messages).hasSize(1);
        }
    }

    @Test
    void tlsRequiredAndStarttlsOfferedDeliversEncrypted() throws Exception {
        try (Rig rig =
                rig(
                        Client.ASYNC,
                        s -> s.withTlsRequired(true),
                        "220 secure.test ESMTP",
                        "PIPELINING",
                        "STARTTLS")) {
            AttemptResult r = rig.send("reader");

            assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.DELIVERED);
            assertThat(r.tls()).isTrue();
            assertThat(verbs(rig.session().encrypted)).contains("MAIL");
            assertThat(verbs(rig.session().commands).subList(0, 2)).containsExactly("EHLO", "STAR");
        }
    }

    /**
     * A slow server (every reply 300 ms late) gets its mail when the replies come within the
     * time-outs, and a temporary failure at the stage that waited too long when they do not.
     */
    @ParameterizedTest
    @EnumSource(Client.class)
    void slowRepliesWithinTheTimeoutsDeliverAndBeyondThemDefer(Client kind) throws Exception {
        try (Rig patient = rig(kind, "PIPELINING", "8BITMIME")) {
            AttemptResult r = patient.send("slow-b@acme.example", "reader", PLAIN);

            assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.DELIVERED);
            assertThat(r.latency()).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(300));
        }
        try (Rig hasty =
                rig(
                        kind,
                        s -> s.withCommandTimeouts(java.time.Duration.ofMillis(100)),
                        "220 slow.test ESMTP",
                        "PIPELINING",
                        "8BITMIME")) {
            AttemptResult r = hasty.send("slow-b@acme.example", "reader", PLAIN);

            assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.TEMPORARY_FAILURE);
            if (kind == Client.ASYNC) {
                // Angus Mail reports a failed MAIL FROM as DATA (ADR 0005).
                assertThat(r.stage()).isEqualTo(SmtpStage.MAIL);
            }
            assertThat(hasty.server.sessions.get(0).messages).isEmpty();
        }
    }

    /** RFC 5321 section 4.2: the text after a reply code is optional. */
    @Test
    void bareReplyCodesWithoutTextAreUnderstood() throws Exception {
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME")) {
            AttemptResult r = rig.send("bare-b@acme.example", "reader", PLAIN);

            assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.DELIVERED);
            assertThat(r.replyCode()).isEqualTo(250);
            assertThat(rig.session().messages).hasSize(1);
        }
    }

    /**
     * A connection opened in clear for mail that allowed it is not reused for mail whose site or
     * tenant requires TLS: that mail fails temporarily and nothing of it goes over the wire.
     */
    @Test
    void aClearConnectionNeverCarriesMailThatRequiresTls() throws Exception {
        try (Rig rig = rig(Client.ASYNC, "PIPELINING", "8BITMIME")) {
            String rcpt = "reader@" + rig.domain();
            AttemptResult clear =
                    rig.client()
                            .deliver(FROM, rcpt, PLAIN, ip, new SiteLimits("proto", 5, 100, false));
            AttemptResult secure =
                    rig.client()
                            .deliver(FROM, rcpt, PLAIN, ip, new SiteLimits("proto", 5, 100, true));

            assertThat(clear.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(secure.outcome()).isEqualTo(Outcome.TEMPORARY_FAILURE);
            assertThat(secure.stage()).isEqualTo(SmtpStage.STARTTLS);
            assertThat(secure.replyText()).contains("does not offer STARTTLS");
            assertThat(verbs(rig.server.commands()).stream().filter("MAIL"::equals)).hasSize(1);
        }
    }

    @Test
    void tlsRequiredAndNoStarttlsOfferedFailsTemporarilyWithoutSending() throws Exception {
        try (Rig rig =
                rig(
                        Client.ASYNC,
                        s -> s.withTlsRequired(true),
                        "220 clear.test ESMTP",
                        "PIPELINING",
                        "8BITMIME")) {
            AttemptResult r = rig.send("reader");

            assertThat(r.outcome()).isEqualTo(Outcome.TEMPORARY_FAILURE);
            assertThat(r.stage()).isEqualTo(SmtpStage.STARTTLS);
            assertThat(r.replyText()).contains("does not offer STARTTLS");
            assertThat(verbs(rig.server.commands())).doesNotContain("MAIL");
        }
    }

    /**
     * A refusal at each stage is a result of that stage with the server's code; the connection is
     * reset and carries the next message. The blocking client has no MAIL case: Angus Mail reports
     * a refused MAIL FROM as a DATA failure (code and text right, stage wrong), one of the reasons
     * the job uses the non-blocking client (ADR 0005).
     */
    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource({
        "ASYNC, mail451-b@acme.example, reader, MAIL, 451, TEMPORARY_FAILURE",
        "ASYNC, mail550-b@acme.example, reader, MAIL, 550, PERMANENT_FAILURE",
        "ASYNC, " + FROM + ", rcpt450-reader, RCPT, 450, TEMPORARY_FAILURE",
        "ASYNC, " + FROM + ", rcpt550-reader, RCPT, 550, PERMANENT_FAILURE",
        "ASYNC, " + FROM + ", data451-reader, DATA, 451, TEMPORARY_FAILURE",
        "ASYNC, " + FROM + ", data554-reader, DATA, 554, PERMANENT_FAILURE",
        "ASYNC, " + FROM + ", end451-reader, DATA_END, 451, TEMPORARY_FAILURE",
        "ASYNC, " + FROM + ", end554-reader, DATA_END, 554, PERMANENT_FAILURE",
        "ANGUS, " + FROM + ", rcpt450-reader, RCPT, 450, TEMPORARY_FAILURE",
        "ANGUS, " + FROM + ", data554-reader, DATA, 554, PERMANENT_FAILURE",
        "ANGUS, " + FROM + ", end451-reader, DATA_END, 451, TEMPORARY_FAILURE",
    })
    void aRefusalAtEachStageIsAResultOfThatStage(
            Client kind, String from, String localPart, SmtpStage stage, int code, Outcome outcome)
            throws Exception {
        for (boolean pipelining : new boolean[] {true, false}) {
            String[] ext =
                    pipelining
                            ? new String[] {"PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES"}
                            : new String[] {"8BITMIME", "ENHANCEDSTATUSCODES"};
            try (Rig rig = rig(kind, ext)) {
                AttemptResult r = rig.send(from, localPart, PLAIN);

                assertThat(r.stage()).as("pipelining %s: %s", pipelining, r).isEqualTo(stage);
                assertThat(r.replyCode()).isEqualTo(code);
                assertThat(r.outcome()).isEqualTo(outcome);
                assertThat(r.enhancedStatus()).isEqualTo(code / 100 + ".7.1");
                assertThat(r.replyText()).contains("scripted refusal at");
                assertThat(rig.send("reader").outcome()).isEqualTo(Outcome.DELIVERED);
                if (kind == Client.ASYNC) {
                    assertThat(rig.server.sessions).as("the connection was kept").hasSize(1);
                    assertThat(verbs(rig.session().commands)).contains("RSET");
                }
            }
        }
    }
}
