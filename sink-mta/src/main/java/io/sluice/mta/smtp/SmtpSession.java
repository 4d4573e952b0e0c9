package io.sluice.mta.smtp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.smtp.SmtpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One open SMTP connection of the non-blocking client: the replies it waits for, in order, and what
 * the pool knows of it. Replies come back in the order the commands went (RFC 2920 section 3.1), so
 * each command written queues a future and each reply completes the oldest: with PIPELINING MAIL,
 * RCPT and DATA are written together and their three futures wait together.
 *
 * <p>Each awaited reply has its own timer (RFC 5321 section 4.5.3.2 gives each command its own
 * time-out); one that fires closes the connection. A connection that closes fails every awaited
 * reply with {@link Lost}. Everything here runs on the channel's event loop.
 */
final class SmtpSession extends SimpleChannelInboundHandler<SmtpResponse> {

    /** The connection closed or timed out before a reply came. */
    static final class Lost extends IOException {
        final SmtpStage stage;

        Lost(SmtpStage stage, String message) {
            super(message, null);
            this.stage = stage;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an expected outcome, told in the result: no stack trace needed
        }
    }

    private final class Awaited {
        final SmtpStage stage;
        final CompletableFuture<SmtpResponse> reply = new CompletableFuture<>();
        ScheduledFuture<?> timer;

        Awaited(SmtpStage stage) {
            this.stage = stage;
        }

        void arm(Duration timeout) {
            if (timer != null) {
                timer.cancel(false);
            }
            timer =
                    channel.eventLoop()
                            .schedule(
                                    () -> timedOut(this, timeout),
                                    timeout.toNanos(),
                                    TimeUnit.NANOSECONDS);
        }
    }

    final ConnectionPool.Key key;
    final String mxHost;
    final Channel channel;
    private final ArrayDeque<Awaited> awaited = new ArrayDeque<>();
    private final Duration greetingTimeout;
    private volatile String closeReason;

    /** The server's greeting, awaited from the moment the connection is up. */
    final CompletableFuture<SmtpResponse> greeting = new CompletableFuture<>();

    Extensions extensions = Extensions.NONE;
    boolean tls;
    int messages;
    int maxMessages = Integer.MAX_VALUE;
    Instant lastUsed;

    /** The site whose cap counts this connection, or null; set and read by the pool only. */
    ConnectionPool.SiteKey site;

    SmtpSession(
            ConnectionPool.Key key,
            String mxHost,
            Channel channel,
            Duration greetingTimeout,
            Instant now) {
        this.key = key;
        this.greetingTimeout = greetingTimeout;
        this.mxHost = mxHost;
        this.channel = channel;
        this.lastUsed = now;
    }

    /** Waits for the next reply (the greeting, or the reply to a command just written). */
    CompletableFuture<SmtpResponse> expect(SmtpStage stage, Duration timeout) {
        Awaited a = new Awaited(stage);
        if (closeReason != null) {
            a.reply.completeExceptionally(new Lost(stage, closeReason));
            return a.reply;
        }
        awaited.addLast(a);
        a.arm(timeout);
        return a.reply;
    }

    /** Writes {@code message} (not flushed) and waits for its reply. */
    CompletableFuture<SmtpResponse> send(Object message, SmtpStage stage, Duration timeout) {
        CompletableFuture<SmtpResponse> reply = expect(stage, timeout);
        channel.write(message)
                .addListener(
                        f -> {
                            if (!f.isSuccess()) {
                                close("writing " + stage + " failed: " + f.cause());
                            }
                        });
        return reply;
    }

    /** Restarts the timer of the newest awaited reply (the final dot's, once the body is out). */
    void rearmLast(Duration timeout) {
        Awaited a = awaited.peekLast();
        if (a != null) {
            a.arm(timeout);
        }
    }

    boolean isOpen() {
        return channel.isActive() && closeReason == null;
    }

    /** Whether a command's reply is still awaited (a connection with one is not reusable). */
    boolean busy() {
        return !awaited.isEmpty();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        expect(SmtpStage.GREETING, greetingTimeout)
                .whenComplete(
                        (reply, error) -> {
                            if (error != null) {
                                greeting.completeExceptionally(error);
                            } else {
                                greeting.complete(reply);
                            }
                        });
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SmtpResponse response) {
        Awaited a = awaited.pollFirst();
        if (a == null) {
            // A reply nobody asked for: typically "421 closing" on an idle connection (RFC 5321
            // section 3.8). The connection cannot be trusted any more.
            close("unexpected reply " + response.code() + " " + response.details());
            return;
        }
        a.timer.cancel(false);
        a.reply.complete(response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (closeReason == null) {
            closeReason = "connection to " + mxHost + " closed by the server";
        }
        failAll(closeReason);
        greeting.completeExceptionally(new Lost(SmtpStage.GREETING, closeReason));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    private void timedOut(Awaited a, Duration timeout) {
        if (awaited.contains(a)) {
            close("no reply to " + a.stage + " from " + mxHost + " within " + timeout);
        }
    }

    /** Closes the connection now; every awaited reply fails with {@code why}. */
    void close(String why) {
        if (closeReason == null) {
            closeReason = why;
        }
        failAll(closeReason);
        channel.close();
    }

    private void failAll(String why) {
        Awaited a;
        while ((a = awaited.pollFirst()) != null) {
            if (a.timer != null) {
                a.timer.cancel(false);
            }
            a.reply.completeExceptionally(new Lost(a.stage, why));
        }
    }
}
