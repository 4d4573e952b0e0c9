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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sluice's side of {@code bench/smtp} (run by the script, not by the test suite): sends messages of
 * a given size over a given number of connections from one sending IP to an SMTP sink, through the
 * real {@link SmtpDelivery} (MX lookup over UDP, pooled connections), and prints one line per case:
 * {@code sluice SIZE CONNECTIONS MESSAGES MSGS_PER_S THREADS}.
 *
 * <p>Arguments: the sink's port, then cases as {@code size:connections:messages}.
 */
public final class SmtpBench {

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
                run(
                        dns,
                        port,
                        Integer.parseInt(c[0]),
                        Integer.parseInt(c[1]),
                        Integer.parseInt(c[2]));
            }
        }
    }

    private static void run(LocalDnsServer dns, int port, int size, int connections, int messages)
            throws Exception {
        SmtpSettings settings =
                new SmtpSettings(
                        port,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(60),
                        1_000_000,
                        connections,
                        Duration.ofSeconds(30),
                        false);
        byte[] mime = message(size);
        SendingIp ip = new SendingIp("bench", InetAddress.getByName("127.0.0.10"), "bench.local");
        AtomicLong failed = new AtomicLong();
        try (SmtpDelivery delivery =
                new SmtpDelivery(
                        MxResolver.using(dns.address(), Duration.ofSeconds(2)),
                        settings,
                        Clock.systemUTC())) {
            // Warm up: the connections, the MX cache, the JIT.
            send(delivery, ip, mime, connections, Math.min(messages / 5, 200), failed);
            long t0 = System.nanoTime();
            send(delivery, ip, mime, connections, messages, failed);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " messages were not delivered");
            }
            System.out.printf(
                    Locale.ROOT,
                    "sluice %d %d %d %.0f %d%n",
                    size,
                    connections,
                    messages,
                    messages / seconds,
                    // Angus Mail's transport blocks: one caller thread per open connection.
                    connections);
        }
    }

    /** Sends {@code messages} over {@code connections} callers. */
    private static void send(
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
