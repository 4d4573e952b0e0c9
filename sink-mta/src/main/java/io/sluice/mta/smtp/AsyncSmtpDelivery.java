package io.sluice.mta.smtp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.smtp.DefaultLastSmtpContent;
import io.netty.handler.codec.smtp.DefaultSmtpRequest;
import io.netty.handler.codec.smtp.SmtpCommand;
import io.netty.handler.codec.smtp.SmtpRequest;
import io.netty.handler.codec.smtp.SmtpRequestEncoder;
import io.netty.handler.codec.smtp.SmtpRequests;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.handler.codec.smtp.SmtpResponseDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.mta.route.MxHost;
import io.sluice.mta.route.MxResolver;
import io.sluice.mta.route.Route;
import io.sluice.mta.smtp.AttemptResult.Outcome;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The non-blocking SMTP client: every connection lives on one small Netty event-loop group (one
 * thread by default, whatever the number of connections), with PIPELINING (RFC 2920), SIZE,
 * 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES and STARTTLS. Same results, same failover and same
 * refusal reports as {@link SmtpDelivery}, whose blocking transport it replaces (ADR 0005).
 *
 * <p>Netty's SMTP codec encodes the commands and decodes the (multi-line) replies; the session
 * state (which reply answers which command, the per-command time-outs) is {@link SmtpSession}, the
 * pool is {@link AsyncConnectionPool}, the message body {@link MessageBody}. MX routes come from
 * {@link MxResolver}'s cache on the caller's thread; a miss is resolved on one DNS thread, since
 * dnsjava's lookups block. The session protocol is written down in docs/design/smtp-client.md.
 */
public final class AsyncSmtpDelivery implements SmtpClient {

    /** Longest reply line accepted; RFC 5321 section 4.5.3.1.5 allows 512 with the CRLF. */
    private static final int MAX_REPLY_LINE = 2048;

    /** Borrows waiting for a connection at once; more fail at once ("no free connection slot"). */
    private static final int MAX_WAITING = 10_000;

    private final MxResolver resolver;
    private final SmtpSettings settings;
    private final Clock clock;
    private final EventLoopGroup loop;
    private final ThreadPoolExecutor dns;
    private final java.util.concurrent.Executor prepare;
    private final AsyncConnectionPool pool;
    private final SslContext tls;
    private volatile SmtpDelivery.RefusalListener refusals = (ip, site, mxHost, code, reply) -> {};

    public AsyncSmtpDelivery(MxResolver resolver, SmtpSettings settings, Clock clock) {
        this(resolver, settings, clock, 1, null, 2);
    }

    /**
     * @param ioThreads event-loop threads for all connections (1 or 2 are enough; see ADR 0005)
     * @param prepare where the message suppliers run (composing, DKIM signing); null: on the event
     *     loop, which then serves no other connection meanwhile
     * @param dnsThreads threads for MX lookups missing from the resolver's cache (dnsjava's lookup
     *     blocks up to its time-out)
     */
    public AsyncSmtpDelivery(
            MxResolver resolver,
            SmtpSettings settings,
            Clock clock,
            int ioThreads,
            java.util.concurrent.Executor prepare,
            int dnsThreads) {
        this.prepare = prepare;
        this.resolver = resolver;
        this.settings = settings;
        this.clock = clock;
        this.loop =
                new MultiThreadIoEventLoopGroup(
                        ioThreads,
                        new DefaultThreadFactory("smtp-io", true),
                        NioIoHandler.newFactory());
        this.dns =
                new ThreadPoolExecutor(
                        dnsThreads,
                        dnsThreads,
                        0,
                        TimeUnit.MILLISECONDS,
                        new LinkedBlockingQueue<>(),
                        new DefaultThreadFactory("smtp-dns", true));
        this.pool = new AsyncConnectionPool(settings, clock, loop, this::quit, MAX_WAITING);
        try {
            // Opportunistic TLS, as MTAs do between them and as SmtpDelivery does: encrypt when
            // offered, without checking the certificate (RFC 3207 section 4.1; MTA-STS is what
            // would make it mandatory and checked).
            this.tls =
                    SslContextBuilder.forClient()
                            .trustManager(InsecureTrustManagerFactory.INSTANCE)
                            .build();
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS client context: " + e.getMessage(), e);
        }
    }

