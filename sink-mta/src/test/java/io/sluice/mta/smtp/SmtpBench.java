package io.sluice.mta.smtp;

import io.sluice.mta.route.MxResolver;
import io.sluice.sim.dns.LocalDnsServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sluice's side of {@code bench/smtp} (run by the script, not by the test suite): sends messages of
 * a given size over a given number of connections from one sending IP to an SMTP sink, through each
 * real client (MX lookup over UDP, pooled connections), and prints one line per client and case:
 * {@code CLIENT SIZE CONNECTIONS MESSAGES MSGS_PER_S THREADS}, CLIENT being {@code async} ({@link
 * AsyncSmtpDelivery}, the job's) or {@code angus} ({@link SmtpDelivery}).
 *
 * <p>The async client is driven as the job drives it: {@code deliverAsync} from one thread, with at
 * most four attempts in flight per connection (the operator's bounded capacity), messages built on
 * a two-thread executor. THREADS is what each client needs for that many connections: the async
 * client's event-loop and DNS threads (counted live), the blocking client's one caller per
 * connection.
 *
 * <p>Arguments: the sink's port, then cases as {@code size:connections:messages}.
 */
public final class SmtpBench {

    /** Each client and case sends for this long before the measured run. */
    private static final long WARM_UP_NANOS = 4_000_000_000L;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        try (LocalDnsServer dns = LocalDnsServer.start(InetAddress.getByName("127.0.0.53"), 0)) {
            dns.loadZone(
                    "$TTL 300\n"
                            + "bench.example. IN MX 10 sink.bench.example.\n"
                            + "sink.bench.example. IN A 127.0.0.1\n",
                    ".");
            for (int i = 1; i < args.length; i++) {
                String[] c = args[i].split(":");
                int size = Integer.parseInt(c[0]);
                int connections = Integer.parseInt(c[1]);
                int messages = Integer.parseInt(c[2]);
                runAsync(dns, port, size, connections, messages);
                if (connections <= 10) {
                    // The blocking client needs a thread per connection: 100 is not its case.
                    runAngus(dns, port, size, connections, messages);
                }
            }
        }
    }

    private static SmtpSettings settings(int port, int connections) {
        return new SmtpSettings(
                port,
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                1_000_000,
                connections,
                Duration.ofSeconds(30),
                false);
    }

    private static void runAsync(
            LocalDnsServer dns, int port, int size, int connections, int messages)
            throws Exception {
        byte[] mime = message(size);
        SendingIp ip = new SendingIp("bench", InetAddress.getByName("127.0.0.10"), "bench.local");
        // As the job builds and signs messages: on two threads off the event loop.
        ExecutorService prepare = Executors.newFixedThreadPool(2);
        long before = AsyncSmtpDelivery.liveThreads();
        try (AsyncSmtpDelivery delivery =
                new AsyncSmtpDelivery(
                        MxResolver.using(dns.address(), Duration.ofSeconds(2)),
                        settings(port, connections),
                        Clock.systemUTC(),
                        1,
                        prepare,
                        1)) {
            SiteLimits limits = new SiteLimits("bench", connections, 1_000_000);
            // Warm up the connections, the MX cache and the JIT: a long-running MTA is measured
            // in its steady state (C2 compiles the hot paths after some thousands of messages;
            // 4,000 messages measured from cold ran at half the rate of the next 30,000).
            long until = System.nanoTime() + WARM_UP_NANOS;
            while (System.nanoTime() < until) {
                sendAsync(delivery, ip, mime, limits, connections, Math.max(200, messages / 4));
            }
            long t0 = System.nanoTime();
            sendAsync(delivery, ip, mime, limits, connections, messages);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long threads = AsyncSmtpDelivery.liveThreads() - before;
            // The network threads (event loop, DNS), then the two that build messages, which
            // do not grow with the connections either.
            print("async", size, connections, messages, seconds, threads + "+2");
        } finally {
            prepare.shutdownNow();
        }
    }

    private static void sendAsync(
            AsyncSmtpDelivery delivery,
            SendingIp ip,
            byte[] mime,
            SiteLimits limits,
            int connections,
            int messages)
            throws Exception {
        Semaphore inFlight = new Semaphore(connections * 4);
        AtomicLong failed = new AtomicLong();
        AtomicReference<AttemptResult> lastFailure = new AtomicReference<>();
        for (int i = 0; i < messages; i++) {
            inFlight.acquire();
            delivery.deliverAsync(
                            "bounce@sender.example", "reader@bench.example", () -> mime, ip, limits)
                    .whenComplete(
                            (r, e) -> {
                                if (e != null || r.outcome() != AttemptResult.Outcome.DELIVERED) {
                                    failed.incrementAndGet();
                                    lastFailure.set(r);
                                }
                                inFlight.release();
                            });
        }
        inFlight.acquire(connections * 4);
        if (failed.get() > 0) {
            throw new IllegalStateException(
                    failed.get() + " messages were not delivered; last: " + lastFailure.get());
        }
    }

    private static void runAngus(
            LocalDnsServer dns, int port, int size, int connections, int messages)
            throws Exception {
        byte[] mime = message(size);
        SendingIp ip = new SendingIp("bench", InetAddress.getByName("127.0.0.10"), "bench.local");
        AtomicLong failed = new AtomicLong();
        try (SmtpDelivery delivery =
                new SmtpDelivery(
                        MxResolver.using(dns.address(), Duration.ofSeconds(2)),
                        settings(port, connections),
                        Clock.systemUTC())) {
            long until = System.nanoTime() + WARM_UP_NANOS;
            while (System.nanoTime() < until) {
                sendBlocking(delivery, ip, mime, connections, Math.max(200, messages / 4), failed);
            }
            long t0 = System.nanoTime();
            sendBlocking(delivery, ip, mime, connections, messages, failed);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " messages were not delivered");
            }
            // Angus Mail's transport blocks: one caller thread per open connection.
            print("angus", size, connections, messages, seconds, String.valueOf(connections));
        }
    }

    private static void print(
            String client,
            int size,
            int connections,
            int messages,
            double seconds,
            String threads) {
        System.out.printf(
                Locale.ROOT,
                "%s %d %d %d %.0f %s%n",
                client,
                size,
                connections,
                messages,
                messages / seconds,
                threads);
    }

    /** Sends {@code messages} over {@code connections} blocking callers. */
    private static void sendBlocking(
            SmtpDelivery delivery,
            SendingIp ip,
            byte[] mime,
            int connections,
            int messages,
            AtomicLong failed)
            throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(connections);
        AtomicLong next = new AtomicLong();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            done.add(
                    callers.submit(
                            () -> {
                                while (next.getAndIncrement() < messages) {
                                    AttemptResult r =
                                            delivery.deliver(
                                                    "bounce@sender.example",
                                                    "reader@bench.example",
                                                    mime,
                                                    ip);
                                    if (r.outcome() != AttemptResult.Outcome.DELIVERED) {
                                        failed.incrementAndGet();
                                    }
                                }
                            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        callers.shutdown();
    }

    private static byte[] message(int size) {
        StringBuilder m =
                new StringBuilder(
                        "From: news@sender.example\r\n"
                                + "To: reader@bench.example\r\n"
                                + "Subject: bench\r\n"
                                + "Message-ID: <bench@sender.example>\r\n"
                                + "MIME-Version: 1.0\r\n"
                                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        String line = "0123456789".repeat(7) + "ABCDEFGH\r\n";
        while (m.length() < size) {
            m.append(line);
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
