package io.sluice.mta.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SMTP server for connection counting: it accepts every message, and records how many
 * connections are open at once, how many were opened, and how many messages each carried. Shared
 * counters let several instances (the MX hosts of one site) count together.
 */
final class CountingSmtpServer implements AutoCloseable {

    /** Counts shared by the servers of one site. */
    static final class Counts {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger maxOpen = new AtomicInteger();
        final AtomicInteger opened = new AtomicInteger();
        final List<Integer> messagesPerConnection = new CopyOnWriteArrayList<>();

        /** Waits until every session opened so far has ended and been recorded. */
        void awaitAllEnded(java.time.Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (messagesPerConnection.size() < opened.get()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            messagesPerConnection.size()
                                    + " of "
                                    + opened.get()
                                    + " sessions ended within "
                                    + timeout);
                }
                Thread.sleep(10);
            }
        }
    }

    private final ServerSocket socket;
    private final Counts counts;
    private final Thread acceptor;

    CountingSmtpServer(InetAddress address, int port, Counts counts) throws IOException {
        this.socket = new ServerSocket(port, 50, address);
        this.counts = counts;
        this.acceptor = new Thread(this::acceptLoop, "counting-smtp-" + address.getHostAddress());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> session(s), "counting-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void session(Socket s) {
        int now = counts.open.incrementAndGet();
        counts.opened.incrementAndGet();
        counts.maxOpen.accumulateAndGet(now, Math::max);
        int messages = 0;
        boolean counted = true;
        try (s;
                BufferedReader in =
                        new BufferedReader(
                                new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream()) {
            reply(out, "220 counting.test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() < 4 ? line : line.substring(0, 4).toUpperCase();
                switch (verb) {
                    case "EHLO" -> reply(out, "250-counting.test\r\n250 8BITMIME");
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            // the message body: counted, not kept
                        }
                        messages++;
                        reply(out, "250 2.0.0 queued");
                    }
                    case "QUIT" -> {
                        // The client lets go of a connection once it reads this reply: count it
                        // closed before answering, so the count never lags behind the client's.
                        counts.open.decrementAndGet();
                        counted = false;
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 not implemented");
                }
            }
        } catch (IOException e) {
            // the client went away: the session ends
        } finally {
            counts.messagesPerConnection.add(messages);
            if (counted) {
                counts.open.decrementAndGet();
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
