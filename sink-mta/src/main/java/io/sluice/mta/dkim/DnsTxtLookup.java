package io.sluice.mta.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** TXT records from DNS through a dnsjava {@link Resolver}: DKIM keys, and DMARC records too. */
public final class DnsTxtLookup implements DkimKeyLookup {

    private final Resolver resolver;

    public DnsTxtLookup(Resolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public List<String> txt(String name) throws IOException {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return List.of();
        }
        Message response =
                resolver.send(Message.newQuery(Record.newRecord(qname, Type.TXT, DClass.IN)));
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return List.of();
        }
        if (rcode != Rcode.NOERROR) {
            throw new IOException("DNS " + Rcode.string(rcode) + " for " + name + " TXT");
        }
        List<String> out = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord txt) {
                StringBuilder joined = new StringBuilder();
                for (Object part : txt.getStringsAsByteArrays()) {
                    joined.append(new String((byte[]) part, StandardCharsets.ISO_8859_1));
                }
                out.add(joined.toString());
            }
        }
        return out;
    }
}
