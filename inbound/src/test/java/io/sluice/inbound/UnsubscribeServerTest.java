package io.sluice.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.verp.UnsubscribeToken;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint over real HTTP on loopback, with the events it would write kept in a list. */
class UnsubscribeServerTest {

    private static final VerpKeys KEYS =
            new VerpKeys(
                    "k1",
                    Map.of(
                            "k1",
                            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
    private static final String TOKEN =
            new UnsubscribeToken("m-42", "reader@example.net", "acme").encode(KEYS);

    private final List<FeedbackEvent> written = new CopyOnWriteArrayList<>();
    private final AtomicBoolean brokerDown = new AtomicBoolean();
    private final HttpClient http = HttpClient.newHttpClient();
    private UnsubscribeServer server;

    @BeforeEach
    void start() throws Exception {
        server =
                UnsubscribeServer.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        "/u",
                        KEYS,
                        event -> {
                            if (brokerDown.get()) {
                                throw new IllegalStateException("broker unreachable");
                            }
                            written.add(event);
                        },
                        CLOCK);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aOneClickPostUnsubscribesTheTokensRecipientFromItsTenant() throws Exception {
        HttpResponse<String> r =
                post(
                        "/u/" + TOKEN,
                        "application/x-www-form-urlencoded",
                        "List-Unsubscribe=One-Click");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(written).hasSize(1);
        FeedbackEvent e = written.get(0);
        assertThat(e.getType()).isEqualTo(FeedbackType.UNSUBSCRIBE);
        assertThat(e.getRecipient()).isEqualTo("reader@example.net");
        assertThat(e.getTenant()).isEqualTo("acme");
        assertThat(e.getMessageId()).isEqualTo("m-42");
        assertThat(e.getReportType()).isEqualTo("one-click");
        assertThat(e.getOccurredAt()).isEqualTo(CLOCK.instant());
    }

    @Test
    void aMultipartOneClickPostCountsToo() throws Exception {
        String body =
                "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
                        + "One-Click\r\n--b--\r\n";

        HttpResponse<String> r = post("/u/" + TOKEN, "multipart/form-data; boundary=b", body);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(written).hasSize(1);
    }

    @Test
    void aGetShowsAButtonAndUnsubscribesNobody() throws Exception {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(uri("/u/" + TOKEN)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<form method=\"post\"").contains("One-Click");
        assertThat(written).isEmpty();
    }

    @Test
    void forgedOrMalformedTokensAndWrongBodiesAreRefusedWithoutAnEvent() throws Exception {
        String forged =
                new UnsubscribeToken("m-42", "victim@example.net", "acme")
                        .encode(
                                new VerpKeys(
                                        "k1",
                                        Map.of(
                                                "k1",
                                                "another-key-of-at-least-32-bytes!!"
                                                        .getBytes(StandardCharsets.UTF_8))));
        String form = "application/x-www-form-urlencoded";

        assertThat(post("/u/" + forged, form, "List-Unsubscribe=One-Click").statusCode())
                .isEqualTo(404);
        assertThat(post("/u/not-a-token", form, "List-Unsubscribe=One-Click").statusCode())
                .isEqualTo(404);
        assertThat(post("/x/" + TOKEN, form, "List-Unsubscribe=One-Click").statusCode())
                .isEqualTo(404);
        assertThat(post("/u/" + TOKEN, form, "unsubscribe=yes").statusCode()).isEqualTo(400);
        assertThat(post("/u/" + TOKEN, form, "x".repeat(10_000)).statusCode()).isEqualTo(400);
        assertThat(
                        http.send(
                                        HttpRequest.newBuilder(uri("/u/" + TOKEN))
                                                .method(
                                                        "DELETE",
                                                        HttpRequest.BodyPublishers.noBody())
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                .isEqualTo(405);
        assertThat(written).isEmpty();
        assertThat(server.refused()).isEqualTo(6);
    }

    @Test
    void anUnsubscribeTheBrokerDidNotTakeIsA503NeverA200() throws Exception {
        brokerDown.set(true);

        HttpResponse<String> r =
                post(
                        "/u/" + TOKEN,
                        "application/x-www-form-urlencoded",
                        "List-Unsubscribe=One-Click");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(server.unsubscribed()).isZero();
    }

    private HttpResponse<String> post(String path, String type, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        InetSocketAddress a = server.address();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + path);
    }
}
