package io.sluice.inbound;

import io.sluice.bounce.verp.VerpAddress;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.schema.InboundMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * Sluice's inbound SMTP server: receives out-of-band bounces at VERP return paths and complaint
 * reports at the feedback addresses, and hands each accepted copy to an {@link InboundSink}
 * (Kafka's {@code sluice.inbound-mail} in production) before it answers 250.
 *
 * <p>It is never an open relay and never a way to suppress an arbitrary address: a recipient is
 * accepted only if it is a feedback address, or a VERP return path at a bounce domain whose HMAC
 * verifies ({@link VerpAddress#decode}); everything else gets 550 5.7.1 at RCPT, before any data is
 * read. Parsing what was received is the feedback job's work, not the server's, so a message the
 * parsers cannot read yet is still kept.
 */
public final class InboundServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboundServer.class);

    private final InboundSettings settings;
    private final VerpKeys verpKeys;
    private final InboundSink sink;
    private final Clock clock;
    private final SMTPServer server;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private InboundServer(
            InboundSettings settings, VerpKeys verpKeys, InboundSink sink, Clock clock) {
        this.settings = settings;
        this.verpKeys = verpKeys;
        this.sink = sink;
        this.clock = clock;
        this.server =
                SMTPServer.port(settings.port())
                        .bindAddress(settings.bindAddress())
                        .hostName(settings.hostName())
                        .softwareName("Sluice inbound")
                        .maxMessageSize(settings.maxMessageBytes())
                        .connectionTimeout(60, TimeUnit.SECONDS)
                        .messageHandlerFactory(Transaction::new)
                        .build();
    }

    public static InboundServer start(
            InboundSettings settings, VerpKeys verpKeys, InboundSink sink, Clock clock) {
        InboundServer s = new InboundServer(settings, verpKeys, sink, clock);
        s.server.start();
        LOG.info(
                "inbound SMTP on {}:{} for bounce domains {} and feedback addresses {}",
                settings.bindAddress().getHostAddress(),
                s.server.getPortAllocated(),
                settings.bounceDomains(),
                settings.feedbackAddresses());
        return s;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(settings.bindAddress(), server.getPortAllocated());
    }

    /** Copies accepted (one per recipient) since start. */
    /**
     * What a return path names, as this server reads it at RCPT: empty when it is not a VERP
     * address at one of its bounce domains or its HMAC does not verify.
     */
    public Optional<VerpAddress> returnPathOf(String address) {
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!settings.bounceDomains().contains(domain)) {
            return Optional.empty();
        }
        return VerpAddress.decode(verpKeys, address);
    }

    public long acceptedCount() {
        return accepted.get();
    }

    /** Recipients refused at RCPT since start. */
    public long refusedCount() {
        return refused.get();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** One SMTP transaction; SubEthaSMTP makes one per MAIL ... DATA. */
    private final class Transaction implements MessageHandler {
        private final String client;
        private final String helo;
        private String from = "";
        private final List<Recipient> recipients = new ArrayList<>(1);

        private record Recipient(String address, Optional<VerpAddress> verp) {}

        Transaction(MessageContext context) {
            this.client =
                    ((InetSocketAddress) context.getRemoteAddress()).getAddress().getHostAddress();
            this.helo = context.getHelo().orElse(null);
        }

        @Override
        public void from(String address) {
            this.from = address == null ? "" : address;
        }

        @Override
        public void recipient(String address) throws RejectException {
            String lower = address.toLowerCase(Locale.ROOT);
            if (settings.feedbackAddresses().contains(lower)) {
                recipients.add(new Recipient(address, Optional.empty()));
                return;
            }
            String domain = lower.substring(lower.lastIndexOf('@') + 1);
            if (settings.bounceDomains().contains(domain)) {
                Optional<VerpAddress> verp = VerpAddress.decode(verpKeys, address);
                if (verp.isPresent()) {
                    recipients.add(new Recipient(address, verp));
                    return;
                }
                refused.incrementAndGet();
                // Same words as for any unknown user: a forger learns nothing about the format.
                throw new RejectException(550, "5.1.1 <" + address + ">: no such user here");
            }
            refused.incrementAndGet();
            throw new RejectException(
                    550,
                    "5.7.1 <"
                            + address
                            + ">: relay access denied; this server takes only bounces and"
                            + " feedback reports for Sluice");
        }

        @Override
        public String data(InputStream data) throws IOException, RejectException {
            byte[] content = data.readAllBytes();
            for (Recipient r : recipients) {
                InboundMessage m =
                        InboundMessage.newBuilder()
                                .setReceivedAt(clock.instant())
                                .setClientIp(client)
                                .setHelo(helo)
                                .setEnvelopeFrom(from)
                                .setEnvelopeRecipient(r.address())
                                .setVerpMessageId(r.verp().map(VerpAddress::messageId).orElse(null))
                                .setVerpRecipient(r.verp().map(VerpAddress::recipient).orElse(null))
                                .setVerpTenant(r.verp().map(VerpAddress::tenant).orElse(null))
                                .setContent(ByteBuffer.wrap(content))
                                .build();
                try {
                    sink.write(m);
                } catch (Exception e) {
                    LOG.warn("inbound message from {} not stored, answering 451", client, e);
                    throw new RejectException(
                            451, "4.3.0 cannot store the message now; try again later");
                }
                accepted.incrementAndGet();
            }
            return null;
        }

        @Override
        public void done() {}
    }
}
