package io.sluice.mta.spf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * The DNS queries of SPF evaluation, straight to one resolver (no cache of dnsjava's own between
 * evaluations). NXDOMAIN and an empty answer are both "no records" (a void lookup, 4.6.4); any
 * other failure is a temporary error (2.6.6).
 */
final class SpfDns {

    private final Resolver resolver;

    SpfDns(Resolver resolver) {
        this.resolver = resolver;
    }

    /** Records of {@code type} at {@code name}; empty when there are none. */
    List<Record> query(String name, int type) throws SpfException {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            // A name DNS cannot carry (a label over 63 octets, ...) has no records.
            return List.of();
        }
        Message response;
        try {
            response = resolver.send(Message.newQuery(Record.newRecord(qname, type, DClass.IN)));
        } catch (IOException e) {
            throw SpfException.temp("DNS query " + name + " failed: " + e.getMessage());
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return List.of();
        }
        if (rcode != Rcode.NOERROR) {
            throw SpfException.temp("DNS " + Rcode.string(rcode) + " for " + name);
        }
        List<Record> out = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == type) {
                out.add(r);
            }
        }
        return out;
    }
}
