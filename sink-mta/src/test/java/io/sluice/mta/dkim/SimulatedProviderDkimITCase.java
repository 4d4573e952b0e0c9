package io.sluice.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.truth.Delivery;
import io.sluice.sim.world.SimulatedInternet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/**
 * Mail signed by Sluice's DkimSigner (RSA and Ed25519) passes the Gmail-like provider's own DKIM
 * check (Apache James jDKIM) and DMARC alignment over real SMTP, with an envelope sender whose SPF
 * cannot help; the same message altered in transit is refused with Gmail's 550 5.7.26.
 */
class SimulatedProviderDkimITCase {

    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2026-01-05T08:00:00Z"), ZoneOffset.UTC);
    private static SimulatedInternet internet;
    private static final DkimKeyRing RING = new DkimKeyRing();

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        internet =
                SimulatedInternet.of(List.of(ProviderProfiles.named("gmail-like")))
                        .subnet(64)
                        .smtpPort(port)
                        .clock(CLOCK)
                        .start();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        DkimKey rsaKey = DkimKey.of("acme.example", "rsa1", rsa.generateKeyPair().getPrivate());
        DkimKey edKey =
                DkimKey.of(
                        "acme.example",
                        "ed1",
                        KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        for (DkimKey k : List.of(rsaKey, edKey)) {
            RING.activate(k);
            String record = k.publicKeyRecord();
            List<String> strings = new java.util.ArrayList<>();
            for (int i = 0; i < record.length(); i += 255) {
                strings.add(record.substring(i, Math.min(record.length(), i + 255)));
            }
            internet.dns()
                    .add(
                            new TXTRecord(
                                    Name.fromString(k.selector() + "._domainkey.acme.example."),
                                    org.xbill.DNS.DClass.IN,
                                    300,
                                    strings));
        }
    }

    @AfterAll
    static void stop() {
        internet.close();
    }

    @Test
    void sluiceSignedMailPassesAndAnAlteredCopyIsRefused() throws Exception {
        byte[] signed =
                new DkimSigner(SigningOptions.defaults(), CLOCK).signMessage(message("s1"), RING);

        assertThat(send(signed)).startsWith("250");
        Delivery d =
                internet.server("gmail-like").groundTruth().deliveries().stream()
                        .filter(x -> x.messageId().equals("s1@acme.example"))
                        .findFirst()
                        .orElseThrow();
        assertThat(d.authentication())
                .startsWith("dkim=pass header.d=acme.example")
                .contains("spf=none smtp.mailfrom=elsewhere.example")
                .endsWith("dmarc=pass header.from=acme.example");

        String altered =
                new String(signed, StandardCharsets.ISO_8859_1)
                        .replace("Your order has shipped.", "Your order has been cancelled.");
        assertThat(send(altered.getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo(
                        "550 5.7.26 Unauthenticated email from acme.example is not accepted due"
                                + " to domain's DMARC policy.");
    }

    private static byte[] message(String id) {
        return ("From: Acme <orders@acme.example>\r\n"
                        + "To: <ann@gmail.com>\r\n"
                        + "Subject: Your order\r\n"
                        + "Date: Mon, 05 Jan 2026 08:00:00 +0000\r\n"
                        + "Message-ID: <"
                        + id
                        + "@acme.example>\r\n"
                        + "\r\n"
                        + "Your order has shipped.\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** One SMTP transaction from 127.0.64.100; the reply to the final dot, or the first refusal. */
    private static String send(byte[] message) throws Exception {
        InetSocketAddress server = internet.server("gmail-like").address();
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.64.100"), 0));
            s.connect(server, 5000);
            s.setSoTimeout(10_000);
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            reply(in);
            for (String command :
                    List.of(
                            "EHLO mta.sender.test",
                            "MAIL FROM:<bounce@elsewhere.example>",
                            "RCPT TO:<ann@gmail.com>",
                            "DATA")) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String r = reply(in);
                if (!r.startsWith("2") && !r.startsWith("354")) {
                    return r;
                }
            }
            out.write(message);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply(in);
        }
    }

    private static String reply(BufferedReader in) throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return String.valueOf(line);
    }
}
