package io.sluice.sim.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare SMTP client over TCP from a chosen loopback source address, for tests that must see each
 * reply exactly as the server sent it (a full client library would turn them into exceptions).
 */
final class RawSmtpClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final String greeting;

    private RawSmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in =
                new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        this.out = socket.getOutputStream();
        this.greeting = reply();
    }

    static RawSmtpClient connect(InetAddress source, InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true); // message and final dot go in two writes: no Nagle delay
        s.bind(new InetSocketAddress(source, 0));
        s.connect(server, 5_000);
        RawSmtpClient c = new RawSmtpClient(s);
        if (c.greeting.startsWith("220")) {
            c.command("EHLO mta.sender.test");
        }
        return c;
    }

    String greeting() {
        return greeting;
    }

    /**
     * One message: the first reply that is not a success, or the reply to the final dot. A closed
     * connection reads as {@code closed}.
     */
    String send(String from, String to, String messageId) throws IOException {
        String message =
                "From: <"
                        + from
                        + ">\r\nTo: <"
                        + to
                        + ">\r\nMessage-ID: <"
                        + messageId
                        + ">\r\nSubject: test\r\n\r\nHello.\r\n";
        return send(from, to, message.getBytes(StandardCharsets.US_ASCII));
    }

    /** One message given whole, with CRLF line ends and no line that starts with a dot. */
    String send(String from, String to, byte[] message) throws IOException {
        String r = command("MAIL FROM:<" + from + ">");
        if (!r.startsWith("250")) {
            return r;
        }
        r = command("RCPT TO:<" + to + ">");
        if (!r.startsWith("250")) {
            command("RSET");
            return r;
        }
        r = command("DATA");
        if (!r.startsWith("354")) {
            return r;
        }
        out.write(message);
        return command(".");
    }

    String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    /** The last line of a reply (multi-line replies repeat the code with a hyphen). */
    private String reply() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return "closed";
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    boolean open() {
        return !socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
