package io.sluice.mta.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small SMTP server for protocol tests, written on plain sockets so that it shows what went over
 * the wire: which commands arrived together in one read (PIPELINING), the raw DATA bytes
 * (dot-stuffing), the client's address and EHLO name. It advertises the extensions it is given and
 * misbehaves by address prefix: a sender {@code mail451-...} gets 451 at MAIL; a recipient {@code
 * rcpt550-...}, {@code data554-...}, {@code end451-...} the code at RCPT, DATA or the final dot;
 * {@code drop-after-dot-...} a closed connection instead of the final reply; {@code
 * silent-after-dot-...} no reply at all; a sender {@code bare-...} gets bare reply codes, without
 * text ({@code 250}), as RFC 5321 allows; a sender {@code slow-...} every reply 300 ms late. With
 * {@code STARTTLS} among its extensions it upgrades the connection with a real TLS handshake (a
 * self-signed certificate made at start) and records which commands arrived encrypted.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    private static final Pattern SCRIPTED = Pattern.compile("^<?(mail|rcpt|data|end)(\\d{3})-");

    /** What one connection saw. */
    static final class Session {
        final InetAddress client;
        volatile String ehlo;
        final List<String> commands = new CopyOnWriteArrayList<>();

        /** The commands of each read, for reads that held any. */
        final List<List<String>> reads = new CopyOnWriteArrayList<>();

        /** The DATA content of each accepted message as it arrived (dot-stuffed). */
        final List<byte[]> messages = new CopyOnWriteArrayList<>();

        volatile boolean ended;

        /** The TLS protocol the session was upgraded to by STARTTLS; null while in clear. */
        volatile String tlsProtocol;

        /** Commands that arrived after the TLS handshake. */
        final List<String> encrypted = new CopyOnWriteArrayList<>();

        Session(InetAddress client) {
            this.client = client;
        }
    }

    private final ServerSocket socket;
    private final SSLContext tls;
    private final String greeting;
    private final List<String> extensions;
    final List<Session> sessions = new CopyOnWriteArrayList<>();

    /**
     * @param extensions the EHLO keywords to advertise, e.g. "PIPELINING", "SIZE 1000"
     */
    ScriptedSmtpServer(InetAddress address, String greeting, String... extensions)
            throws IOException {
        this.socket = new ServerSocket(0, 50, address);
        this.greeting = greeting;
        this.extensions = List.of(extensions);
        this.tls = this.extensions.contains("STARTTLS") ? selfSigned() : null;
        Thread t = new Thread(this::acceptLoop, "scripted-smtp-" + address.getHostAddress());
        t.setDaemon(true);
        t.start();
    }

    ScriptedSmtpServer(InetAddress address, String... extensions) throws IOException {
        this(address, "220 scripted.test ESMTP", extensions);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Every command of every session, in order. */
    List<String> commands() {
        List<String> all = new ArrayList<>();
        sessions.forEach(s -> all.addAll(s.commands));
        return all;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> session(s), "scripted-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        Session rec = new Session(s.getInetAddress());
        sessions.add(rec);
        Conversation c = null;
        try {
            OutputStream out = s.getOutputStream();
            out.write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            c = new Conversation(rec, s, s.getInputStream(), out);
            c.run();
        } catch (IOException e) {
            // the client went away
        } finally {
            try {
                (c == null ? s : c.socket).close();
            } catch (IOException e) {
                // closing anyway
            }
            rec.ended = true;
        }
    }

    /** A TLS server context with a fresh self-signed RSA certificate for scripted.test. */
    private static SSLContext selfSigned() {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            java.security.KeyPair keys = g.generateKeyPair();
            org.bouncycastle.asn1.x500.X500Name name =
                    new org.bouncycastle.asn1.x500.X500Name("CN=scripted.test");
            java.util.Date from = new java.util.Date(System.currentTimeMillis() - 60_000);
            java.util.Date to = new java.util.Date(System.currentTimeMillis() + 86_400_000L);
            java.security.cert.X509Certificate cert =
                    new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                            .getCertificate(
                                    new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                                                    name,
                                                    java.math.BigInteger.ONE,
                                                    from,
                                                    to,
                                                    name,
                                                    keys.getPublic())
                                            .build(
                                                    new org.bouncycastle.operator.jcajce
                                                                    .JcaContentSignerBuilder(
                                                                    "SHA256withRSA")
                                                            .build(keys.getPrivate())));
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] pass = "scripted".toCharArray();
            store.setKeyEntry(
                    "server", keys.getPrivate(), pass, new java.security.cert.Certificate[] {cert});
            javax.net.ssl.KeyManagerFactory kmf =
                    javax.net.ssl.KeyManagerFactory.getInstance(
                            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, pass);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("no self-signed certificate: " + e, e);
        }
    }

    /** The command loop of one session. */
    private final class Conversation {
        final Session rec;
        Socket socket;
        InputStream in;
        OutputStream out;
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteArrayOutputStream data;
        String sender;
        final List<String> recipients = new ArrayList<>();

        Conversation(Session rec, Socket socket, InputStream in, OutputStream out) {
            this.rec = rec;
            this.socket = socket;
            this.in = in;
            this.out = out;
        }

        void run() throws IOException {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                List<String> read = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    line.write(buf[i]);
                    if (buf[i] != '\n' || line.size() < 2) {
                        continue;
                    }
                    byte[] l = line.toByteArray();
                    line.reset();
                    if (data != null) {
                        if (!dataLine(l)) {
                            return;
                        }
                        continue;
                    }
                    String command = new String(l, 0, l.length - 2, StandardCharsets.UTF_8);
                    read.add(command);
                    rec.commands.add(command);
                    if (rec.tlsProtocol != null) {
                        rec.encrypted.add(command);
                    }
                    if (tls != null && command.equalsIgnoreCase("STARTTLS")) {
                        // RFC 3207 section 4: nothing may follow STARTTLS in the same write;
                        // what did is dropped, and the session starts over under TLS.
                        reply("220 2.0.0 ready to start TLS");
                        out.flush();
                        rec.reads.add(read);
                        upgrade();
                        read = new ArrayList<>();
                        break;
                    }
                    if (!command(command)) {
                        out.flush();
                        return;
                    }
                }
                if (!read.isEmpty()) {
                    rec.reads.add(read);
                }
                out.flush();
            }
        }

        /** The TLS handshake on the connection, as the server; the session starts afresh. */
        void upgrade() throws IOException {
            SSLSocket secured =
                    (SSLSocket)
                            tls.getSocketFactory()
                                    .createSocket(
                                            socket,
                                            socket.getInetAddress().getHostAddress(),
                                            socket.getPort(),
                                            true);
            secured.setUseClientMode(false);
            secured.startHandshake();
            socket = secured;
            in = secured.getInputStream();
            out = secured.getOutputStream();
            line.reset();
            sender = null;
            recipients.clear();
            rec.tlsProtocol = secured.getSession().getProtocol();
        }

        /** Handles one line of message content; false to end the session. */
        boolean dataLine(byte[] l) throws IOException {
            if (l.length == 3 && l[0] == '.') {
                byte[] message = data.toByteArray();
                data = null;
                String rcpt = recipients.isEmpty() ? "" : recipients.get(0);
                if (rcpt.startsWith("drop-after-dot-")) {
                    return false;
                }
                if (rcpt.startsWith("silent-after-dot-")) {
                    in.readAllBytes(); // no reply ever; wait for the client to give up
                    return false;
                }
                Integer code = scripted("end", rcpt);
                if (code != null) {
                    reply(code, "end of data");
                } else {
                    rec.messages.add(message);
                    reply("250 2.0.0 queued");
                }
                sender = null;
                recipients.clear();
                return true;
            }
            data.write(l);
            return true;
        }

        /** Handles one command; false to end the session. */
        boolean command(String command) throws IOException {
            String verb = command.length() < 4 ? command : command.substring(0, 4).toUpperCase();
            String arg = command.length() > 5 ? command.substring(5) : "";
            switch (verb) {
                case "EHLO" -> {
                    rec.ehlo = arg;
                    StringBuilder r = new StringBuilder("250");
                    r.append(extensions.isEmpty() ? " " : "-").append("scripted.test\r\n");
                    for (int i = 0; i < extensions.size(); i++) {
                        r.append(i == extensions.size() - 1 ? "250 " : "250-")
                                .append(extensions.get(i))
                                .append("\r\n");
                    }
                    out.write(r.toString().getBytes(StandardCharsets.US_ASCII));
                }
                case "HELO" -> {
                    rec.ehlo = arg;
                    reply("250 scripted.test");
                }
                case "MAIL" -> {
                    sender = addressOf(arg);
                    Integer code = scripted("mail", sender);
                    if (code != null) {
                        sender = null;
                        reply(code, "MAIL");
                    } else {
                        reply("250 2.1.0 sender ok");
                    }
                }
                case "RCPT" -> {
                    String rcpt = addressOf(arg);
                    Integer code = scripted("rcpt", rcpt);
                    if (sender == null) {
                        reply("503 5.5.1 need MAIL first");
                    } else if (code != null) {
                        reply(code, "RCPT");
                    } else {
                        recipients.add(rcpt);
                        reply("250 2.1.5 recipient ok");
                    }
                }
                case "DATA" -> {
                    Integer code =
                            recipients.isEmpty() ? null : scripted("data", recipients.get(0));
                    if (recipients.isEmpty()) {
                        reply("554 5.5.1 no valid recipients");
                    } else if (code != null) {
                        sender = null;
                        recipients.clear();
                        reply(code, "DATA");
                    } else {
                        data = new ByteArrayOutputStream();
                        reply("354 go ahead");
                    }
                }
                case "RSET" -> {
                    sender = null;
                    recipients.clear();
                    reply("250 2.0.0 reset");
                }
                case "NOOP" -> reply("250 2.0.0 ok");
                case "QUIT" -> {
                    reply("221 2.0.0 bye");
                    return false;
                }
                default -> reply("502 5.5.2 not implemented");
            }
            return true;
        }

        private String addressOf(String arg) {
            int lt = arg.indexOf('<');
            int gt = arg.indexOf('>');
            return lt >= 0 && gt > lt ? arg.substring(lt + 1, gt) : arg;
        }

        private Integer scripted(String stage, String address) {
            Matcher m = SCRIPTED.matcher(address);
            return m.find() && m.group(1).equals(stage) ? Integer.parseInt(m.group(2)) : null;
        }

        private void reply(int code, String stage) throws IOException {
            reply(code + " " + (code / 100) + ".7.1 scripted refusal at " + stage);
        }

        private void reply(String text) throws IOException {
            if (sender != null && sender.startsWith("slow-")) {
                out.flush();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            if (sender != null && sender.startsWith("bare-") && text.matches("^[23]\\d\\d .*")) {
                text = text.substring(0, 3);
            }
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
    static void await(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
