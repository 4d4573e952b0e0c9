package io.sluice.mta.smtp;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The non-blocking client's open connections, with the rules of {@link ConnectionPool}: per
 * (sending IP, MX address) at most {@code maxConnectionsPerHost} in use and idle ones reused first;
 * per (sending IP, site) at most the borrow's {@code limits.connections()} open, in use or idle,
 * the cap read at each borrow so a lowered limit holds as connections close; a connection closed
 * after its messages-per-connection limit and after {@code idleTimeout} unused.
 *
 * <p>A borrow that cannot be served at once waits in a FIFO queue (bounded: a full queue answers
 * "no slot" at once, as a timed-out wait does) instead of blocking a thread. Every change that
 * frees room (a release, a close, a failed open) walks the queue. A site's permit returns only once
 * its connection has closed (after QUIT's reply), so a new connection never overlaps the one still
 * closing at the server. One lock guards the counts; opening and closing happen outside it.
 */
final class AsyncConnectionPool implements AutoCloseable {

    /** Opens a connection, handshake done; fails with the reason it could not. */
    interface Opener {
        CompletableFuture<SmtpSession> open();
    }

    /** Closes a connection politely (QUIT, then close). */
    interface Closer {
        void quit(SmtpSession session);
    }

    private static final class HostSlot {
        int inUse; // borrowed or being opened
        final ArrayDeque<SmtpSession> idle = new ArrayDeque<>();
    }

    private static final class Waiter {
        final ConnectionPool.Key key;
        final List<ConnectionPool.Key> twins;
        final SiteLimits limits;
        final Opener opener;
        final CompletableFuture<SmtpSession> borrowed = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        boolean evicted;

        Waiter(
                ConnectionPool.Key key,
                List<ConnectionPool.Key> twins,
                SiteLimits limits,
                Opener opener) {
            this.key = key;
            this.twins = twins;
            this.limits = limits;
            this.opener = opener;
        }
    }

    private final SmtpSettings settings;
    private final Clock clock;
    private final EventLoopGroup loop;
    private final Closer closer;
    private final int maxWaiting;
    private final Map<ConnectionPool.Key, HostSlot> hosts = new HashMap<>();
    private final Map<ConnectionPool.SiteKey, int[]> sites = new HashMap<>();
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final ScheduledFuture<?> reaper;
    private boolean closed;

    AsyncConnectionPool(
            SmtpSettings settings,
            Clock clock,
            EventLoopGroup loop,
            Closer closer,
            int maxWaiting) {
        this.settings = settings;
        this.clock = clock;
        this.loop = loop;
        this.closer = closer;
        this.maxWaiting = maxWaiting;
        long period = Math.max(200, settings.idleTimeout().toMillis() / 2);
        this.reaper =
                loop.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * A connection for {@code key} within {@code limits} (null: the settings' only): an idle one,
     * else an idle one to one of its {@code twins} (hosts of the same MX preference, which serve
     * the recipient as well), else a new one from {@code opener}; completes with null when no room
     * came within {@code wait} or the queue of waiting borrows is full, exceptionally when the
     * opener failed.
     */
    CompletableFuture<SmtpSession> borrow(
            ConnectionPool.Key key,
            List<ConnectionPool.Key> twins,
            SiteLimits limits,
            Opener opener,
            Duration wait) {
        Waiter w = new Waiter(key, twins, limits, opener);
        List<Runnable> actions = new ArrayList<>(2);
        synchronized (this) {
            if (closed) {
                w.borrowed.complete(null);
                return w.borrowed;
            }
            if (!tryServe(w, actions)) {
                if (waiting.size() >= maxWaiting) {
                    w.borrowed.complete(null);
                } else {
                    waiting.addLast(w);
                    w.timer = loop.schedule(() -> giveUp(w), wait.toNanos(), TimeUnit.NANOSECONDS);
                }
            }
        }
        actions.forEach(Runnable::run);
        return w.borrowed;
    }

    /**
     * Serves {@code w} now if there is room (adding what to do outside the lock to {@code
     * actions}); else, when the site is full only because of idle connections to its other hosts,
     * closes one of those (once per waiter) so that the wait ends when it has closed.
     */
    private boolean tryServe(Waiter w, List<Runnable> actions) {
        HostSlot host = hosts.computeIfAbsent(w.key, k -> new HostSlot());
        if (host.inUse >= settings.maxConnectionsPerHost()) {
            return false;
        }
        if (reuse(host, w, actions)) {
            return true;
        }
        // A site with two MX hosts at its cap would otherwise close an idle connection to one to
        // open another to its twin for every second message (56 connections for 120 messages at
        // 10 a connection in SmtpDeliveryITCase, where 12 do).
        for (ConnectionPool.Key twin : w.twins) {
            HostSlot other = hosts.get(twin);
            if (other != null
                    && other.inUse < settings.maxConnectionsPerHost()
                    && reuse(other, w, actions)) {
                return true;
            }
        }
        ConnectionPool.SiteKey siteKey = null;
        if (w.limits != null) {
            siteKey = new ConnectionPool.SiteKey(w.key.sendingIp(), w.limits.site());
            int[] open = sites.computeIfAbsent(siteKey, k -> new int[1]);
            if (open[0] >= w.limits.connections()) {
                if (!w.evicted) {
                    SmtpSession victim = idleOfSite(siteKey);
                    if (victim != null) {
                        w.evicted = true;
                        actions.add(() -> closer.quit(victim));
                    }
                }
                return false;
            }
            open[0]++;
        }
        host.inUse++;
        ConnectionPool.SiteKey site = siteKey;
        int maxMessages =
                w.limits == null
                        ? settings.maxMessagesPerConnection()
                        : Math.min(w.limits.perConnection(), settings.maxMessagesPerConnection());
        actions.add(() -> open(w, site, maxMessages));
        return true;
    }

    /** Serves {@code w} with an idle connection of {@code host}, if one is still open. */
    private static boolean reuse(HostSlot host, Waiter w, List<Runnable> actions) {
        SmtpSession idle;
        while ((idle = host.idle.pollFirst()) != null) {
            if (idle.isOpen()) {
                host.inUse++;
                SmtpSession s = idle;
                actions.add(() -> w.borrowed.complete(s));
                return true;
            }
        }
        return false;
    }

    private void open(Waiter w, ConnectionPool.SiteKey site, int maxMessages) {
        CompletableFuture<SmtpSession> opening;
        try {
            opening = w.opener.open();
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        opening.whenComplete(
                (s, error) -> {
                    if (error != null) {
                        synchronized (this) {
                            hosts.get(w.key).inUse--;
                            if (site != null) {
                                sites.get(site)[0]--;
                            }
                        }
                        dispatch();
                        w.borrowed.completeExceptionally(error);
                        return;
                    }
                    s.site = site;
                    s.maxMessages = maxMessages;
                    s.channel.closeFuture().addListener(f -> closed(s));
                    w.borrowed.complete(s);
                });
    }

    /**
     * The idle connection to another host of {@code site} unused longest, taken out of its pool.
     */
    private SmtpSession idleOfSite(ConnectionPool.SiteKey site) {
        for (HostSlot h : hosts.values()) {
            for (Iterator<SmtpSession> it = h.idle.descendingIterator(); it.hasNext(); ) {
                SmtpSession s = it.next();
                if (site.equals(s.site)) {
                    it.remove();
                    return s;
                }
            }
        }
        return null;
    }

    private void giveUp(Waiter w) {
        synchronized (this) {
            if (!waiting.remove(w)) {
                return;
            }
        }
        w.borrowed.complete(null);
    }

    /**
     * Gives a connection back; it is closed if it may not carry more or is not in a clean state.
     */
    void release(SmtpSession s, boolean reusable) {
        boolean keep;
        synchronized (this) {
            HostSlot host = hosts.get(s.key);
            host.inUse--;
            s.lastUsed = clock.instant();
            keep = !closed && reusable && s.isOpen() && !s.busy() && s.messages < s.maxMessages;
            if (keep) {
                host.idle.addFirst(s);
            }
        }
        if (!keep) {
            closer.quit(s);
        }
        dispatch();
    }

    /** A connection closed, by either side: its site permit returns. */
    private void closed(SmtpSession s) {
        synchronized (this) {
            HostSlot host = hosts.get(s.key);
            if (host != null) {
                host.idle.remove(s);
            }
            if (s.site != null) {
                sites.get(s.site)[0]--;
                s.site = null;
            }
        }
        dispatch();
    }

    /** Serves the waiting borrows that now can be, oldest first. */
    private void dispatch() {
        List<Runnable> actions = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (tryServe(w, actions)) {
                    it.remove();
                    w.timer.cancel(false);
                }
            }
        }
        actions.forEach(Runnable::run);
    }

    private void closeIdle() {
        Instant cutoff = clock.instant().minus(settings.idleTimeout());
        List<SmtpSession> stale = new ArrayList<>();
        synchronized (this) {
            for (HostSlot h : hosts.values()) {
                SmtpSession oldest;
                while ((oldest = h.idle.peekLast()) != null && !oldest.lastUsed.isAfter(cutoff)) {
                    stale.add(h.idle.pollLast());
                }
            }
        }
        stale.forEach(closer::quit);
    }

    /** Open connections of {@code sendingIp} to {@code site} (in use or idle), for tests. */
    synchronized int openToSite(String sendingIp, String site) {
        int[] open = sites.get(new ConnectionPool.SiteKey(sendingIp, site));
        return open == null ? 0 : open[0];
    }

    @Override
    public void close() {
        List<SmtpSession> idle = new ArrayList<>();
        List<Waiter> waiters;
        synchronized (this) {
            closed = true;
            reaper.cancel(false);
            hosts.values().forEach(h -> idle.addAll(h.idle));
            hosts.values().forEach(h -> h.idle.clear());
            waiters = new ArrayList<>(waiting);
            waiting.clear();
        }
        waiters.forEach(w -> w.borrowed.complete(null));
        idle.forEach(closer::quit);
    }
}