    @Override
    public void onRefusedConnection(SmtpDelivery.RefusalListener listener) {
        this.refusals = listener;
    }

    /** Live threads of this client (event loop and DNS), for the benchmark's thread count. */
    public static long liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(
                        t ->
                                t.getName().startsWith("smtp-io")
                                        || t.getName().startsWith("smtp-dns"))
                .count();
    }

    /** Open connections of {@code sendingIp} to {@code site}, in use or idle (tests). */
    int openToSite(String sendingIp, String site) {
        return pool.openToSite(sendingIp, site);
    }

    // ---- time-outs: RFC 5321 section 4.5.3.2, from the settings as SmtpDelivery reads them ----

    /** Greeting, EHLO, STARTTLS, MAIL, RCPT, RSET: 5 minutes by default. */
    private Duration command() {
        return settings.commandTimeout();
    }

    /** DATA's 354: 2 minutes of the RFC's 5 for a command, scaled with the command time-out. */
    private Duration dataInit() {
        return settings.commandTimeout().multipliedBy(2).dividedBy(5);
    }

    /** Writing the message: 3 minutes of 5 (the RFC's per-block time-out, for the whole body). */
    private Duration dataBlock() {
        return settings.commandTimeout().multipliedBy(3).dividedBy(5);
    }

    /** The reply to the final dot: 10 minutes by default. */
    private Duration dataEnd() {
        return settings.dataEndTimeout();
    }

    /** QUIT's reply: a connection holds its site's permit until closed, so not minutes. */
    private Duration quitTimeout() {
        Duration cap = Duration.ofSeconds(30);
        return settings.commandTimeout().compareTo(cap) < 0 ? settings.commandTimeout() : cap;
    }

    // ---- one attempt ----

    private record Target(MxHost host, InetAddress address) {}

    /** One attempt in progress: what is sent, and the last failure when hosts fail in turn. */
    private final class Attempt {
        final String from;
        final String recipient;
        final Supplier<byte[]> mime;
        final SendingIp ip;
        final SiteLimits limits;
        final Instant start;
        final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
        List<Target> targets = List.of();
        int next;
        String lastFailure = "no MX host could be reached";
        SmtpStage lastStage = SmtpStage.CONNECT;
        int lastCode;
        String lastHost;

        Attempt(
                String from,
                String recipient,
                Supplier<byte[]> mime,
                SendingIp ip,
                SiteLimits limits) {
            this.from = from;
            this.recipient = recipient;
            this.mime = mime;
            this.ip = ip;
            this.limits = limits;
            this.start = clock.instant();
        }

        /**
         * The result of a transaction, held until the connection is back in the pool (after RSET
         * when one is needed), so the next message finds it there.
         */
        AttemptResult held;

        void done(
                Outcome outcome,
                SmtpStage stage,
                int code,
                String enhanced,
                String text,
                String mxHost,
                boolean tls) {
            result.complete(make(outcome, stage, code, enhanced, text, mxHost, tls));
        }

        void hold(
                Outcome outcome,
                SmtpStage stage,
                int code,
                String enhanced,
                String text,
                String mxHost,
                boolean tls) {
            if (held == null) {
                held = make(outcome, stage, code, enhanced, text, mxHost, tls);
            }
        }

        /** Gives the connection back, then completes the attempt with the held result. */
        void finish(SmtpSession s, boolean reusable) {
            pool.release(s, reusable);
            result.complete(held);
        }

        AttemptResult make(
                Outcome outcome,
                SmtpStage stage,
                int code,
                String enhanced,
                String text,
                String mxHost,
                boolean tls) {
            return (new AttemptResult(
                    outcome,
                    stage,
                    code,
                    enhanced,
                    text,
                    mxHost,
                    ip.id(),
                    Duration.between(start, clock.instant()),
                    tls));
        }

        void reply(SmtpSession s, SmtpResponse r, SmtpStage stage) {
            String text = textOf(r);
            hold(
                    AttemptResult.outcomeOf(r.code()),
                    stage,
                    r.code(),
                    AttemptResult.enhancedStatusOf(text).orElse(null),
                    text,
                    s.mxHost,
                    s.tls);
        }

        /** Refused here, before anything of the transaction went: a permanent failure. */
        void refuse(SmtpSession s, SmtpStage stage, String enhanced, String why) {
            hold(Outcome.PERMANENT_FAILURE, stage, 0, enhanced, why, s.mxHost, s.tls);
            finish(s, true);
        }
    }

    @Override
    public CompletableFuture<AttemptResult> deliverAsync(
            String envelopeFrom,
            String recipient,
            Supplier<byte[]> mime,
            SendingIp ip,
            SiteLimits limits) {
        Attempt a = new Attempt(envelopeFrom, recipient, mime, ip, limits);
        try {
            String domain = recipient.substring(recipient.lastIndexOf('@') + 1);
            Optional<Route> cached = resolver.cachedRoute(domain);
            if (cached.isPresent()) {
                routed(a, cached.get());
            } else {
                dns.execute(() -> resolveAndRoute(a, domain));
            }
        } catch (RuntimeException e) {
            a.done(
                    Outcome.TEMPORARY_FAILURE,
                    SmtpStage.RESOLVE,
                    0,
                    "4.3.0",
                    "attempt not started: " + e,
                    null,
                    false);
        }
        return a.result;
    }

    private void resolveAndRoute(Attempt a, String domain) {
        Route route;
        try {
            route = resolver.resolve(domain);
        } catch (RuntimeException e) {
            a.done(
                    Outcome.TEMPORARY_FAILURE,
                    SmtpStage.RESOLVE,
                    0,
                    "4.4.3",
                    "DNS lookup of " + domain + " failed: " + e.getMessage(),
                    null,
                    false);
            return;
        }
        routed(a, route);
    }

    private void routed(Attempt a, Route route) {
        if (route instanceof Route.Undeliverable no) {
            a.done(
                    no.permanent() ? Outcome.PERMANENT_FAILURE : Outcome.TEMPORARY_FAILURE,
                    SmtpStage.RESOLVE,
                    0,
                    no.enhancedStatus(),
                    no.reason(),
                    null,
                    false);
            return;
        }
        List<Target> targets = new ArrayList<>();
        for (MxHost host : ((Route.Deliverable) route).hosts()) {
            for (InetAddress address : host.addresses()) {
                targets.add(new Target(host, address));
            }
        }
        a.targets = targets;
        nextTarget(a);
    }

    /** Tries the next MX address; when none is left, the last failure is the result. */
    private void nextTarget(Attempt a) {
        if (a.next >= a.targets.size()) {
            a.done(
                    Outcome.TEMPORARY_FAILURE,
                    a.lastStage,
                    a.lastCode,
                    a.lastCode >= 400
                            ? AttemptResult.enhancedStatusOf(a.lastFailure).orElse(null)
                            : "4.4.1",
                    a.lastFailure,
                    a.lastHost,
                    false);
            return;
        }
        Target t = a.targets.get(a.next++);
        String mxHost = t.host().name();
        a.lastHost = mxHost;
        ConnectionPool.Key key = new ConnectionPool.Key(a.ip.id(), t.address());
        List<ConnectionPool.Key> twins = new ArrayList<>();
        for (Target other : a.targets) {
            if (other != t && other.host().preference() == t.host().preference()) {
                twins.add(new ConnectionPool.Key(a.ip.id(), other.address()));
            }
        }
        pool.borrow(key, twins, a.limits, () -> open(key, mxHost, a.ip, a.limits), command())
                .whenComplete(
                        (s, error) -> {
                            if (error != null) {
                                failedToOpen(a, mxHost, t.address(), unwrap(error));
                                nextTarget(a);
                            } else if (s == null) {
                                a.lastFailure =
                                        "no free connection slot to "
                                                + mxHost
                                                + " within the timeout";
                                nextTarget(a);
                            } else {
                                s.channel.eventLoop().execute(() -> transaction(s, a));
                            }
                        });
    }

    private void failedToOpen(Attempt a, String mxHost, InetAddress address, Throwable e) {
        if (e instanceof HandshakeFailure h) {
            a.lastFailure = h.getMessage();
            a.lastStage = h.stage;
            a.lastCode = h.code;
            if (h.code >= 400 && h.code < 500 && a.limits != null) {
                refusals.refused(a.ip.id(), a.limits.site(), mxHost, h.code, h.reply);
            }
        } else {
            a.lastFailure =
                    "connect to "
                            + mxHost
                            + " ["
                            + address.getHostAddress()
                            + "] failed: "
                            + e.getMessage();
            a.lastStage = SmtpStage.CONNECT;
            a.lastCode = 0;
        }
    }

    // ---- opening a connection: connect, greeting, EHLO (HELO), STARTTLS ----

    private CompletableFuture<SmtpSession> open(
            ConnectionPool.Key key, String mxHost, SendingIp ip, SiteLimits limits) {
        CompletableFuture<SmtpSession> opened = new CompletableFuture<>();
        SmtpSession[] session = new SmtpSession[1];
        Bootstrap b =
                new Bootstrap()
                        .group(loop)
                        .channel(NioSocketChannel.class)
                        // The closing dot is a small segment after the body: Nagle would hold it
                        // for the delayed ACK (see NoDelaySocketFactory).
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(
                                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                                (int)
                                        Math.min(
                                                Integer.MAX_VALUE,
                                                settings.connectTimeout().toMillis()))
                        .localAddress(new InetSocketAddress(ip.address(), 0))
                        .handler(
                                new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel ch) {
                                        session[0] =
                                                new SmtpSession(
                                                        key,
                                                        mxHost,
                                                        ch,
                                                        command(),
                                                        clock.instant());
                                        ch.pipeline()
                                                .addLast("lines", new ReplyLines(MAX_REPLY_LINE))
                                                .addLast(
                                                        "replies",
                                                        new SmtpResponseDecoder(MAX_REPLY_LINE))
                                                .addLast("commands", new SmtpRequestEncoder())
                                                .addLast("session", session[0]);
                                    }
                                });
        b.connect(new InetSocketAddress(key.target(), settings.port()))
                .addListener(
                        (ChannelFuture f) -> {
                            if (!f.isSuccess()) {
                                opened.completeExceptionally(f.cause());
                                return;
                            }
                            SmtpSession s = session[0];
                            handshake(s, ip, limits)
                                    .whenComplete(
                                            (ok, error) -> {
                                                if (error == null) {
                                                    opened.complete(s);
                                                    return;
                                                }
                                                Throwable e = unwrap(error);
                                                s.close("handshake failed");
                                                opened.completeExceptionally(
                                                        e instanceof HandshakeFailure
                                                                ? e
                                                                : handshakeLost(mxHost, e));
                                            });
                        });
        return opened;
    }

    private static HandshakeFailure handshakeLost(String mxHost, Throwable e) {
        SmtpStage stage = e instanceof SmtpSession.Lost l ? l.stage : SmtpStage.CONNECT;
        return new HandshakeFailure(
                0, stage, mxHost + " refused the session: " + e.getMessage(), "");
    }

    private CompletableFuture<Void> handshake(SmtpSession s, SendingIp ip, SiteLimits limits) {
        return s.greeting
                .thenCompose(
                        g -> {
                            if (g.code() != 220) {
                                throw refused(s, g, SmtpStage.GREETING);
                            }
                            return ehlo(s, ip);
                        })
                .thenCompose(v -> startTls(s, ip, limits));
    }

    private CompletableFuture<Void> ehlo(SmtpSession s, SendingIp ip) {
        CompletableFuture<SmtpResponse> r =
                s.send(SmtpRequests.ehlo(ip.ehloName()), SmtpStage.EHLO, command());
        s.channel.flush();
        return r.thenCompose(
                ehlo -> {
                    if (ehlo.code() == 250) {
                        s.extensions = Extensions.parse(ehlo.details());
                        return CompletableFuture.completedFuture(null);
                    }
                    if (ehlo.code() < 500) {
                        throw refused(s, ehlo, SmtpStage.EHLO);
                    }
                    // RFC 5321 section 3.2: a server that does not know EHLO answers 5xx; try HELO.
                    CompletableFuture<SmtpResponse> h =
                            s.send(SmtpRequests.helo(ip.ehloName()), SmtpStage.EHLO, command());
                    s.channel.flush();
                    return h.thenApply(
                            helo -> {
                                if (helo.code() != 250) {
                                    throw refused(s, helo, SmtpStage.EHLO);
                                }
                                s.extensions = Extensions.NONE;
                                return null;
                            });
                });
    }

    private boolean tlsRequired(SiteLimits limits) {
        return settings.tlsRequired() || (limits != null && limits.tlsRequired());
    }

    private CompletableFuture<Void> startTls(SmtpSession s, SendingIp ip, SiteLimits limits) {
        boolean required = tlsRequired(limits);
        if (!s.extensions.startTls() || !settings.startTls()) {
            if (required) {
                throw new HandshakeFailure(
                        0,
                        SmtpStage.STARTTLS,
                        s.mxHost
                                + " does not offer STARTTLS and TLS is required"
                                + (limits != null && limits.tlsRequired()
                                        ? " for this mail to " + limits.site()
                                        : "")
                                + "; not sent in clear",
                        "");
            }
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<SmtpResponse> r =
                s.send(
                        new DefaultSmtpRequest(SmtpCommand.valueOf("STARTTLS")),
                        SmtpStage.STARTTLS,
                        command());
        s.channel.flush();
        return r.thenCompose(
                        reply -> {
                            if (reply.code() != 220) {
                                throw refused(s, reply, SmtpStage.STARTTLS);
                            }
                            SslHandler handler =
                                    tls.newHandler(s.channel.alloc(), s.mxHost, settings.port());
                            handler.setHandshakeTimeoutMillis(command().toMillis());
                            s.channel.pipeline().addFirst("tls", handler);
                            CompletableFuture<Void> secured = new CompletableFuture<>();
                            handler.handshakeFuture()
                                    .addListener(
                                            f -> {
                                                if (f.isSuccess()) {
                                                    secured.complete(null);
                                                } else {
                                                    // As SmtpDelivery: no fall-back to clear text
                                                    // on this host; the next MX is tried.
                                                    secured.completeExceptionally(
                                                            new HandshakeFailure(
                                                                    0,
                                                                    SmtpStage.STARTTLS,
                                                                    "TLS handshake with "
                                                                            + s.mxHost
                                                                            + " failed: "
                                                                            + f.cause(),
                                                                    ""));
                                                }
                                            });
                            return secured;
                        })
                .thenCompose(
                        v -> {
                            s.tls = true;
                            // RFC 3207 section 4.2: forget what was learnt in clear; ask again.
                            return ehlo(s, ip);
                        });
    }

    private static HandshakeFailure refused(SmtpSession s, SmtpResponse r, SmtpStage stage) {
        String reply = r.code() + " " + textOf(r);
        return new HandshakeFailure(
                r.code(), stage, s.mxHost + " refused the session: " + reply, reply);
    }

    // ---- the transaction: MAIL, RCPT, DATA (pipelined when offered), the message ----

    /**
     * Builds the message (the caller's supplier: composing and DKIM signing, about a millisecond of
     * CPU for an RSA-2048 signature) on the {@code prepare} executor when there is one, so that the
     * event loop keeps serving every other connection meanwhile, then runs the transaction back on
     * the connection's event loop.
     */
    private void transaction(SmtpSession s, Attempt a) {
        if (!s.tls && tlsRequired(a.limits)) {
            // A connection opened in clear for mail that allowed it (its host offers no
            // STARTTLS): never carries mail that requires TLS.
            pool.release(s, true);
            a.done(
                    Outcome.TEMPORARY_FAILURE,
                    SmtpStage.STARTTLS,
                    0,
                    "4.7.10",
                    s.mxHost + " does not offer STARTTLS and TLS is required; not sent in clear",
                    s.mxHost,
                    false);
            return;
        }
        if (prepare == null) {
            transaction(s, a, prepared(a));
            return;
        }
        try {
            prepare.execute(
                    () -> {
                        Prepared p = prepared(a);
                        s.channel.eventLoop().execute(() -> transaction(s, a, p));
                    });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            transaction(s, a, new Prepared(null, e));
        }
    }

    private record Prepared(byte[] mime, Throwable failure) {}

    private static Prepared prepared(Attempt a) {
        try {
            return new Prepared(a.mime.get(), null);
        } catch (RuntimeException | Error e) {
            return new Prepared(null, e);
        }
    }

    private void transaction(SmtpSession s, Attempt a, Prepared p) {
        try {
            if (p.failure() != null) {
                pool.release(s, true);
                a.result.completeExceptionally(p.failure());
                return;
            }
            send(s, a, p.mime());
        } catch (RuntimeException e) {
            s.close("internal error: " + e);
            pool.release(s, false);
            a.done(
                    Outcome.TEMPORARY_FAILURE,
                    SmtpStage.MAIL,
                    0,
                    "4.3.0",
                    "attempt failed in the client: " + e,
                    s.mxHost,
                    s.tls);
        }
    }

    private void send(SmtpSession s, Attempt a, byte[] mime) {
        Extensions x = s.extensions;
        String from = asciiDomain(a.from);
        String rcpt = asciiDomain(a.recipient);
        boolean utf8From = !isAscii(from);
        boolean utf8Rcpt = !isAscii(rcpt);
        if ((utf8From || utf8Rcpt) && !x.smtpUtf8()) {
            a.refuse(
                    s,
                    utf8From ? SmtpStage.MAIL : SmtpStage.RCPT,
                    "5.6.7",
                    (utf8From ? "return path <" + a.from : "recipient <" + a.recipient)
                            + "> is an internationalized address and "
                            + s.mxHost
                            + " does not offer SMTPUTF8 (RFC 6531); not sent");
            return;
        }
        MessageBody.Scan scan = MessageBody.scan(mime);
        if (x.maxSize() > 0 && mime.length > x.maxSize()) {
            a.refuse(
                    s,
                    SmtpStage.MAIL,
                    "5.3.4",
                    "message of "
                            + mime.length
                            + " bytes is over the "
                            + x.maxSize()
                            + " bytes "
                            + s.mxHost
                            + " accepts (SIZE); not sent");
            return;
        }
        if (scan.longestLine() > MessageBody.MAX_LINE) {
            a.refuse(
                    s,
                    SmtpStage.DATA,
                    "5.6.0",
                    "message has a line of "
                            + scan.longestLine()
                            + " bytes, over SMTP's 998 (RFC 5321 section 4.5.3.1.6); not sent");
            return;
        }
        if (scan.eightBit() && !x.eightBitMime()) {
            a.refuse(
                    s,
                    SmtpStage.MAIL,
                    "5.6.3",
                    "message has 8-bit content and "
                            + s.mxHost
                            + " does not offer 8BITMIME; not sent, as it would arrive mangled");
            return;
        }
        List<CharSequence> params = new ArrayList<>(4);
        params.add(address("FROM:<", from));
        if (x.maxSize() >= 0) {
            params.add("SIZE=" + mime.length); // RFC 1870 section 6: an estimate is enough
        }
        if (scan.eightBit()) {
            params.add("BODY=8BITMIME");
        }
        if (utf8From || utf8Rcpt) {
            params.add("SMTPUTF8");
        }
        SmtpRequest mail =
                new DefaultSmtpRequest(SmtpCommand.MAIL, params.toArray(CharSequence[]::new));
        SmtpRequest to = new DefaultSmtpRequest(SmtpCommand.RCPT, address("TO:<", rcpt));
        if (x.pipelining()) {
            // RFC 2920 section 3.1: MAIL, RCPT and DATA in one write; the replies come in order.
            CompletableFuture<SmtpResponse> m = s.send(mail, SmtpStage.MAIL, command());
            CompletableFuture<SmtpResponse> r = s.send(to, SmtpStage.RCPT, command());
            CompletableFuture<SmtpResponse> d =
                    s.send(SmtpRequests.data(), SmtpStage.DATA, dataInit());
            s.channel.flush();
            CompletableFuture.allOf(m, r, d)
                    .whenComplete(
                            (v, e) -> {
                                boolean ok =
                                        step(s, a, m, SmtpStage.MAIL, 2, false)
                                                && step(s, a, r, SmtpStage.RCPT, 2, false)
                                                && step(s, a, d, SmtpStage.DATA, 3, false);
                                if (ok) {
                                    body(s, a, mime, scan);
                                } else {
                                    // A DATA accepted after a refused MAIL or RCPT (a server
                                    // that should have said 503/554, RFC 2920 section 3.1)
                                    // gets an empty message ended at once, then RSET.
                                    boolean dataOpen =
                                            !d.isCompletedExceptionally()
                                                    && d.join().code() / 100 == 3;
                                    afterFailure(s, a, dataOpen);
                                }
                            });
        } else {
            CompletableFuture<SmtpResponse> m = s.send(mail, SmtpStage.MAIL, command());
            s.channel.flush();
            m.whenComplete(
                    (v1, e1) -> {
                        if (!step(s, a, m, SmtpStage.MAIL, 2, true)) {
                            return;
                        }
                        CompletableFuture<SmtpResponse> r = s.send(to, SmtpStage.RCPT, command());
                        s.channel.flush();
                        r.whenComplete(
                                (v2, e2) -> {
                                    if (!step(s, a, r, SmtpStage.RCPT, 2, true)) {
                                        return;
                                    }
                                    CompletableFuture<SmtpResponse> d =
                                            s.send(SmtpRequests.data(), SmtpStage.DATA, dataInit());
                                    s.channel.flush();
                                    d.whenComplete(
                                            (v3, e3) -> {
                                                if (step(s, a, d, SmtpStage.DATA, 3, true)) {
                                                    body(s, a, mime, scan);
                                                }
                                            });
                                });
                    });
        }
    }

    /**
     * Whether the step's reply is of the expected class; if not, the attempt's result is set (the
     * first failure wins) and, when {@code cleanUp}, the connection is reset or closed.
     */
    private boolean step(
            SmtpSession s,
            Attempt a,
            CompletableFuture<SmtpResponse> f,
            SmtpStage stage,
            int expectedClass,
            boolean cleanUp) {
        if (a.held != null) {
            return false;
        }
        if (f.isCompletedExceptionally()) {
            lost(s, a, f, stage);
            if (cleanUp) {
                a.finish(s, false);
            }
            return false;
        }
        SmtpResponse r = f.join();
        if (r.code() / 100 == expectedClass) {
            return true;
        }
        a.reply(s, r, stage);
        if (cleanUp) {
            afterFailure(s, a, false);
        }
        return false;
    }

    private void lost(
            SmtpSession s, Attempt a, CompletableFuture<SmtpResponse> f, SmtpStage stage) {
        String why;
        try {
            f.join();
            why = "?";
        } catch (CompletionException e) {
            why = unwrap(e).getMessage();
        }
        a.hold(
                Outcome.TEMPORARY_FAILURE,
                stage,
                0,
                "4.4.2",
                "connection to " + s.mxHost + " lost at " + stage + ": " + why,
                s.mxHost,
                s.tls);
    }

    /**
     * After a refused transaction: RSET keeps the connection for the next message (RFC 5321 section
     * 4.1.1.5); a 421, a lost connection or a failed RSET closes it.
     */
    private void afterFailure(SmtpSession s, Attempt a, boolean dataOpen) {
        AttemptResult r = a.held;
        if (!s.isOpen() || r == null || r.replyCode() == 0 || r.replyCode() == 421) {
            a.finish(s, false);
            return;
        }
        if (dataOpen) {
            s.send(
                    new DefaultLastSmtpContent(Unpooled.EMPTY_BUFFER),
                    SmtpStage.DATA_END,
                    dataEnd());
        }
        CompletableFuture<SmtpResponse> rset =
                s.send(SmtpRequests.rset(), SmtpStage.MAIL, command());
        s.channel.flush();
        rset.whenComplete((reply, e) -> a.finish(s, e == null && reply.code() == 250));
    }

    private void body(SmtpSession s, Attempt a, byte[] mime, MessageBody.Scan scan) {
        CompletableFuture<SmtpResponse> end = s.expect(SmtpStage.DATA_END, dataBlock());
        boolean[] written = {false};
        s.channel
                .writeAndFlush(
                        new DefaultLastSmtpContent(
                                MessageBody.encode(mime, scan, s.channel.alloc())))
                .addListener(
                        f -> {
                            if (f.isSuccess()) {
                                written[0] = true;
                                s.rearmLast(dataEnd());
                            } else {
                                s.close(
                                        "writing the message to "
                                                + s.mxHost
                                                + " failed: "
                                                + f.cause());
                            }
                        });
        end.whenComplete(
                (r, e) -> {
                    if (e != null) {
                        String why = unwrap(e).getMessage();
                        if (written[0]) {
                            // RFC 5321 section 4.1.1.4 and RFC 1047: the server may have taken
                            // the message; a retry may duplicate it, a success would be a lie.
                            a.hold(
                                    Outcome.TEMPORARY_FAILURE,
                                    SmtpStage.DATA_END,
                                    0,
                                    "4.4.2",
                                    "connection to "
                                            + s.mxHost
                                            + " lost after the end of data, before the reply ("
                                            + why
                                            + "): outcome unknown, the message may have been"
                                            + " delivered",
                                    s.mxHost,
                                    s.tls);
                        } else {
                            a.hold(
                                    Outcome.TEMPORARY_FAILURE,
                                    SmtpStage.DATA,
                                    0,
                                    "4.4.2",
                                    "connection to "
                                            + s.mxHost
                                            + " lost while sending the message: "
                                            + why,
                                    s.mxHost,
                                    s.tls);
                        }
                        a.finish(s, false);
                        return;
                    }
                    a.reply(s, r, SmtpStage.DATA_END);
                    if (r.code() / 100 == 2) {
                        s.messages++;
                        a.finish(s, true);
                    } else {
                        afterFailure(s, a, false);
                    }
                });
    }

    // ---- closing ----

    private void quit(SmtpSession s) {
        s.channel
                .eventLoop()
                .execute(
                        () -> {
                            if (!s.isOpen() || s.busy()) {
                                s.close("closed by the pool");
                                return;
                            }
                            CompletableFuture<SmtpResponse> bye =
                                    s.send(SmtpRequests.quit(), SmtpStage.QUIT, quitTimeout());
                            s.channel.flush();
                            bye.whenComplete((r, e) -> s.channel.close());
                        });
    }

    @Override
    public void close() {
        pool.close();
        dns.shutdownNow();
        loop.shutdownGracefully(100, 3_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5_000);
    }

    // ---- helpers ----

    /** The address with an internationalized domain in A-labels (RFC 5890), when it converts. */
    static String asciiDomain(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0 || isAscii(address.substring(at + 1))) {
            return address;
        }
        try {
            return address.substring(0, at + 1) + IDN.toASCII(address.substring(at + 1));
        } catch (IllegalArgumentException e) {
            return address;
        }
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code FROM:<address>} as bytes: Netty's encoder writes a {@link CharSequence} one char per
     * byte, so a UTF-8 address (SMTPUTF8) goes as an {@link AsciiString} of its UTF-8 bytes.
     */
    private static CharSequence address(String prefix, String address) {
        return new AsciiString((prefix + address + ">").getBytes(StandardCharsets.UTF_8), false);
    }

    /** The reply's lines without their codes, joined by spaces, as SmtpDelivery gives them. */
    private static String textOf(SmtpResponse r) {
        StringBuilder text = new StringBuilder();
        for (CharSequence line : r.details()) {
            String l = line.toString().strip();
            if (!l.isEmpty()) {
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(l);
            }
        }
        return text.toString();
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
