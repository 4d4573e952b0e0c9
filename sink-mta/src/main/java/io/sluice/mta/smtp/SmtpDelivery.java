package io.sluice.mta.smtp;

import io.sluice.mta.route.MxHost;
import io.sluice.mta.route.MxResolver;
import io.sluice.mta.route.Route;
import io.sluice.mta.smtp.AttemptResult.Outcome;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * Delivers one message to one recipient from one sending IP: finds the MX hosts, takes a pooled
 * connection bound to the sending IP (opening one if needed, failing over to the next address and
 * the next MX when a connection or handshake fails), and runs the SMTP transaction. Every outcome,
 * including DNS and connection failures, comes back as an {@link AttemptResult}; nothing throws.
 * Blocking; callers run it on their own threads, or {@link #deliverAsync} runs it on this client's
 * bounded pool of threads. Thread-safe. Kept beside {@link AsyncSmtpDelivery} for comparison (ADR
 * 0005; {@code sluice.smtp.client: angus}).
 *
 * <p>The SMTP conversation itself is Angus Mail's client. It reports the reply of the failing
 * command through its exception types, which is enough to tell the stage (MAIL, RCPT, DATA).
 */
public final class SmtpDelivery implements SmtpClient {

    /**
     * Parses the ready-made bytes back into a message for Angus Mail to send. A Session loads its
     * providers from jar resources on creation; one per message cost more than the SMTP exchange.
     */
    private static final Session PARSING = Session.getInstance(new Properties());

    private final MxResolver resolver;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SmtpSettings settings;
    private final Clock clock;
    private final ConnectionPool pool;
    private volatile RefusalListener refusals = (ip, site, mxHost, code, reply) -> {};
    private final int threads;
    private ExecutorService callers;

    /**
     * Told of every new connection a site refused in its greeting or EHLO with a 4xx, failovers to
     * another MX included: what Postfix's concurrency feedback lowers a destination's concurrency
     * on. The attempt itself may still succeed on another MX host.
     */
    public interface RefusalListener {
        void refused(String sendingIp, String site, String mxHost, int code, String reply);
    }

    /** Sets the listener of refused connections (one; the last set wins). */
    @Override
    public void onRefusedConnection(RefusalListener listener) {
        this.refusals = listener;
    }

    public SmtpDelivery(MxResolver resolver, SmtpSettings settings, Clock clock) {
        this(resolver, settings, clock, 64);
    }

    /**
     * @param threads blocking sessions at once for {@link #deliverAsync}
     */
    public SmtpDelivery(MxResolver resolver, SmtpSettings settings, Clock clock, int threads) {
        this.threads = threads;
        this.resolver = resolver;
        this.settings = settings;
        this.clock = clock;
        this.pool = new ConnectionPool(settings, clock);
    }

    /** Runs {@link #deliver} on this client's pool of {@code threads} threads, one per session. */
    @Override
    public CompletableFuture<AttemptResult> deliverAsync(
            String envelopeFrom,
            String recipient,
            java.util.function.Supplier<byte[]> mime,
            SendingIp ip,
            SiteLimits limits) {
        try {
            return CompletableFuture.supplyAsync(
                    () -> deliver(envelopeFrom, recipient, mime, ip, limits), callers());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private synchronized ExecutorService callers() {
        if (callers == null) {
            AtomicInteger n = new AtomicInteger();
            callers =
                    Executors.newFixedThreadPool(
                            threads,
                            r -> {
                                Thread t = new Thread(r, "smtp-angus-" + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
        }
        return callers;
    }

    /**
     * @param envelopeFrom the return path (MAIL FROM)
     * @param mime the message as it goes on the wire, CRLF line ends, signed if it is to be
     */
    @Override
    public AttemptResult deliver(String envelopeFrom, String recipient, byte[] mime, SendingIp ip) {
        return deliver(envelopeFrom, recipient, mime, ip, null);
    }

    /**
     * @param limits what the recipient's site allows the sending IP (connections open at once,
     *     messages per connection); null for only the settings' own limits
     */
    @Override
    public AttemptResult deliver(
            String envelopeFrom, String recipient, byte[] mime, SendingIp ip, SiteLimits limits) {
        return deliver(envelopeFrom, recipient, () -> mime, ip, limits);
    }

    /**
     * As {@link #deliver(String, String, byte[], SendingIp, SiteLimits)}, with the message made
     * only once a connection is ready: a message waiting for a connection slot (seconds, when the
     * site's limit is reached) is then signed with the keys in force when it goes, not those of
     * when it was released (a DKIM key withdrawn meanwhile signs nothing more).
     */
    public AttemptResult deliver(
            String envelopeFrom,
            String recipient,
            java.util.function.Supplier<byte[]> mime,
            SendingIp ip,
            SiteLimits limits) {
        Instant start = clock.instant();
        String domain = recipient.substring(recipient.lastIndexOf('@') + 1);
        Route route = resolver.resolve(domain);
        if (route instanceof Route.Undeliverable no) {
            return new AttemptResult(
                    no.permanent() ? Outcome.PERMANENT_FAILURE : Outcome.TEMPORARY_FAILURE,
                    SmtpStage.RESOLVE,
                    0,
                    no.enhancedStatus(),
                    no.reason(),
                    null,
                    ip.id(),
                    since(start),
                    false);
        }
        String lastFailure = "no MX host could be reached";
        SmtpStage lastStage = SmtpStage.CONNECT;
        int lastCode = 0;
        String lastHost = null;
        for (MxHost host : ((Route.Deliverable) route).hosts()) {
            for (InetAddress target : host.addresses()) {
                lastHost = host.name();
                ConnectionPool.Key key = new ConnectionPool.Key(ip.id(), target);
                ConnectionPool.Connection connection;
                try {
                    connection =
                            pool.borrow(
                                    key,
                                    limits,
                                    () -> open(key, host.name(), ip),
                                    settings.commandTimeout());
                } catch (HandshakeFailure e) {
                    lastFailure = e.getMessage();
                    lastStage = e.stage;
                    lastCode = e.code;
                    if (e.code >= 400 && e.code < 500 && limits != null) {
                        refusals.refused(ip.id(), limits.site(), host.name(), e.code, e.reply);
                    }
                    continue;
                } catch (Exception e) {
                    lastFailure =
                            "connect to "
                                    + host.name()
                                    + " ["
                                    + target.getHostAddress()
                                    + "] failed: "
                                    + e.getMessage();
                    lastStage = SmtpStage.CONNECT;
                    lastCode = 0;
                    continue;
                }
                if (connection == null) {
                    lastFailure =
                            "no free connection slot to " + host.name() + " within the timeout";
                    continue;
                }
                return send(connection, envelopeFrom, recipient, mime.get(), ip, start);
            }
        }
        return new AttemptResult(
                Outcome.TEMPORARY_FAILURE,
                lastStage,
                lastCode,
                lastCode >= 400
                        ? AttemptResult.enhancedStatusOf(lastFailure).orElse(null)
                        : "4.4.1",
                lastFailure,
                lastHost,
                ip.id(),
                since(start),
                false);
    }

    private AttemptResult send(
            ConnectionPool.Connection c,
            String envelopeFrom,
            String recipient,
            byte[] mime,
            SendingIp ip,
            Instant start) {
        SMTPTransport t = c.transport;
        boolean tls = settings.startTls() && t.getStartTLS() && t.supportsExtension("STARTTLS");
        boolean reusable = true;
        try {
            SMTPMessage message = new SMTPMessage(PARSING, new ByteArrayInputStream(mime));
            message.setEnvelopeFrom(envelopeFrom);
            t.sendMessage(message, new Address[] {new InternetAddress(recipient, false)});
            c.messages++;
            return result(
                    t.getLastReturnCode(),
                    t.getLastServerResponse(),
                    SmtpStage.DATA_END,
                    c,
                    ip,
                    start,
                    tls);
        } catch (MessagingException e) {
            Reply reply = replyOf(e, t);
            reusable = reply.code != 421 && reply.code != 0;
            if (reply.code == 0) {
                return new AttemptResult(
                        Outcome.TEMPORARY_FAILURE,
                        reply.stage,
                        0,
                        "4.4.2",
                        "connection to " + c.mxHost + " lost: " + rootMessage(e),
                        c.mxHost,
                        ip.id(),
                        since(start),
                        tls);
            }
            return result(reply.code, reply.text, reply.stage, c, ip, start, tls);
        } finally {
            pool.release(c, reusable);
        }
    }

    private record Reply(int code, String text, SmtpStage stage) {}

    /** The failing command's reply, from the most specific exception in Angus Mail's chain. */
    private static Reply replyOf(MessagingException e, SMTPTransport t) {
        for (Exception x = e;
                x != null;
                x = x instanceof MessagingException m ? m.getNextException() : null) {
            if (x instanceof SMTPAddressFailedException a) {
                return new Reply(a.getReturnCode(), a.getMessage(), SmtpStage.RCPT);
            }
            if (x instanceof SMTPSenderFailedException s) {
                return new Reply(s.getReturnCode(), s.getMessage(), SmtpStage.MAIL);
            }
            if (x instanceof SMTPSendFailedException s && s.getReturnCode() > 0) {
                SmtpStage stage = ".".equals(s.getCommand()) ? SmtpStage.DATA_END : SmtpStage.DATA;
                return new Reply(s.getReturnCode(), s.getMessage(), stage);
            }
        }
        if (e.getCause() instanceof IOException || t.getLastReturnCode() <= 0) {
            return new Reply(0, rootMessage(e), SmtpStage.DATA);
        }
        return new Reply(t.getLastReturnCode(), t.getLastServerResponse(), SmtpStage.DATA_END);
    }

    private AttemptResult result(
            int code,
            String response,
            SmtpStage stage,
            ConnectionPool.Connection c,
            SendingIp ip,
            Instant start,
            boolean tls) {
        String text = replyText(code, response);
        return new AttemptResult(
                AttemptResult.outcomeOf(code),
                stage,
                code,
                AttemptResult.enhancedStatusOf(text).orElse(null),
                text,
                c.mxHost,
                ip.id(),
                since(start),
                tls);
    }

    /** The reply without its code: "550-5.1.1 a\n550 5.1.1 b" becomes "5.1.1 a 5.1.1 b". */
    static String replyText(int code, String response) {
        if (response == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        String prefix = Integer.toString(code);
        for (String line : response.strip().split("\r?\n")) {
            String l = line.strip();
            if (l.startsWith(prefix)
                    && l.length() > 3
                    && (l.charAt(3) == ' ' || l.charAt(3) == '-')) {
                l = l.substring(4);
            } else if (l.equals(prefix)) {
                l = "";
            }
            if (!l.isEmpty()) {
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(l);
            }
        }
        return text.toString();
    }

    private ConnectionPool.Connection open(ConnectionPool.Key key, String mxHost, SendingIp ip)
            throws MessagingException, HandshakeFailure {
        Properties p = new Properties();
        p.setProperty("mail.smtp.port", Integer.toString(settings.port()));
        p.setProperty("mail.smtp.localaddress", ip.address().getHostAddress());
        p.setProperty("mail.smtp.localhost", ip.ehloName());
        p.setProperty("mail.smtp.connectiontimeout", millis(settings.connectTimeout()));
        p.setProperty("mail.smtp.timeout", millis(settings.commandTimeout()));
        p.setProperty("mail.smtp.writetimeout", millis(settings.dataEndTimeout()));
        // Opportunistic TLS, as MTAs do between them: encrypt when offered, without checking the
        // certificate name (RFC 3207 section 4.1; MTA-STS is what makes it mandatory).
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
        p.setProperty("mail.smtp.ssl.trust", "*");
        p.setProperty("mail.smtp.ssl.checkserveridentity", "false");
        // Wait for QUIT's 221 before closing (RFC 5321 section 4.1.1.10: the sender SHOULD): a
        // connection counts against the site's cap until the server let go of it, so a new one
        // never overlaps the one still closing at the server.
        p.setProperty("mail.smtp.quitwait", "true");
        p.setProperty("mail.smtp.userset", "true");
        p.put("mail.smtp.socketFactory", NoDelaySocketFactory.INSTANCE);
        // One Session per sending IP: its properties differ only by the source address and name.
        Session session = sessions.computeIfAbsent(ip.id(), k -> Session.getInstance(p));
        SMTPTransport transport = (SMTPTransport) session.getTransport("smtp");
        try {
            transport.connect(key.target().getHostAddress(), settings.port(), null, null);
        } catch (MailConnectException e) {
            throw e;
        } catch (MessagingException e) {
            int code = transport.getLastReturnCode();
            String text = replyText(code, transport.getLastServerResponse());
            throw new HandshakeFailure(
                    code,
                    code > 0 ? SmtpStage.GREETING : SmtpStage.CONNECT,
                    mxHost
                            + " refused the session: "
                            + (code > 0 ? code + " " + text : e.getMessage()),
                    code > 0 ? code + " " + text : "");
        }
        return new ConnectionPool.Connection(key, transport, mxHost, clock.instant());
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private Duration since(Instant start) {
        return Duration.between(start, clock.instant());
    }

    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (callers != null) {
                callers.shutdownNow();
            }
        }
        pool.close();
    }
}
