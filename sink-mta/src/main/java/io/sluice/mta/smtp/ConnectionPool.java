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
 * back to the pool after each message until it has carried {@code maxMessagesPerConnection}, and
 * closes after {@code idleTimeout} unused. A semaphore per key caps the connections one sending IP
 * holds to one MX address; a caller waits for a free one rather than opening more, because
 * providers answer extra connections with 421 "too many connections".
 */
final class ConnectionPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);

    /** One sending IP talking to one MX address. */
    record Key(String sendingIp, InetAddress target) {}

    /** A live connection and how much it has carried. */
    static final class Connection {
        final Key key;
        final SMTPTransport transport;
        final String mxHost;
        int messages;
        Instant lastUsed;

        Connection(Key key, SMTPTransport transport, String mxHost, Instant now) {
            this.key = key;
            this.transport = transport;
            this.mxHost = mxHost;
            this.lastUsed = now;
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
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        if (!slot.permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        try {
            Connection idle;
            synchronized (slot) {
                idle = slot.idle.pollFirst();
            }
            if (idle != null) {
                return idle;
            }
            return opener.open();
        } catch (Exception | Error e) {
            slot.permits.release();
            throw e;
        }
    }

    /** Gives a connection back; it is closed if it may not carry more. */
    void release(Connection c, boolean reusable) {
        Slot slot = slots.get(c.key);
        c.lastUsed = clock.instant();
        if (reusable && c.messages < settings.maxMessagesPerConnection()) {
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
