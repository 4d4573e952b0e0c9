package io.sluice.sim.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The local DNS server answers real dnsjava queries over UDP and TCP like an authority. */
class LocalDnsServerTest {

    private static final String ZONE =
            """
            $TTL 60
            @        IN MX 10 mx1.example.test.
            @        IN MX 20 mx2.example.test.
            mx1      IN A 127.0.1.1
            mx2      IN A 127.0.1.2
            alias    IN CNAME mx1
            deep.sub IN A 127.0.1.3
            """;

    private LocalDnsServer server;
    private SimpleResolver resolver;

    @BeforeEach
    void start() throws Exception {
        server =
                LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0)
                        .loadZone(ZONE, "example.test");
        resolver = new SimpleResolver(server.address());
        resolver.setTimeout(Duration.ofMillis(500));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersMxByPreferenceData() throws Exception {
        Record[] mx = lookup("example.test", Type.MX);

        assertThat(mx).hasSize(2);
        assertThat(mx)
                .extracting(r -> ((MXRecord) r).getPriority() + " " + ((MXRecord) r).getTarget())
                .containsExactlyInAnyOrder("10 mx1.example.test.", "20 mx2.example.test.");
    }

    @Test
    void distinguishesNxdomainFromNodataAndEmptyNonTerminal() throws Exception {
        assertThat(rcode("nope.example.test", Type.A)).isEqualTo(Rcode.NXDOMAIN);
        assertThat(rcode("mx1.example.test", Type.AAAA)).isEqualTo(Rcode.NOERROR);
        assertThat(rcode("sub.example.test", Type.A)).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void negativeAnswersCarryAnSoaSoResolversCanCacheThem() throws Exception {
        assertThat(query("nope.example.test", Type.A).getSection(org.xbill.DNS.Section.AUTHORITY))
                .extracting(Record::getType)
                .containsExactly(Type.SOA);
        assertThat(query("mx1.example.test", Type.AAAA).getSection(org.xbill.DNS.Section.AUTHORITY))
                .extracting(Record::getType)
                .containsExactly(Type.SOA);
    }

    @Test
    void followsCnames() throws Exception {
        Message response = query("alias.example.test", Type.A);

        assertThat(response.getSection(org.xbill.DNS.Section.ANSWER))
                .extracting(Record::getType)
                .containsExactly(Type.CNAME, Type.A);
    }

    @Test
    void servfailOnRequest() throws Exception {
        server.failWith("example.test", LocalDnsServer.Failure.SERVFAIL);

        assertThat(rcode("example.test", Type.MX)).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void failsOneTypeWhileOthersAnswer() throws Exception {
        server.failWith("mx1.example.test", Type.TXT, LocalDnsServer.Failure.TIMEOUT);
        server.failWith("mx2.example.test", Type.AAAA, LocalDnsServer.Failure.SERVFAIL);

        assertThat(rcode("mx1.example.test", Type.A)).isEqualTo(Rcode.NOERROR);
        assertThat(rcode("mx2.example.test", Type.AAAA)).isEqualTo(Rcode.SERVFAIL);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> query("mx1.example.test", Type.TXT))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void largeAnswersFallBackToTcp() throws Exception {
        for (int i = 0; i < 40; i++) {
            server.add(
                    new TXTRecord(
                            Name.fromString("big.example.test."),
                            org.xbill.DNS.DClass.IN,
                            60,
                            "v=spf1 ip4:10.0.0." + i + " chunk-of-padding-to-exceed-512-bytes"));
        }

        Record[] txt = lookup("big.example.test", Type.TXT);

        assertThat(txt).hasSize(40);
    }

    private Record[] lookup(String name, int type) throws Exception {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        Record[] result = lookup.run();
        assertThat(lookup.getResult()).as(lookup.getErrorString()).isEqualTo(Lookup.SUCCESSFUL);
        return result;
    }

    private Message query(String name, int type) throws Exception {
        return resolver.send(
                Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, 1)));
    }

    private int rcode(String name, int type) throws Exception {
        return query(name, type).getRcode();
    }
}
