package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.send.SmtpDeliveryFunction;
import io.sluice.sim.dns.LocalDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DNSBL listings over real DNS on UDP, with time driven by the harness. */
class DnsblFunctionTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final long INTERVAL = Duration.ofMinutes(15).toMillis();

    private LocalDnsServer dns;
    private KeyedOneInputStreamOperatorTestHarness<String, String, Decision> harness;

    @BeforeEach
    void open() throws Exception {
        dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
        String server = "127.0.0.1:" + dns.address().getPort();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new DnsblFunction(
                                        List.of("bl.test", "zen.test"),
                                        Duration.ofMillis(INTERVAL),
                                        () ->
                                                SmtpDeliveryFunction.resolver(
                                                        server, Duration.ofMillis(500)))),
                        ip -> ip,
                        Types.STRING);
        harness.setProcessingTime(T0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
        dns.close();
    }

    @Test
    void aListedIpIsBlockedEverywhereWithTheZonesReasonUntilTwoIntervalsAfterItsDelisting()
            throws Exception {
        dns.loadZone(
                String.join(
                        "\n",
                        "$TTL 60",
                        "7.2.0.192.zen.test. IN A 127.0.0.2",
                        "7.2.0.192.zen.test. IN TXT \"https://check.zen.test/query/ip/192.0.2.7\"",
                        ""),
                ".");
        harness.processElement(new StreamRecord<>("192.0.2.7"));
        harness.processElement(new StreamRecord<>("192.0.2.8"));

        harness.setProcessingTime(T0);

        List<Decision> first = decisions();
        assertThat(first)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.type()).isEqualTo(Decision.Type.IP_STATUS);
                            assertThat(d.sendingIp()).isEqualTo("192.0.2.7");
                            assertThat(d.site()).as("every site").isNull();
                            assertThat(d.status()).isEqualTo("BLOCKED");
                            assertThat(d.topicKey()).isEqualTo("IP_STATUS:192.0.2.7/*");
                            assertThat(d.expiresAt()).isEqualTo(T0 + 2 * INTERVAL);
                            assertThat(d.reason())
                                    .startsWith(
                                            "listed on zen.test (127.0.0.2):"
                                                    + " https://check.zen.test/query/ip/192.0.2.7 -- out of"
                                                    + " rotation at every site until delisted");
                        });

        // A restart's seed adds no second timer.
        harness.processElement(new StreamRecord<>("192.0.2.7"));
        harness.setProcessingTime(T0 + INTERVAL);
        assertThat(decisions())
                .singleElement()
                .satisfies(d -> assertThat(d.expiresAt()).isEqualTo(T0 + 3 * INTERVAL));

        dns.remove("7.2.0.192.zen.test");
        harness.setProcessingTime(T0 + 2 * INTERVAL);
        assertThat(decisions()).as("delisted: nothing renews the block, which lapses").isEmpty();
        assertThat(harness.numProcessingTimeTimers()).as("one timer per IP").isEqualTo(2);
    }

    @Test
    void aResolversRefusalCodeIsNotAListing() throws Exception {
        // Spamhaus answers 127.255.255.254 to queries through public resolvers.
        dns.loadZone("7.2.0.192.zen.test. 60 IN A 127.255.255.254\n", ".");
        harness.processElement(new StreamRecord<>("192.0.2.7"));

        harness.setProcessingTime(T0);

        assertThat(decisions()).isEmpty();
    }

    @Test
    void queriesAreTheReversedAddress() throws Exception {
        assertThat(DnsblFunction.reversed(InetAddress.getByName("192.0.2.7")))
                .isEqualTo("7.2.0.192");
        assertThat(DnsblFunction.reversed(InetAddress.getByName("2001:db8::1")))
                .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2");
    }

    private List<Decision> decisions() {
        List<Decision> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }
}
