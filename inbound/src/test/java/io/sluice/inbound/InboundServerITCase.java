package io.sluice.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.verp.VerpAddress;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.schema.InboundMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbound server over real SMTP: bounces to signed return paths and reports to the feedback
 * address are stored before the 250; forged return paths and relay attempts are refused at RCPT; a
 * storage failure is a 451 so the sender retries.
 */
class InboundServerITCase {

    private static final VerpKeys KEYS =
            new VerpKeys("k1", Map.of("k1", "0123456789abcdef0123456789abcdef".getBytes()));
    private static final String DSN =
            "From: MAILER-DAEMON@mx.example.net\r\n"
                    + "Subject: Undelivered Mail Returned to Sender\r\n"
                    + "Content-Type: text/plain\r\n"
                    + "\r\n"
                    + "550 5.1.1 <reader@example.net>: user unknown\r\n";

    private final List<InboundMessage> stored = new CopyOnWriteArrayList<>();
    private final AtomicBoolean storageDown = new AtomicBoolean();
    private InboundServer server;

    @BeforeEach
    void start() throws Exception {
        server =
                InboundServer.start(
                        new InboundSettings(
                                InetAddress.getByName("127.0.0.1"),
                                0,
                                "inbound.sluice.test",
                                Set.of("Bounces.Acme.Example"),
                                Set.of("fbl@acme.example"),
                                10 * 1024 * 1024),
                        KEYS,
                        m -> {
                            if (storageDown.get()) {
                                throw new IllegalStateException("broker unreachable");
                            }
                            stored.add(m);
                        },
                        Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aBounceToASignedReturnPathIsStoredWithTheMessageItNames() throws Exception {
        String returnPath =
                new VerpAddress("m-42", "reader@example.net").encode(KEYS, "bounces.acme.example");

        List<String> replies = send("", returnPath.toUpperCase(java.util.Locale.ROOT), DSN);

        assertThat(replies).last().asString().startsWith("250");
        assertThat(stored)
                .singleElement()
                .satisfies(
                        m -> {
                            assertThat(m.getVerpMessageId()).isEqualTo("m-42");
                            assertThat(m.getVerpRecipient()).isEqualTo("reader@example.net");
                            assertThat(m.getEnvelopeFrom()).isEmpty();
                            assertThat(m.getClientIp()).isEqualTo("127.0.0.1");
                            assertThat(StandardCharsets.US_ASCII.decode(m.getContent()).toString())
                                    .contains("550 5.1.1 <reader@example.net>: user unknown");
                        });
    }

    @Test
    void aForgedReturnPathAndARelayAttemptAreRefusedAtRcpt() throws Exception {
        String genuine =
                new VerpAddress("m-42", "reader@example.net").encode(KEYS, "bounces.acme.example");
        String forged =
                new VerpAddress("m-42", "victim@example.net")
                        .encode(
                                new VerpKeys(
                                        "k1",
                                        Map.of(
                                                "k1",
                                                "another-key-another-key-another!!".getBytes())),
                                "bounces.acme.example");

        List<String> forgedReplies = send("", forged, DSN);
        List<String> relayReplies = send("spammer@example.org", "someone@gmail.com", "Hi");

        assertThat(genuine).isNotEqualTo(forged);
        assertThat(forgedReplies).anySatisfy(r -> assertThat(r).startsWith("550 5.1.1"));
        assertThat(relayReplies).anySatisfy(r -> assertThat(r).startsWith("550 5.7.1"));
        assertThat(stored).isEmpty();
        assertThat(server.refusedCount()).isEqualTo(2);
    }

    @Test
    void aReportToTheFeedbackAddressIsStoredAndAStorageFailureIsA451() throws Exception {
        List<String> ok = send("fbl@gmail.example", "FBL@acme.example", "Feedback-Type: abuse");
        storageDown.set(true);
        List<String> down = send("fbl@gmail.example", "fbl@acme.example", "Feedback-Type: abuse");

        assertThat(ok).last().asString().startsWith("250");
        assertThat(down).last().asString().startsWith("451 4.3.0");
        assertThat(stored)
                .singleElement()
                .satisfies(m -> assertThat(m.getVerpMessageId()).isNull());
        assertThat(server.acceptedCount()).isOne();
    }

    /** One SMTP transaction; returns the server's replies in order (the last is DATA's end). */
    private List<String> send(String from, String to, String content) throws Exception {
        List<String> replies = new java.util.ArrayList<>();
        try (Socket s = new Socket()) {
            s.connect(
                    new InetSocketAddress(
                            server.address().getAddress(), server.address().getPort()));
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            read(in, replies);
            for (String command :
                    List.of(
                            "EHLO mx.example.net",
                            "MAIL FROM:<" + from + ">",
                            "RCPT TO:<" + to + ">")) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                read(in, replies);
            }
            if (!replies.get(replies.size() - 1).startsWith("250")) {
                return replies;
            }
            out.write("DATA\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            read(in, replies);
            out.write((content + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            read(in, replies);
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        return replies;
    }

    private static void read(BufferedReader in, List<String> replies) throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        replies.add(line);
    }
}
