package io.sluice.inbound;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.bounce.verp.UnsubscribeToken;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice's one-click unsubscribe endpoint (RFC 8058): the target of every List-Unsubscribe URL the
 * delivery job writes ({@code sluice.unsubscribe.base-url} plus a signed {@link UnsubscribeToken}).
 *
 * <ul>
 *   <li>{@code POST <path>/<token>} with the body {@code List-Unsubscribe=One-Click} (what mailbox
 *       providers send when a reader clicks their unsubscribe button): the token is verified and an
 *       {@code UNSUBSCRIBE} {@link FeedbackEvent} for its recipient and tenant is written to the
 *       feedback topic, from which the delivery job suppresses the address for that tenant. The 200
 *       goes out only once the event is durable; a broker failure answers 503 so that the provider
 *       retries, never a 200 for an unsubscribe that was lost.
 *   <li>{@code GET <path>/<token>}: a page with a button that makes that POST. A GET never
 *       unsubscribes: mail scanners and link previewers fetch every URL in a message (RFC 8058
 *       section 3.2 is written against exactly that).
 *   <li>An unknown, forged or malformed token gets 404 and says nothing about why.
 * </ul>
 *
 * Plain HTTP on the address it is given; TLS ends at the ingress in front of it (the public URL
 * must be https). The JDK's built-in HTTP server is enough for a handful of requests a second per
 * instance and adds no dependency; posts are idempotent, a repeat writes a repeat event that
 * changes nothing.
 */
public final class UnsubscribeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UnsubscribeServer.class);

    /** RFC 8058 section 3.1: the POST body a one-click unsubscribe carries. */
    static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    private static final int MAX_BODY = 4096;

    /** Where unsubscribe events go; {@link #write} returns once the event is durable. */
    public interface Sink {
        void write(FeedbackEvent event) throws Exception;
    }

    private final String path;
    private final VerpKeys keys;
    private final Sink sink;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong unsubscribed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private UnsubscribeServer(
            InetSocketAddress listen, String path, VerpKeys keys, Sink sink, Clock clock)
            throws IOException {
        this.path = path.endsWith("/") ? path : path + "/";
        this.keys = keys;
        this.sink = sink;
        this.clock = clock;
        this.server = HttpServer.create(listen, 64);
        this.executor = Executors.newFixedThreadPool(4, r -> daemon(r, "unsubscribe-http"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * @param listen where to serve plain HTTP (port 0 for any free one)
     * @param path the path of the public base URL ({@code /u} for {@code https://host/u}); the
     *     token is the segment after it
     */
    public static UnsubscribeServer start(
            InetSocketAddress listen, String path, VerpKeys keys, Sink sink, Clock clock)
            throws IOException {
        UnsubscribeServer s = new UnsubscribeServer(listen, path, keys, sink, clock);
        s.server.start();
        LOG.info("one-click unsubscribe endpoint on http://{}{}<token>", s.address(), s.path);
        return s;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Unsubscribes written to the sink. */
    public long unsubscribed() {
        return unsubscribed.get();
    }

    /** Requests answered 4xx (bad token, method or body). */
    public long refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requestPath = exchange.getRequestURI().getRawPath();
            Optional<UnsubscribeToken> token =
                    requestPath.startsWith(path) && requestPath.indexOf('/', path.length()) < 0
                            ? UnsubscribeToken.decode(keys, requestPath.substring(path.length()))
                            : Optional.empty();
            if (token.isEmpty()) {
                reply(exchange, 404, "This unsubscribe link is not valid.");
                return;
            }
            switch (exchange.getRequestMethod().toUpperCase(Locale.ROOT)) {
                case "POST" -> post(exchange, token.get());
                case "GET", "HEAD" -> page(exchange);
                default -> {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD, POST");
                    reply(exchange, 405, "Use POST to unsubscribe.");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("unsubscribe request failed", e);
        }
    }

    private void post(HttpExchange exchange, UnsubscribeToken token) throws IOException {
        String body = readBody(exchange.getRequestBody());
        if (body == null || !oneClick(body)) {
            reply(exchange, 400, "Expected the body " + ONE_CLICK + " (RFC 8058).");
            return;
        }
        Instant now = clock.instant();
        FeedbackEvent event =
                FeedbackEvent.newBuilder()
                        .setFeedbackId(UUID.randomUUID().toString())
                        .setType(FeedbackType.UNSUBSCRIBE)
                        .setMessageId(token.messageId())
                        .setTenant(token.tenant())
                        .setRecipient(token.recipient())
                        .setOccurredAt(now)
                        .setReceivedAt(now)
                        .setReportType("one-click")
                        .setUserAgent(userAgent(exchange))
                        .setMetadata(Map.of("source", "rfc8058-post"))
                        .build();
        try {
            sink.write(event);
        } catch (Exception e) {
            LOG.warn("unsubscribe of message {} not recorded", token.messageId(), e);
            exchange.getResponseHeaders().set("Retry-After", "60");
            reply(exchange, 503, "Please try again in a minute.", false);
            return;
        }
        unsubscribed.incrementAndGet();
        reply(exchange, 200, "You are unsubscribed.", false);
    }

    /** A GET's page: one button that POSTs the one-click body to this same URL. */
    private void page(HttpExchange exchange) throws IOException {
        String html =
                "<!doctype html><html><head><meta charset=\"utf-8\"><title>Unsubscribe</title>"
                        + "<meta name=\"viewport\" content=\"width=device-width\"></head><body>"
                        + "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\""
                        + " value=\"One-Click\"><p>Stop receiving these emails?</p>"
                        + "<button type=\"submit\">Unsubscribe</button></form></body></html>";
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * Whether a form body (urlencoded, or multipart as RFC 8058 section 3.1 also allows) carries
     * {@code List-Unsubscribe=One-Click}.
     */
    static boolean oneClick(String body) {
        for (String pair : body.split("&")) {
            String decoded = URLDecoder.decode(pair.strip(), StandardCharsets.UTF_8);
            if (decoded.equals(ONE_CLICK)) {
                return true;
            }
        }
        // multipart/form-data: a part named List-Unsubscribe whose value is One-Click.
        return body.matches(
                "(?s).*name=\"?List-Unsubscribe\"?\\s*\\r?\\n\\r?\\n\\s*One-Click\\s*\\r?\\n.*");
    }

    private static String readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        return bytes.length > MAX_BODY ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String userAgent(HttpExchange exchange) {
        String ua = exchange.getRequestHeaders().getFirst("User-Agent");
        return ua == null ? null : ua.length() > 200 ? ua.substring(0, 200) : ua;
    }

    private void reply(HttpExchange exchange, int status, String text) throws IOException {
        reply(exchange, status, text, true);
    }

    private void reply(HttpExchange exchange, int status, String text, boolean refusal)
            throws IOException {
        if (refusal) {
            refused.incrementAndGet();
        }
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
