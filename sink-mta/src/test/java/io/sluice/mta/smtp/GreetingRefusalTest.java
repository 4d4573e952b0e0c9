package io.sluice.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mta.route.MxResolver;
import io.sluice.sim.dns.LocalDnsServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A server that refuses the session in its greeting: the attempt keeps its reply and stage, and the
 * refusal is told to the listener that lowers the IP's connections to the site.
 */
class GreetingRefusalTest {

    @Test
    void aRefusedGreetingIsAReplyAtTheGreetingStage() throws Exception {
        String greeting =
                "421 4.7.0 [TSS01] Messages from 127.0.0.12 temporarily deferred due to too many"
                        + " connections";
        try (LocalDnsServer dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
                ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.98"), 0));
            dns.loadZone(
                    "refuse.example. 60 IN MX 10 mx.refuse.example.\n"
                            + "mx.refuse.example. 60 IN A 127.0.0.98\n",
                    ".");
            Thread t =
                    new Thread(
                            () -> {
                                while (!server.isClosed()) {
                                    try (Socket s = server.accept()) {
                                        OutputStream out = s.getOutputStream();
                                        out.write(
                                                (greeting + "\r\n")
                                                        .getBytes(StandardCharsets.US_ASCII));
                                        out.flush();
                                        s.getInputStream().read();
                                    } catch (Exception e) {
                                        return;
                                    }
                                }
                            });
            t.setDaemon(true);
            t.start();
            try (SmtpDelivery delivery =
                    new SmtpDelivery(
                            MxResolver.using(dns.address(), Duration.ofSeconds(2)),
                            SmtpSettings.defaults().withPort(server.getLocalPort()),
                            Clock.systemUTC())) {
                java.util.List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
                delivery.onRefusedConnection(
                        (ip, site, mx, code, reply) ->
                                refused.add(ip + " " + site + " " + mx + " " + reply));
                AttemptResult r =
                        delivery.deliver(
                                "b@acme.example",
                                "a@refuse.example",
                                "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII),
                                new SendingIp(
                                        "shared",
                                        InetAddress.getByName("127.0.0.12"),
                                        "mta12.sluice.test"),
                                new SiteLimits("refuse.example", 2, 10));

                assertThat(r.outcome()).isEqualTo(AttemptResult.Outcome.TEMPORARY_FAILURE);
                assertThat(r.stage()).isEqualTo(SmtpStage.GREETING);
                assertThat(r.replyCode()).isEqualTo(421);
                assertThat(r.replyText()).contains("[TSS01]").contains("too many connections");
                assertThat(refused)
                        .as("the refusal is told, for concurrency feedback")
                        .containsExactly("127.0.0.12 refuse.example mx.refuse.example " + greeting);
            }
        }
    }
}
