package io.sluice.sim.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A receiving SMTP server standing in for one mailbox provider, on its own loopback address: it
 * accepts mail for its domains, answers per recipient as {@link RecipientBehaviour} says, and keeps
 * what it accepted so a test can check the envelope, the headers and the body.
 */
public final class MailboxServer implements AutoCloseable {

    private final String provider;
    private final SMTPServer server;
    private final Set<String> domains;
    private final Clock clock;
    private final boolean keepMessages;
    private final ConcurrentLinkedQueue<ReceivedMessage> received = new ConcurrentLinkedQueue<>();
    private final Set<String> greylistPassed = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();

    private MailboxServer(Builder b) {
        this.provider = b.provider;
        this.domains = Set.copyOf(b.domains);
        this.clock = b.clock;
        this.keepMessages = b.keepMessages;
        this.server =
                SMTPServer.port(b.port)
                        .bindAddress(b.address)
                        .hostName(b.hostName)
                        .softwareName(provider + " simulator")
                        .maxMessageSize(b.maxMessageSize)
                        .connectionTimeout(60, java.util.concurrent.TimeUnit.SECONDS)
                        .messageHandlerFactory(Session::new)
                        .build();
    }

    public static Builder builder(String provider) {
        return new Builder(provider);
    }

    public MailboxServer start() {
        server.start();
        return this;
    }

    public String provider() {
        return provider;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(
                server.getBindAddress().orElseThrow(), server.getPortAllocated());
    }

    /** Messages accepted so far (empty unless the builder kept them). */
    public List<ReceivedMessage> received() {
        return new ArrayList<>(received);
    }

    public long acceptedCount() {
        return accepted.get();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** One SMTP transaction (MAIL ... DATA); SubEthaSMTP makes one per transaction. */
    private final class Session implements MessageHandler {
        private final InetAddress client;
        private final String helo;
        private String from = "";
        private final List<String> recipients = new ArrayList<>();

        Session(MessageContext context) {
            SocketAddress remote = context.getRemoteAddress();
            this.client = ((InetSocketAddress) remote).getAddress();
            this.helo = context.getHelo().orElse("");
        }

        @Override
        public void from(String address) {
            this.from = address;
        }

        @Override
        public void recipient(String address) throws RejectException {
            String domain =
                    address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (!domains.contains(domain)) {
                throw new RejectException(
                        550, "5.7.1 Relaying denied: " + domain + " is not hosted here");
            }
            RecipientBehaviour behaviour = RecipientBehaviour.of(address);
            if (behaviour == RecipientBehaviour.GREYLISTED
                    && greylistPassed.add(client.getHostAddress() + "|" + from + "|" + address)) {
                throw new RejectException(behaviour.code(), behaviour.text());
            }
            if (behaviour != RecipientBehaviour.ACCEPT
                    && behaviour != RecipientBehaviour.GREYLISTED) {
                throw new RejectException(behaviour.code(), behaviour.text());
            }
            recipients.add(address);
        }

        @Override
        public String data(InputStream data) throws IOException {
            byte[] bytes = data.readAllBytes();
            accepted.incrementAndGet();
            if (keepMessages) {
                received.add(
                        new ReceivedMessage(
                                provider, client, helo, from, recipients, bytes, clock.instant()));
            }
            return null;
        }

        @Override
        public void done() {}
    }

    /** Settings of one simulated provider's receiving server. */
    public static final class Builder {
        private final String provider;
        private InetAddress address = InetAddress.getLoopbackAddress();
        private int port;
        private String hostName = "mx.invalid";
        private Set<String> domains = Set.of();
        private Clock clock = Clock.systemUTC();
        private boolean keepMessages;
        private int maxMessageSize = 35 * 1024 * 1024;

        private Builder(String provider) {
            this.provider = provider;
        }

        public Builder bind(InetAddress address, int port) {
            this.address = address;
            this.port = port;
            return this;
        }

        public Builder hostName(String hostName) {
            this.hostName = hostName;
            return this;
        }

        public Builder domains(Set<String> domains) {
            this.domains = domains;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Keeps every accepted message in memory, for tests that check what arrived. */
        public Builder keepMessages(boolean keep) {
            this.keepMessages = keep;
            return this;
        }

        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        public MailboxServer build() {
            return new MailboxServer(this);
        }
    }
}
