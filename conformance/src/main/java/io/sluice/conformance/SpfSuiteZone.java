package io.sluice.conformance;

import io.sluice.sim.dns.LocalDnsServer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Serves one openspf scenario's {@code zonedata} from a {@link LocalDnsServer}, with the suite's
 * conventions: an SPF entry is served as type SPF and, unless the name lists TXT itself (or "TXT:
 * NONE"), as TXT too; TIMEOUT makes every type the name has no data for time out.
 */
final class SpfSuiteZone {

    private static final long TTL = 60;
    private static final int[] TYPES = {
        Type.A, Type.AAAA, Type.MX, Type.TXT, Type.PTR, Type.SPF, Type.CNAME
    };

    private SpfSuiteZone() {}

    @SuppressWarnings("unchecked")
    static void load(LocalDnsServer server, Map<String, List<Object>> zone) throws Exception {
        for (Map.Entry<String, List<Object>> entry : zone.entrySet()) {
            Name name = Name.fromString(entry.getKey() + ".");
            Set<Integer> present = new HashSet<>();
            boolean timeout = false;
            boolean explicitTxt = false;
            List<Object> spf = new ArrayList<>();
            for (Object item : entry.getValue()) {
                if ("TIMEOUT".equals(item)) {
                    timeout = true;
                    continue;
                }
                Map<String, Object> rr = (Map<String, Object>) item;
                String type = rr.keySet().iterator().next();
                Object value = rr.get(type);
                switch (type) {
                    case "SPF" -> {
                        spf.add(value);
                        server.add(text(name, Type.SPF, value));
                        present.add(Type.SPF);
                    }
                    case "TXT" -> {
                        explicitTxt = true;
                        if (!"NONE".equals(value)) {
                            server.add(text(name, Type.TXT, value));
                            present.add(Type.TXT);
                        }
                    }
                    case "A" -> {
                        server.add(
                                new ARecord(
                                        name,
                                        DClass.IN,
                                        TTL,
                                        InetAddress.getByName((String) value)));
                        present.add(Type.A);
                    }
                    case "AAAA" -> {
                        server.add(
                                new AAAARecord(
                                        name,
                                        DClass.IN,
                                        TTL,
                                        InetAddress.getByName((String) value)));
                        present.add(Type.AAAA);
                    }
                    case "MX" -> {
                        List<Object> mx = (List<Object>) value;
                        server.add(
                                new MXRecord(
                                        name,
                                        DClass.IN,
                                        TTL,
                                        ((Number) mx.get(0)).intValue(),
                                        absolute((String) mx.get(1))));
                        present.add(Type.MX);
                    }
                    case "PTR" -> {
                        server.add(new PTRRecord(name, DClass.IN, TTL, absolute((String) value)));
                        present.add(Type.PTR);
                    }
                    case "CNAME" -> {
                        server.add(new CNAMERecord(name, DClass.IN, TTL, absolute((String) value)));
                        present.add(Type.CNAME);
                    }
                    default -> throw new IllegalArgumentException("zone type " + type);
                }
            }
            if (!explicitTxt) {
                for (Object value : spf) {
                    server.add(text(name, Type.TXT, value));
                    present.add(Type.TXT);
                }
            }
            if (timeout) {
                if (present.isEmpty()) {
                    server.failWith(entry.getKey(), LocalDnsServer.Failure.TIMEOUT);
                }
                for (int type : TYPES) {
                    if (!present.contains(type)) {
                        server.failWith(entry.getKey(), type, LocalDnsServer.Failure.TIMEOUT);
                    }
                }
            }
        }
    }

    private static Name absolute(String name) throws Exception {
        return Name.fromString(name.endsWith(".") ? name : name + ".");
    }

    /**
     * A TXT/SPF record built from its wire form, byte for byte: each character is one octet (the
     * suite writes raw octets as \\xNN), strings over 255 octets split (RFC 1035 3.3.14).
     */
    @SuppressWarnings("unchecked")
    private static Record text(Name name, int type, Object value) throws Exception {
        List<String> strings =
                value instanceof List<?> l ? (List<String>) l : List.of((String) value);
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            int pos = 0;
            do {
                int len = Math.min(255, bytes.length - pos);
                rdata.write(len);
                rdata.write(bytes, pos, len);
                pos += len;
            } while (pos < bytes.length);
        }
        return Record.newRecord(name, type, DClass.IN, TTL, rdata.toByteArray());
    }
}
