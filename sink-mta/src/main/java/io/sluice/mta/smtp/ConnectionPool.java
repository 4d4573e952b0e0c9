package io.sluice.mta.smtp;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open SMTP connections per (sending IP, MX address), reused for many messages: a connection goes
 * back to the pool after each message until it has carried its site's per-connection limit (or
 * {@code maxMessagesPerConnection}), and closes after {@code idleTimeout} unused. A semaphore per
 * key caps the connections one sending IP uses at once to one MX address; a caller waits for a free
 * one rather than opening more, because providers answer extra connections with 421 "too many
 * connections".
 *
 * <p>When the caller names the site, a second cap counts every open connection (in use or idle)
 * from the IP to any MX host of the site: a new connection needs one of the site's permits, taken
 * from an idle connection to another of the site's hosts when none is free, and a permit returns
 * only when its connection closes.
 */
final class ConnectionPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);

    /** One sending IP talking to one MX address. */
    record Key(String sendingIp, InetAddress target) {}

    /** One sending IP talking to one site, across its MX hosts. */
    record SiteKey(String sendingIp, String site) {}

    /** A live connection and how much it has carried. */
    static final class Connection {
        final Key key;
        final SMTPTransport transport;
        final String mxHost;
        int messages;
        Instant lastUsed;

        /** Set by the pool when a site's cap holds a permit for this connection. */
        SiteSlot site;

        int maxMessages;

        Connection(Key key, SMTPTransport transport, String mxHost, Instant now) {
            this.key = key;
            this.transport = transport;
            this.mxHost = mxHost;
            this.lastUsed = now;
        }
    }

    /**
     * The open connections of one IP to one site. The cap is the caller's at each borrow, not fixed
     * at the first: the site's limit moves (concurrency feedback lowers it on refusals), and a
     * lowered cap takes effect as connections close.
     */
    static final class SiteSlot {
        private int open;

        synchronized boolean tryAcquire(int cap) {
            if (open < cap) {
                open++;
                return true;
            }
            return false;
        }

        synchronized boolean tryAcquire(int cap, long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            while (open >= cap) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            open++;
            return true;
        }

        synchronized void release() {
            open--;
            notifyAll();
        }

        synchronized int open() {
            return open;
        }
    }

    /** Opens a new connection; throws when the connection or the handshake fails. */
    interface Opener {
        Connection open() throws Exception;
    }

    private final class Slot {
        final Semaphore permits = new Semaphore(settings.maxConnectionsPerHost(), true);
        final Deque<Connection> idle = new ArrayDeque<>();
    }

    private final SmtpSettings settings;
    private final Clock clock;
    private final Map<Key, Slot> slots = new ConcurrentHashMap<>();
    private final Map<SiteKey, SiteSlot> sites = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;

    ConnectionPool(SmtpSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.reaper =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "smtp-idle-reaper");
                            t.setDaemon(true);
                            return t;
                        });
        long period = Math.max(200, settings.idleTimeout().toMillis() / 2);
        reaper.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * A connection for {@code key}: an idle one if there is one, else a new one from {@code
     * opener}. Waits up to {@code wait} for a free slot under the cap; returns null when none came.
     */
    Connection borrow(Key key, Opener opener, Duration wait) throws Exception {
        return borrow(key, null, opener, wait);
    }

    /**
     * As {@link #borrow(Key, Opener, Duration)}, within {@code limits}: at most {@code
     * limits.connections()} open from the key's IP to the site, each closed after {@code
     * limits.perConnection()} messages. Null limits: only the pool's own settings.
     */
    Connection borrow(Key key, SiteLimits limits, Opener opener, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        if (!slot.permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        SiteSlot site = null;
        try {
            Connection idle;
            synchronized (slot) {
                idle = slot.idle.pollFirst();
            }
            if (idle != null) {
                return idle;
            }
            if (limits != null) {
                site =
                        sites.computeIfAbsent(
                                new SiteKey(key.sendingIp(), limits.site()), k -> new SiteSlot());
                if (!site.tryAcquire(limits.connections())) {
                    closeIdleOfSite(site);
                    long left = Math.max(0, deadline - System.nanoTime());
                    if (!site.tryAcquire(limits.connections(), left)) {
                        slot.permits.release();
                        return null;
                    }
                }
            }
            Connection c = opener.open();
            c.site = site;
            c.maxMessages =
                    limits == null
                            ? settings.maxMessagesPerConnection()
                            : Math.min(limits.perConnection(), settings.maxMessagesPerConnection());
            return c;
        } catch (Exception | Error e) {
            if (site != null) {
                site.release();
            }
            slot.permits.release();
            throw e;
        }
    }

    /** Closes one idle connection that holds a permit of {@code site}, if there is one. */
    private void closeIdleOfSite(SiteSlot site) {
        for (Slot other : slots.values()) {
            Connection victim = null;
            synchronized (other) {
                for (var it = other.idle.descendingIterator(); it.hasNext(); ) {
                    Connection c = it.next();
                    if (c.site == site) {
                        it.remove();
                        victim = c;
                        break;
                    }
                }
            }
            if (victim != null) {
                quit(victim);
                return;
            }
        }
    }

    /** Open connections of {@code sendingIp} to {@code site} (in use or idle), for tests. */
    int openToSite(String sendingIp, String site) {
        SiteSlot s = sites.get(new SiteKey(sendingIp, site));
        return s == null ? 0 : s.open();
    }

    /** Gives a connection back; it is closed if it may not carry more. */
    void release(Connection c, boolean reusable) {
        Slot slot = slots.get(c.key);
        c.lastUsed = clock.instant();
        int max = c.maxMessages > 0 ? c.maxMessages : settings.maxMessagesPerConnection();
        if (reusable && c.messages < max) {
            synchronized (slot) {
                slot.idle.addFirst(c);
            }
        } else {
            quit(c);
        }
        slot.permits.release();
    }

    private void closeIdle() {
        Instant cutoff = clock.instant().minus(settings.idleTimeout());
        for (Slot slot : slots.values()) {
            while (true) {
                Connection oldest;
                synchronized (slot) {
                    oldest = slot.idle.peekLast();
                    if (oldest == null || oldest.lastUsed.isAfter(cutoff)) {
                        break;
                    }
                    slot.idle.pollLast();
                }
                quit(oldest);
            }
        }
    }

    private static void quit(Connection c) {
        try {
            c.transport.close();
        } catch (Exception e) {
            LOG.debug("closing connection to {} failed", c.mxHost, e);
        } finally {
            SiteSlot site = c.site;
            c.site = null;
            if (site != null) {
                site.release();
            }
        }
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        for (Slot slot : slots.values()) {
            synchronized (slot) {
                slot.idle.forEach(ConnectionPool::quit);
                slot.idle.clear();
            }
        }
    }
}
