package io.sluice.reputation;

import io.sluice.delivery.intake.SenderDomainPolicy;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Listings as an input (issue #9): every {@code interval} each sending IP (the key) is looked up in
 * each DNSBL zone (sluice.reputation.dnsbl-zones, e.g. zen.spamhaus.org). A listing takes the IP
 * out of rotation everywhere: {@code IP_STATUS BLOCKED} for the IP at every site, with the zone,
 * its return code and its TXT reason, lapsing two intervals later unless a check renews it. So the
 * IP comes back by itself within two intervals of its delisting, and a warm IP of its pool carries
 * its share meanwhile (the scheduler's rule for any stopped IP).
 *
 * <p>An answer outside 127.0.0.0/8, or in 127.255.255.0/24 (Spamhaus's codes for a refused or
 * malformed query, e.g. through a public resolver), is not a listing: it is logged, never acted on.
 * A query DNS cannot answer changes nothing (the last block lapses or is renewed by the next
 * check).
 *
 * <p>State: the time of the next check (so a re-seeded key at restart keeps its one timer).
 */
public final class DnsblFunction extends KeyedProcessFunction<String, String, Decision> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DnsblFunction.class);

    private final List<String> zones;
    private final long intervalMillis;
    private final SenderDomainPolicy.DnsAccess dns;

    private transient Resolver resolver;
    private transient ValueState<Long> nextCheck;

    /** A listing found: the zone, the return code, the zone's reason when it gives one. */
    record Listing(String zone, String code, String text) {}

    public DnsblFunction(List<String> zones, Duration interval, SenderDomainPolicy.DnsAccess dns) {
        this.zones = List.copyOf(zones);
        this.intervalMillis = interval.toMillis();
        this.dns = dns;
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("DNSBL interval " + interval + " -- expected > 0");
        }
    }

    @Override
    public void open(OpenContext context) throws Exception {
        resolver = dns.resolver();
        nextCheck =
                getRuntimeContext().getState(new ValueStateDescriptor<>("dnsbl-next", Long.class));
    }

    /** A seed (the IP, on every start): the first check now, unless one is already due. */
    @Override
    public void processElement(String ip, Context ctx, Collector<Decision> out) throws Exception {
        if (nextCheck.value() == null) {
            long now = ctx.timerService().currentProcessingTime();
            nextCheck.update(now);
            ctx.timerService().registerProcessingTimeTimer(now);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out)
            throws Exception {
        String ip = ctx.getCurrentKey();
        List<Listing> listings = check(ip);
        if (!listings.isEmpty()) {
            out.collect(block(ip, listings, timestamp));
        }
        long next = timestamp + intervalMillis;
        nextCheck.update(next);
        ctx.timerService().registerProcessingTimeTimer(next);
    }

    private Decision block(String ip, List<Listing> listings, long now) {
        StringBuilder reason = new StringBuilder("listed");
        Map<String, Double> figures = new LinkedHashMap<>();
        for (Listing l : listings) {
            reason.append(" on ").append(l.zone()).append(" (").append(l.code()).append(')');
            if (!l.text().isEmpty()) {
                reason.append(": ").append(l.text());
            }
            reason.append(';');
            figures.put("dnsbl_" + l.zone().replace('.', '_'), 1.0);
        }
        reason.setLength(reason.length() - 1);
        reason.append(" -- out of rotation at every site until delisted (checked every ")
                .append(Duration.ofMillis(intervalMillis))
                .append(')');
        return new Decision(
                ControlKeys.of(Decision.Type.IP_STATUS.name(), ip, null, null)
                        + ":BLOCKED:dnsbl:"
                        + now,
                Decision.Type.IP_STATUS,
                ip,
                null,
                null,
                null,
                "BLOCKED",
                null,
                null,
                now,
                now + 2 * intervalMillis,
                reason.toString(),
                figures);
    }

    /** The zones that list {@code ip}; empty when none does (or none could say). */
    List<Listing> check(String ip) {
        List<Listing> out = new ArrayList<>();
        String reversed;
        try {
            reversed = reversed(InetAddress.getByName(ip));
        } catch (IOException e) {
            LOG.warn("DNSBL: {} is not an IP address", ip);
            return out;
        }
        for (String zone : zones) {
            try {
                Name name = Name.fromString(reversed + "." + zone + ".");
                List<String> codes = new ArrayList<>();
                for (Record r : query(name, Type.A)) {
                    if (r instanceof ARecord a) {
                        codes.add(a.getAddress().getHostAddress());
                    }
                }
                List<String> listing = codes.stream().filter(DnsblFunction::isListingCode).toList();
                if (listing.size() < codes.size()) {
                    LOG.warn(
                            "DNSBL {} answered {} for {}: not a listing (a refused or malformed"
                                    + " query, e.g. through a public resolver)",
                            zone,
                            codes,
                            ip);
                }
                if (!listing.isEmpty()) {
                    out.add(new Listing(zone, String.join(",", listing), text(name)));
                }
            } catch (IOException e) {
                LOG.warn("DNSBL {} gave no answer for {}: {}", zone, ip, e.getMessage());
            }
        }
        return out;
    }

    private String text(Name name) {
        try {
            StringBuilder text = new StringBuilder();
            for (Record r : query(name, Type.TXT)) {
                if (r instanceof TXTRecord t) {
                    for (byte[] part : t.getStringsAsByteArrays()) {
                        text.append(new String(part, StandardCharsets.ISO_8859_1));
                    }
                    break;
                }
            }
            return text.toString().strip();
        } catch (IOException e) {
            return "";
        }
    }

    private List<Record> query(Name name, int type) throws IOException {
        Message response = resolver.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return List.of();
        }
        if (rcode != Rcode.NOERROR) {
            throw new IOException("DNS " + Rcode.string(rcode));
        }
        return response.getSection(Section.ANSWER);
    }

    /** 127.0.0.0/8 but not 127.255.255.0/24 (RFC 5782 2.1; Spamhaus's error codes). */
    static boolean isListingCode(String address) {
        return address.startsWith("127.") && !address.startsWith("127.255.255.");
    }

    /** The DNSBL query labels: octets reversed for IPv4, nibbles reversed for IPv6 (RFC 5782). */
    static String reversed(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder s = new StringBuilder();
        if (address instanceof Inet4Address) {
            for (int i = b.length - 1; i >= 0; i--) {
                s.append(b[i] & 0xff).append(i > 0 ? "." : "");
            }
            return s.toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            s.append(Integer.toHexString(b[i] & 0x0f)).append('.');
            s.append(Integer.toHexString((b[i] >> 4) & 0x0f));
            if (i > 0) {
                s.append('.');
            }
        }
        return s.toString().toLowerCase(Locale.ROOT);
    }
}
