package io.sluice.sim.smtp;

import io.sluice.sim.auth.AuthVerdict;
import io.sluice.sim.auth.DoorCheck;
import io.sluice.sim.feedback.FeedbackLoop;
import io.sluice.sim.policy.Folder;
import io.sluice.sim.policy.ProviderPolicy;
import io.sluice.sim.policy.Refusal;
import io.sluice.sim.profile.ReplyKind;
import io.sluice.sim.truth.Delivery;
import io.sluice.sim.truth.Feedback;
import io.sluice.sim.truth.GroundTruth;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * A receiving SMTP server standing in for one mailbox provider, on its own loopback address: it
 * accepts mail for its domains, answers per recipient as {@link RecipientBehaviour} says, and keeps
 * what it accepted so a test can check the envelope, the headers and the body.
 *
 * <p>With a {@link ProviderPolicy} it also enforces its profile per client IP (connections,
 * messages per connection, rate, reputation, greylisting, unknown users) and answers with the
 * profile's replies; without one it accepts every address that has no failure prefix, which is what
 * the delivery job's scenario tests want. Either way {@link #groundTruth()} records every
 * acceptance and refusal.
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
    private final ProviderPolicy policy;
    private final DoorCheck doorCheck;
    private final FeedbackLoop feedback;
    private final GroundTruth truth;
    private final Map<String, AtomicInteger> transactionsBySession = new ConcurrentHashMap<>();
    private final Set<Session> counted = ConcurrentHashMap.newKeySet();
    private final Map<String, String> blockedIps = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<BlockReply> blockReplies = new ConcurrentLinkedQueue<>();

    /** A block reply this server gave: to which client IP, when. */
    public record BlockReply(String ip, java.time.Instant at) {}

    private MailboxServer(Builder b) {
        this.provider = b.provider;
        this.domains = Set.copyOf(b.domains);
        this.clock = b.clock;
        this.keepMessages = b.keepMessages;
        this.policy = b.policy;
        this.doorCheck = b.doorCheck;
        this.feedback = b.feedback;
        this.truth = new GroundTruth(provider);
        this.server =
                SMTPServer.port(b.port)
                        .bindAddress(b.address)
                        .hostName(b.hostName)
                        .softwareName(provider + " simulator")
                        .maxMessageSize(b.maxMessageSize)
                        .connectionTimeout(60, java.util.concurrent.TimeUnit.SECONDS)
                        .messageHandlerFactory(Transaction::new)
                        .sessionHandler(new Connections())
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

    /** Every acceptance and refusal, with counters. */
    /** Whether this server takes mail for {@code domain} (lower case). */
    public boolean hosts(String domain) {
        return domains.contains(domain);
    }

    public GroundTruth groundTruth() {
        return truth;
    }

    /**
     * From now on refuses every transaction from {@code ip} at MAIL FROM with {@code reply} ({@code
     * "421 4.7.0 [TSS09] All messages from {ip} will be ..."}; {@code {ip}} is replaced), as a
     * provider does once it has blocked a sending IP, whatever its profile says. For tests of what
     * the sender does about a block.
     */
    public void block(String ip, String reply) {
        if (!reply.matches("[45]\\d\\d .+")) {
            throw new IllegalArgumentException(
                    "block reply '" + reply + "' -- expected a 4xx or 5xx code and a text");
        }
        blockedIps.put(ip, reply);
    }

    /** Lifts {@link #block}. */
    public void unblock(String ip) {
        blockedIps.remove(ip);
    }

    /** Every block reply given so far, oldest first. */
    public List<BlockReply> blockReplies() {
        return new ArrayList<>(blockReplies);
    }

    /** The enforcement of this server's profile, if it has one. */
    public Optional<ProviderPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    @Override
    public void close() {
        server.stop();
        if (feedback != null) {
            feedback.close();
        }
    }

    private static String headerSection(byte[] message) {
        String text = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end + 2);
    }

    /** Counts connections per client IP and forgets a connection's transactions when it ends. */
    private final class Connections implements SessionHandler {
        @Override
        public SessionAcceptance accept(Session session) {
            if (policy == null) {
                return SessionAcceptance.success();
            }
            Optional<Refusal> refusal = policy.connect(ip(session.getRemoteAddress()));
            if (refusal.isPresent()) {
                truth.refused(
                        new io.sluice.sim.truth.Refusal(
                                clock.instant(),
                                ip(session.getRemoteAddress()),
                                "",
                                "",
                                refusal.get().kind().key()));
                return SessionAcceptance.failure(
                        refusal.get().reply().code(), refusal.get().text());
            }
            counted.add(session);
            return SessionAcceptance.success();
        }

        @Override
        public void onSessionEnd(Session session) {
            transactionsBySession.remove(session.getSessionId());
            // Only sessions that were let in hold a slot; a refused one may end here too.
            if (counted.remove(session)) {
                policy.disconnect(ip(session.getRemoteAddress()));
            }
        }
    }

    private static String ip(SocketAddress remote) {
        return ((InetSocketAddress) remote).getAddress().getHostAddress();
    }

    /** One SMTP transaction (MAIL ... DATA); SubEthaSMTP makes one per transaction. */
    private final class Transaction implements MessageHandler {
        private final InetAddress client;
        private final String ip;
        private final String helo;
        private final String sessionId;
        private String from = "";
        private String senderDomain = "";
        private final List<String> recipients = new ArrayList<>();

        Transaction(MessageContext context) {
            SocketAddress remote = context.getRemoteAddress();
            this.client = ((InetSocketAddress) remote).getAddress();
            this.ip = client.getHostAddress();
            this.helo = context.getHelo().orElse("");
            this.sessionId = context.getSessionId();
        }

        @Override
        public void from(String address) throws RejectException {
            this.from = address;
            // The null sender (bounces) is judged by its HELO name, as SPF does (RFC 7208 2.4).
            this.senderDomain =
                    (address.isEmpty() ? helo : address.substring(address.lastIndexOf('@') + 1))
                            .toLowerCase(Locale.ROOT);
            String block = blockedIps.get(ip);
            if (block != null) {
                truth.refused(
                        new io.sluice.sim.truth.Refusal(clock.instant(), ip, from, "", "blocked"));
                blockReplies.add(new BlockReply(ip, clock.instant()));
                throw new RejectException(
                        Integer.parseInt(block.substring(0, 3)),
                        block.substring(4).replace("{ip}", ip));
            }
            if (policy != null) {
                int earlier =
                        transactionsBySession
                                .computeIfAbsent(sessionId, k -> new AtomicInteger())
                                .getAndIncrement();
                refuseIf(policy.mail(ip, senderDomain, earlier));
            }
        }

        @Override
        public void recipient(String address) throws RejectException {
            String domain =
                    address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (!domains.contains(domain)) {
                truth.refused(
                        new io.sluice.sim.truth.Refusal(
                                clock.instant(), ip, from, address, "relay-denied"));
                throw new RejectException(
                        550, "5.7.1 Relaying denied: " + domain + " is not hosted here");
            }
            RecipientBehaviour behaviour = RecipientBehaviour.of(address);
            if (behaviour == RecipientBehaviour.GREYLISTED
                    && greylistPassed.add(client.getHostAddress() + "|" + from + "|" + address)) {
                refusePrefixed(behaviour, address);
            }
            if (behaviour != RecipientBehaviour.ACCEPT
                    && behaviour != RecipientBehaviour.GREYLISTED) {
                if (behaviour == RecipientBehaviour.UNKNOWN_USER && policy != null) {
                    policy.unknownUser(ip, senderDomain);
                }
                refusePrefixed(behaviour, address);
            }
            if (policy != null) {
                refuseIf(policy.recipient(ip, from, senderDomain, address), address);
            }
            recipients.add(address);
        }

        /** A failure chosen by the address's prefix, in the profile's words when there is one. */
        private void refusePrefixed(RecipientBehaviour behaviour, String address)
                throws RejectException {
            ReplyKind kind =
                    switch (behaviour) {
                        case UNKNOWN_USER -> ReplyKind.UNKNOWN_USER;
                        case MAILBOX_FULL -> ReplyKind.MAILBOX_FULL;
                        case GREYLISTED -> ReplyKind.GREYLISTED;
                        default -> ReplyKind.DISABLED;
                    };
            truth.refused(
                    new io.sluice.sim.truth.Refusal(
                            clock.instant(), ip, from, address, kind.key()));
            if (policy == null) {
                throw new RejectException(behaviour.code(), behaviour.text());
            }
            var reply = policy.profile().reply(kind);
            throw new RejectException(reply.code(), reply.render(ip, senderDomain, address));
        }

        private void refuseIf(Optional<Refusal> refusal) throws RejectException {
            refuseIf(refusal, "");
        }

        private void refuseIf(Optional<Refusal> refusal, String recipient) throws RejectException {
            if (refusal.isEmpty()) {
                return;
            }
            Refusal r = refusal.get();
            truth.refused(
                    new io.sluice.sim.truth.Refusal(
                            clock.instant(), ip, from, recipient, r.kind().key()));
            throw r.closesConnection()
                    ? new DropConnectionException(r.reply().code(), r.text())
                    : new RejectException(r.reply().code(), r.text());
        }

        @Override
        public String data(InputStream data) throws IOException, RejectException {
            byte[] bytes = data.readAllBytes();
            String authentication = "none";
            if (doorCheck != null) {
                AuthVerdict verdict = doorCheck.check(ip, helo, from, bytes);
                authentication = verdict.header();
                if (policy != null && !policy.profile().authentication().met(verdict)) {
                    var reply = policy.profile().reply(ReplyKind.UNAUTHENTICATED);
                    String domain =
                            verdict.fromDomain().isEmpty() ? senderDomain : verdict.fromDomain();
                    truth.refused(
                            new io.sluice.sim.truth.Refusal(
                                    clock.instant(),
                                    ip,
                                    from,
                                    String.join(",", recipients),
                                    ReplyKind.UNAUTHENTICATED.key()));
                    throw new RejectException(reply.code(), reply.render(ip, domain, ""));
                }
            }
            accepted.incrementAndGet();
            String messageId = GroundTruth.messageId(bytes);
            String headers = feedback == null ? "" : headerSection(bytes);
            for (String recipient : recipients) {
                Folder folder = policy == null ? Folder.INBOX : policy.accepted(ip, senderDomain);
                Delivery delivery =
                        new Delivery(
                                provider,
                                messageId,
                                recipient,
                                ip,
                                from,
                                authentication,
                                folder,
                                clock.instant());
                truth.accepted(delivery);
                if (feedback != null) {
                    afterAcceptance(delivery, headers);
                }
            }
            if (keepMessages) {
                received.add(
                        new ReceivedMessage(
                                provider, client, helo, from, recipients, bytes, clock.instant()));
            }
            return null;
        }

        /**
         * Feedback is decided, recorded and held against the sender before the 250 goes out; the
         * reports themselves go out in the background.
         */
        private void afterAcceptance(Delivery delivery, String headers) {
            FeedbackLoop.Outcome o = feedback.after(delivery, headers);
            if (o.lateBounce()) {
                // A mailbox found dead after acceptance costs the sender what an unknown user
                // at RCPT costs.
                if (policy != null) {
                    policy.unknownUser(ip, senderDomain);
                }
                truth.feedback(delivery, Feedback.Kind.LATE_BOUNCE);
            }
            if (o.complaint()) {
                if (policy != null) {
                    policy.complaint(ip, senderDomain);
                }
                truth.feedback(delivery, Feedback.Kind.COMPLAINT);
            }
            if (o.opened()) {
                truth.feedback(delivery, Feedback.Kind.OPEN);
            }
            if (o.clicked()) {
                truth.feedback(delivery, Feedback.Kind.CLICK);
            }
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
        private ProviderPolicy policy;
        private DoorCheck doorCheck;
        private FeedbackLoop feedback;

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

        /** Enforces a profile; its clock should be the same simulated clock as {@link #clock}. */
        public Builder policy(ProviderPolicy policy) {
            this.policy = policy;
            return this;
        }

        /** Checks DKIM, SPF and DMARC on every message, refusing what the profile requires. */
        public Builder doorCheck(DoorCheck check) {
            this.doorCheck = check;
            return this;
        }

        /** Sends late bounces, complaints and engagement for a share of accepted mail. */
        public Builder feedback(FeedbackLoop loop) {
            this.feedback = loop;
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
