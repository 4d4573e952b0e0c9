package io.sluice.sim.dns;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * An authoritative DNS server on a loopback address, over UDP and TCP, serving records loaded from
 * zone-file text: the stand-in for the Internet's DNS in tests and in {@code ./sluice local}.
 *
 * <p>Answers as a real authority does: NXDOMAIN for a name that does not exist, an empty NOERROR
 * (NODATA) for a name without the asked type, CNAME chains followed within the served data, and the
 * TC bit when a UDP answer exceeds what the client advertised (RFC 1035 4.2.1, RFC 6891), so the
 * client retries over TCP. Names can be made to fail on request ({@link #failWith}) to test
 * SERVFAIL and time-outs.
 */
public final class LocalDnsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalDnsServer.class);
    private static final long DEFAULT_TTL = 300;
    private static final long NEGATIVE_TTL = 300;

    /** How a name misbehaves on request. */
    public enum Failure {
        SERVFAIL,
        /** No answer at all: the client times out. */
        TIMEOUT
    }

    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<Name, Failure> failures = new ConcurrentHashMap<>();
    private final Map<Name, Map<Integer, Failure>> typeFailures = new ConcurrentHashMap<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private LocalDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Starts a server on {@code address:port}; port 0 picks a free UDP port used for TCP too. */
    public static LocalDnsServer start(InetAddress address, int port) {
        // With port 0 the free UDP port may be taken for TCP by another socket: try a few ports.
        IOException last = null;
        for (int attempt = 0; attempt < (port == 0 ? 20 : 1); attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(address, port));
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(address, udp.getLocalPort()));
                LocalDnsServer server = new LocalDnsServer(udp, tcp);
                server.spawn("dns-udp", server::serveUdp);
                server.spawn("dns-tcp", server::serveTcp);
                return server;
            } catch (IOException e) {
                last = e;
                if (udp != null) {
                    udp.close();
                }
            }
        }
        throw new UncheckedIOException(
                "cannot start the local DNS server on " + address + ":" + port, last);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /**
     * Loads records in master-file syntax (RFC 1035 section 5). {@code $ORIGIN} and {@code $TTL}
     * work as in any zone file; the origin given here applies until the text sets its own.
     */
    public LocalDnsServer loadZone(String zoneText, String origin) {
        Name originName = absolute(origin);
        try (Master master =
                new Master(
                        new ByteArrayInputStream(zoneText.getBytes(StandardCharsets.UTF_8)),
                        originName,
                        DEFAULT_TTL)) {
            for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
                add(r);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "zone "
                            + origin
                            + ": "
                            + e.getMessage()
                            + " -- expected RFC 1035 master-file syntax",
                    e);
        }
        return this;
    }

    public LocalDnsServer loadZone(InputStream zoneText, String origin) {
        try {
            return loadZone(new String(zoneText.readAllBytes(), StandardCharsets.UTF_8), origin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public LocalDnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), n -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    /** Removes every record of {@code name}, so it answers NXDOMAIN. */
    public LocalDnsServer remove(String name) {
        records.remove(absolute(name));
        return this;
    }

    public LocalDnsServer failWith(String name, Failure failure) {
        failures.put(absolute(name), failure);
        return this;
    }

    /**
     * Makes queries for one record type at {@code name} fail, while other types answer as usual: a
     * server that times out on the types it has no data for, as some do.
     */
    public LocalDnsServer failWith(String name, int type, Failure failure) {
        typeFailures
                .computeIfAbsent(absolute(name), n -> new ConcurrentHashMap<>())
                .put(type, failure);
        return this;
    }

    public LocalDnsServer heal(String name) {
        failures.remove(absolute(name));
        typeFailures.remove(absolute(name));
        return this;
    }

    private Failure failureFor(Message query) {
        Record q = query.getQuestion();
        if (q == null) {
            return null;
        }
        Failure whole = failures.get(q.getName());
        if (whole != null) {
            return whole;
        }
        Map<Integer, Failure> byType = typeFailures.get(q.getName());
        return byType == null ? null : byType.get(q.getType());
    }

    /** The answer to one query, as an authority for every name it holds. */
    Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        Header header = response.getHeader();
        header.setFlag(Flags.QR);
        header.setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            header.setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
            header.setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        int type = question.getType();
        Failure failure = failureFor(query);
        if (failure == Failure.SERVFAIL) {
            header.setRcode(Rcode.SERVFAIL);
            return response;
        }
        for (int hops = 0; hops < 8; hops++) {
            List<Record> atName = records.get(name);
            if (atName == null) {
                if (!hasDescendants(name)) {
                    header.setRcode(Rcode.NXDOMAIN);
                }
                response.addRecord(negativeSoa(name), Section.AUTHORITY);
                return response;
            }
            boolean cnameFollowed = false;
            for (Record r : atName) {
                if (r.getType() == type || type == Type.ANY) {
                    response.addRecord(r, Section.ANSWER);
                } else if (r instanceof CNAMERecord cname && type != Type.CNAME) {
                    response.addRecord(r, Section.ANSWER);
                    name = cname.getTarget();
                    cnameFollowed = true;
                }
            }
            if (!cnameFollowed) {
                if (response.getSection(Section.ANSWER).isEmpty()) {
                    response.addRecord(negativeSoa(name), Section.AUTHORITY);
                }
                return response;
            }
        }
        return response;
    }

    /**
     * The SOA a negative answer carries (RFC 2308 section 3): without it resolvers cannot cache
     * NXDOMAIN or NODATA, and would ask again for every message. The zone is taken to be the name's
     * last two labels, with a 5-minute negative TTL.
     */
    private static SOARecord negativeSoa(Name name) {
        Name zone = name.labels() > 3 ? new Name(name, name.labels() - 3) : name;
        try {
            return new SOARecord(
                    zone,
                    DClass.IN,
                    NEGATIVE_TTL,
                    Name.fromString("ns." + zone),
                    Name.fromString("hostmaster." + zone),
                    1,
                    3600,
                    600,
                    86400,
                    NEGATIVE_TTL);
        } catch (TextParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An empty non-terminal (RFC 8020): a name with records below it exists, with no data. */
    private boolean hasDescendants(Name name) {
        for (Name existing : records.keySet()) {
            if (existing.subdomain(name) && !existing.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                Message query = new Message(Arrays.copyOf(buffer, packet.getLength()));
                if (failureFor(query) == Failure.TIMEOUT) {
                    continue;
                }
                Message response = answer(query);
                OPTRecord opt = query.getOPT();
                int limit = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
                byte[] wire = response.toWire(limit);
                udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (SocketException e) {
                if (running) {
                    LOG.warn("DNS UDP socket failed", e);
                }
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debug("dropping an unparseable DNS query", e);
            }
        }
    }

    private void serveTcp() {
        while (running) {
            try (Socket socket = tcp.accept()) {
                socket.setSoTimeout(5_000);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                while (true) {
                    int length = in.readUnsignedShort();
                    byte[] wire = in.readNBytes(length);
                    Message query = new Message(wire);
                    if (failureFor(query) == Failure.TIMEOUT) {
                        break;
                    }
                    byte[] answer = answer(query).toWire();
                    out.writeShort(answer.length);
                    out.write(answer);
                    out.flush();
                }
            } catch (SocketException e) {
                if (!running) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("DNS TCP connection ended", e);
            }
        }
    }

    private void spawn(String name, Runnable body) {
        Thread t = new Thread(body, name + "-" + udp.getLocalPort());
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    static Name absolute(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }

    @Override
    public void close() {
        running = false;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.debug("closing DNS TCP socket", e);
        }
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
