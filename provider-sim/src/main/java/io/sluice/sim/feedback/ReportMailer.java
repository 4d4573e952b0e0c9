package io.sluice.sim.feedback;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * How a provider mails what it reports (ARF complaints, DSNs): one background thread, so the SMTP
 * session that accepted the original is never held up, sending each report over SMTP with the
 * envelope given, either to a fixed server or to the MX hosts of the recipient's domain as the
 * simulated Internet's DNS publishes them (RFC 5321 section 5.1: MX hosts in preference order, the
 * domain's own address when it has no MX, nothing for a null MX). Reports are tried once per host;
 * one that no host takes is counted as failed and logged, not retried.
 */
public final class ReportMailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReportMailer.class);

    private final String heloName;
    private final InetSocketAddress fixedServer;
    private final InetSocketAddress dns;
    private final int smtpPort;
    private final ExecutorService sender;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private ReportMailer(
            String heloName, InetSocketAddress fixedServer, InetSocketAddress dns, int smtpPort) {
        this.heloName = heloName;
        this.fixedServer = fixedServer;
        this.dns = dns;
        this.smtpPort = smtpPort;
        this.sender =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "reports-" + heloName);
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Every report goes to {@code server}, whatever its recipient. */
    public static ReportMailer to(String heloName, InetSocketAddress server) {
        return new ReportMailer(heloName, server, null, 0);
    }

    /** Each report goes to the MX of its recipient's domain, looked up at {@code dns}. */
    public static ReportMailer byMx(String heloName, InetSocketAddress dns, int smtpPort) {
        return new ReportMailer(heloName, null, dns, smtpPort);
    }

    /**
     * Queues {@code message} for {@code recipient}, exactly as given (a VERP return path must come
     * back byte for byte); {@code envelopeFrom} empty is the null sender.
     */
    public void send(byte[] message, String envelopeFrom, String recipient) {
        sender.execute(
                () -> {
                    List<InetSocketAddress> servers;
                    try {
                        servers = fixedServer != null ? List.of(fixedServer) : mxOf(recipient);
                    } catch (UnknownHostException | TextParseException e) {
                        failed.incrementAndGet();
                        LOG.warn("{}: no server for a report to {}", heloName, recipient, e);
                        return;
                    }
                    for (InetSocketAddress server : servers) {
                        try {
                            deliver(server, message, envelopeFrom, recipient);
                            sent.incrementAndGet();
                            return;
                        } catch (MessagingException | RuntimeException e) {
                            LOG.warn(
                                    "{}: report to {} refused or lost at {}",
                                    heloName,
                                    recipient,
                                    server,
                                    e);
                        }
                    }
                    failed.incrementAndGet();
                });
    }

    /** Reports handed to a server that answered 250. */
    public long sent() {
        return sent.get();
    }

    /** Reports no server took (no MX, refused, unreachable). */
    public long failed() {
        return failed.get();
    }

    private void deliver(
            InetSocketAddress server, byte[] message, String envelopeFrom, String recipient)
            throws MessagingException {
        Properties p = new Properties();
        p.put("mail.smtp.host", server.getAddress().getHostAddress());
        p.put("mail.smtp.port", Integer.toString(server.getPort()));
        p.put("mail.smtp.localhost", heloName);
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(p);
        SMTPMessage m = new SMTPMessage(session, new ByteArrayInputStream(message));
        // "<>" is sent as is: the null reverse path of RFC 5321 section 4.5.5.
        m.setEnvelopeFrom(envelopeFrom.isEmpty() ? "<>" : envelopeFrom);
        // sendMessage, not Transport.send: send would call saveChanges() and rewrite headers.
        try (Transport t = session.getTransport("smtp")) {
            t.connect();
            t.sendMessage(m, new InternetAddress[] {new InternetAddress(recipient, false)});
        }
    }

    private List<InetSocketAddress> mxOf(String recipient)
            throws UnknownHostException, TextParseException {
        String domain =
                recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        SimpleResolver resolver = new SimpleResolver(dns);
        resolver.setTimeout(Duration.ofSeconds(2));
        List<MXRecord> mx = new ArrayList<>();
        for (Record r : lookup(resolver, domain, Type.MX)) {
            mx.add((MXRecord) r);
        }
        mx.sort(Comparator.comparingInt(MXRecord::getPriority));
        List<String> hosts = new ArrayList<>();
        for (MXRecord r : mx) {
            if (r.getTarget().equals(Name.root)) {
                throw new UnknownHostException(domain + " has a null MX: it takes no mail");
            }
            hosts.add(r.getTarget().toString());
        }
        if (hosts.isEmpty()) {
            hosts.add(domain + ".");
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (String host : hosts) {
            for (Record r : lookup(resolver, host, Type.A)) {
                InetAddress a = ((ARecord) r).getAddress();
                out.add(new InetSocketAddress(a, smtpPort));
            }
        }
        if (out.isEmpty()) {
            throw new UnknownHostException("no address for the MX hosts of " + domain);
        }
        return out;
    }

    private static Record[] lookup(SimpleResolver resolver, String name, int type)
            throws TextParseException {
        Lookup l = new Lookup(Name.fromString(name, Name.root), type);
        l.setResolver(resolver);
        l.setCache(null);
        Record[] records = l.run();
        return records == null ? new Record[0] : records;
    }

    /** Sends what is queued (waiting a few seconds at most), then stops. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
