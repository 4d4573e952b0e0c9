package io.sluice.sim.world;

import io.sluice.sim.auth.DoorCheck;
import io.sluice.sim.dns.LocalDnsServer;
import io.sluice.sim.feedback.BounceLoop;
import io.sluice.sim.feedback.ComplaintLoop;
import io.sluice.sim.feedback.EngagementLoop;
import io.sluice.sim.feedback.EngagementSink;
import io.sluice.sim.feedback.FeedbackLoop;
import io.sluice.sim.feedback.ReportMailer;
import io.sluice.sim.policy.ProviderPolicy;
import io.sluice.sim.policy.ScaledClock;
import io.sluice.sim.profile.FeedbackModel;
import io.sluice.sim.profile.ProviderProfile;
import io.sluice.sim.profile.SenderRate;
import io.sluice.sim.smtp.MailboxServer;
import io.sluice.sim.truth.ProviderStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The outside world on one machine: a DNS server holding the MX and address records of every
 * simulated provider, and one receiving SMTP server per provider on its own loopback address
 * ({@code 127.0.<subnet>.<octet>}), all on the same SMTP port.
 *
 * <p>Besides the providers, DNS holds {@code nomail.example} with a null MX (RFC 7505) and the
 * sender domains of the sample tenants; any other name is NXDOMAIN.
 */
public final class SimulatedInternet implements AutoCloseable {

    /** Domains of the sample tenants; they send, they receive nothing. */
    public static final List<String> SENDER_DOMAINS =
            List.of("acme.example", "globex.example", "initech.example");

    public static final String NULL_MX_DOMAIN = "nomail.example";

    private final LocalDnsServer dns;
    private final Map<String, MailboxServer> servers;
    private final int smtpPort;
    private final Clock clock;

    private SimulatedInternet(
            LocalDnsServer dns, Map<String, MailboxServer> servers, int smtpPort, Clock clock) {
        this.dns = dns;
        this.servers = servers;
        this.smtpPort = smtpPort;
        this.clock = clock;
    }

    /**
     * Whether the mailbox exists at the provider hosting its domain (an enforcing provider's
     * profile makes a share of addresses unknown; a permissive one knows them all, but for the
     * failure prefixes). False for a domain no provider hosts.
     */
    public boolean mailboxExists(String address) {
        String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        for (MailboxServer s : servers.values()) {
            if (s.hosts(domain)) {
                return io.sluice.sim.smtp.RecipientBehaviour.of(address)
                                == io.sluice.sim.smtp.RecipientBehaviour.ACCEPT
                        && s.policy().map(p -> p.hasMailbox(address)).orElse(true);
            }
        }
        return false;
    }

    /** The providers' clock: simulated time when they run a time scale, else the system's. */
    public Clock clock() {
        return clock;
    }

    /**
     * Starts DNS on {@code 127.0.<subnet>.53:dnsPort} and permissive providers' servers on {@code
     * 127.0.<subnet>.<octet>:smtpPort}: they enforce no profile, only the failure prefixes of
     * {@link io.sluice.sim.smtp.RecipientBehaviour}. Port 0 for DNS picks a free one.
     */
    public static SimulatedInternet start(
            List<ProviderSpec> providers,
            int subnet,
            int dnsPort,
            int smtpPort,
            boolean keepMessages) {
        Map<ProviderSpec, ProviderPolicy> none = new LinkedHashMap<>();
        providers.forEach(p -> none.put(p, null));
        return start(none, subnet, dnsPort, smtpPort, keepMessages, Clock.systemUTC());
    }

    /**
     * Permissive providers, as {@link #start(List, int, int, int, boolean)}, that also mail ARF
     * complaint reports for {@code complaintShare} of the marketing mail they accept (and always
     * for recipients whose local part starts with {@code complain-}) to {@code feedbackAddress} at
     * {@code feedbackServer}, and late bounces (DSNs) to the return path's MX for the recipients
     * whose local part starts with {@code bounce-later-}.
     */
    public static SimulatedInternet start(
            List<ProviderSpec> providers,
            int subnet,
            int dnsPort,
            int smtpPort,
            boolean keepMessages,
            double complaintShare,
            InetSocketAddress feedbackServer,
            String feedbackAddress) {
        Map<ProviderSpec, ProviderPolicy> none = new LinkedHashMap<>();
        providers.forEach(p -> none.put(p, null));
        return start(
                none,
                subnet,
                dnsPort,
                smtpPort,
                keepMessages,
                Clock.systemUTC(),
                Feedback.NONE
                        .withComplaints(
                                SenderRate.of(complaintShare), feedbackServer, feedbackAddress)
                        .withLateBounces());
    }

    /** Providers that enforce their profiles: {@code SimulatedInternet.of(profiles).start()}. */
    public static Builder of(List<ProviderProfile> profiles) {
        return new Builder(profiles);
    }

    private static SimulatedInternet start(
            Map<ProviderSpec, ProviderPolicy> providers,
            int subnet,
            int dnsPort,
            int smtpPort,
            boolean keepMessages,
            Clock clock) {
        return start(providers, subnet, dnsPort, smtpPort, keepMessages, clock, null);
    }

    private static SimulatedInternet start(
            Map<ProviderSpec, ProviderPolicy> providers,
            int subnet,
            int dnsPort,
            int smtpPort,
            boolean keepMessages,
            Clock clock,
            Feedback feedback) {
        LocalDnsServer dns = LocalDnsServer.start(loopback(subnet, 53), dnsPort);
        Map<String, MailboxServer> servers = new LinkedHashMap<>();
        DoorCheck doorCheck = new DoorCheck(dns.address(), clock);
        try {
            StringBuilder zone = new StringBuilder("$TTL 300\n");
            for (Map.Entry<ProviderSpec, ProviderPolicy> e : providers.entrySet()) {
                ProviderSpec p = e.getKey();
                String address = "127.0." + subnet + "." + p.hostOctet();
                for (String mx : p.mxHosts()) {
                    zone.append(mx).append(". IN A ").append(address).append('\n');
                }
                for (String domain : p.domains()) {
                    int preference = 5;
                    for (String mx : p.mxHosts()) {
                        zone.append(domain).append(". IN MX ").append(preference).append(' ');
                        zone.append(mx).append(".\n");
                        preference += 5;
                    }
                }
                MailboxServer server =
                        MailboxServer.builder(p.name())
                                .bind(loopback(subnet, p.hostOctet()), smtpPort)
                                .hostName(p.mxHosts().get(0))
                                .domains(Set.copyOf(p.domains()))
                                .keepMessages(keepMessages)
                                .clock(clock)
                                .policy(e.getValue())
                                .doorCheck(e.getValue() == null ? null : doorCheck)
                                .feedback(
                                        feedback == null || feedback == Feedback.NONE
                                                ? null
                                                : feedback.loop(
                                                        p,
                                                        e.getValue() == null
                                                                ? FeedbackModel.none()
                                                                : e.getValue().profile().feedback(),
                                                        dns.address(),
                                                        smtpPort,
                                                        clock))
                                .build()
                                .start();
                servers.put(p.name(), server);
            }
            zone.append(NULL_MX_DOMAIN).append(". IN MX 0 .\n");
            for (String sender : SENDER_DOMAINS) {
                zone.append(sender).append(". IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"\n");
                zone.append("_dmarc.").append(sender).append(". IN TXT \"v=DMARC1; p=none\"\n");
            }
            dns.loadZone(zone.toString(), ".");
        } catch (RuntimeException e) {
            servers.values().forEach(MailboxServer::close);
            dns.close();
            throw e;
        }
        return new SimulatedInternet(dns, servers, smtpPort, clock);
    }

    public InetSocketAddress dnsAddress() {
        return dns.address();
    }

    public LocalDnsServer dns() {
        return dns;
    }

    public int smtpPort() {
        return smtpPort;
    }

    public List<MailboxServer> servers() {
        return new ArrayList<>(servers.values());
    }

    public MailboxServer server(String provider) {
        MailboxServer server = servers.get(provider);
        if (server == null) {
            throw new NoSuchElementException("no simulated provider " + provider);
        }
        return server;
    }

    /** The counters of one provider. */
    public ProviderStats stats(String provider) {
        return server(provider).groundTruth().stats();
    }

    static InetAddress loopback(int subnet, int octet) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, (byte) subnet, (byte) octet});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        servers.values().forEach(MailboxServer::close);
        dns.close();
    }

    /**
     * Publishes {@code domain}'s mail exchanger in this Internet's DNS: an MX record naming {@code
     * mxHost} and its address. The providers deliver DSNs for return paths at {@code domain} there,
     * on {@link #smtpPort()}, as a real provider finds a sender's bounce server.
     */
    public void publishMx(String domain, String mxHost, InetAddress address) {
        dns.loadZone(
                domain
                        + ". IN MX 10 "
                        + mxHost
                        + ".\n"
                        + mxHost
                        + ". IN A "
                        + address.getHostAddress()
                        + "\n",
                ".");
    }

    /**
     * What the providers send back after accepting mail, and where: complaints to one feedback
     * server and address (at the profile's rates, or {@code complaintShare} for every sender), late
     * bounces to the return paths' MX, engagement to a sink. A null part is not sent.
     */
    private record Feedback(
            SenderRate complaintShare,
            InetSocketAddress complaintServer,
            String complaintAddress,
            boolean lateBounces,
            EngagementSink engagement) {

        static final Feedback NONE = new Feedback(null, null, null, false, null);

        FeedbackLoop loop(
                ProviderSpec p,
                FeedbackModel model,
                InetSocketAddress dns,
                int smtpPort,
                Clock clock) {
            String host = p.mxHosts().get(0);
            ReportMailer complaintMailer =
                    complaintServer == null ? null : ReportMailer.to(host, complaintServer);
            ReportMailer bounceMailer = lateBounces ? ReportMailer.byMx(host, dns, smtpPort) : null;
            return new FeedbackLoop(
                    Optional.ofNullable(bounceMailer)
                            .map(
                                    m ->
                                            new BounceLoop(
                                                    host,
                                                    model.lateBounces(),
                                                    model.lateBounceReply(),
                                                    m,
                                                    clock)),
                    Optional.ofNullable(complaintMailer)
                            .map(
                                    m ->
                                            new ComplaintLoop(
                                                    p.name(),
                                                    complaintShare != null
                                                            ? complaintShare
                                                            : model.complaints(),
                                                    m,
                                                    complaintAddress)),
                    Optional.ofNullable(engagement)
                            .map(
                                    sink ->
                                            new EngagementLoop(
                                                    p.name(),
                                                    model.opens(),
                                                    model.clicks(),
                                                    sink,
                                                    clock)),
                    Stream.of(complaintMailer, bounceMailer)
                            .filter(Objects::nonNull)
                            .toArray(AutoCloseable[]::new));
        }

        Feedback withComplaints(SenderRate share, InetSocketAddress server, String address) {
            return new Feedback(share, server, address, lateBounces, engagement);
        }

        Feedback withLateBounces() {
            return new Feedback(
                    complaintShare, complaintServer, complaintAddress, true, engagement);
        }

        Feedback withEngagement(EngagementSink sink) {
            return new Feedback(
                    complaintShare, complaintServer, complaintAddress, lateBounces, sink);
        }
    }

    /** Settings of a simulated Internet whose providers enforce their profiles. */
    public static final class Builder {
        private final List<ProviderProfile> profiles;
        private int subnet = 1;
        private int dnsPort;
        private int smtpPort = 25;
        private boolean keepMessages;
        private double timeScale = 1;
        private double volumeScale = 1;
        private List<String> established = List.of();
        private Clock clock;
        private Feedback feedback = Feedback.NONE;

        private Builder(List<ProviderProfile> profiles) {
            this.profiles = List.copyOf(profiles);
        }

        /** Servers listen on {@code 127.0.<subnet>.<octet>}, DNS on {@code 127.0.<subnet>.53}. */
        public Builder subnet(int subnet) {
            this.subnet = subnet;
            return this;
        }

        public Builder dnsPort(int port) {
            this.dnsPort = port;
            return this;
        }

        public Builder smtpPort(int port) {
            this.smtpPort = port;
            return this;
        }

        public Builder keepMessages(boolean keep) {
            this.keepMessages = keep;
            return this;
        }

        /** Simulated seconds per real second; ignored when a {@link #clock} is given. */
        public Builder timeScale(double scale) {
            this.timeScale = scale;
            return this;
        }

        /**
         * Every provider at {@code 1/divisor} of the volume ({@link
         * ProviderProfile#volumeScaled(double)}), for traffic sent at that fraction.
         */
        public Builder volumeScale(double divisor) {
            this.volumeScale = divisor;
            return this;
        }

        /**
         * Every provider knows these sending IPs as {@link
         * io.sluice.sim.profile.IpTier#ESTABLISHED}: a history of its profile's {@code
         * tier.established-after} clean messages ({@link ProviderPolicy#history}), the warm IPs of
         * a sender that adds new ones.
         */
        public Builder established(List<String> ips) {
            this.established = List.copyOf(ips);
            return this;
        }

        /** The simulated clock, for tests that move time themselves. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Every provider mails ARF complaint reports for {@code share} of the marketing mail it
         * accepts, from any sender, to {@code address} at {@code server}, and lowers the sender's
         * reputation for each; {@code share} replaces the profiles' complaint rates.
         */
        public Builder complaints(double share, InetSocketAddress server, String address) {
            this.feedback = feedback.withComplaints(SenderRate.of(share), server, address);
            return this;
        }

        /**
         * Every provider mails ARF complaint reports to {@code address} at {@code server} for its
         * profile's {@code feedback.complaint-rate} of the marketing mail it accepts (per sending
         * IP and domain), and lowers the sender's reputation for each.
         */
        public Builder complaintsTo(InetSocketAddress server, String address) {
            this.feedback = feedback.withComplaints(null, server, address);
            return this;
        }

        /**
         * Every provider sends DSNs for its profile's {@code feedback.late-bounce-rate} of the mail
         * it accepts to the return path, through the MX of its domain in this Internet's DNS
         * ({@link SimulatedInternet#publishMx}), and holds each against the sender as an unknown
         * user.
         */
        public Builder lateBounces() {
            this.feedback = feedback.withLateBounces();
            return this;
        }

        /**
         * Every provider emits opens and clicks for its profile's {@code feedback.open-rate} and
         * {@code feedback.click-rate} of the mail it files in the inbox, to {@code sink}.
         */
        public Builder engagement(EngagementSink sink) {
            this.feedback = feedback.withEngagement(sink);
            return this;
        }

        public SimulatedInternet start() {
            Clock simulated = clock != null ? clock : new ScaledClock(Clock.systemUTC(), timeScale);
            Map<ProviderSpec, ProviderPolicy> providers = new LinkedHashMap<>();
            for (ProviderProfile p : profiles) {
                ProviderProfile scaled = p.volumeScaled(volumeScale);
                ProviderPolicy policy = new ProviderPolicy(scaled, simulated);
                established.forEach(ip -> policy.history(ip, scaled.establishedAfter()));
                providers.put(ProviderSpec.of(scaled), policy);
            }
            return SimulatedInternet.start(
                    providers,
                    subnet,
                    dnsPort,
                    smtpPort,
                    keepMessages,
                    simulated,
                    feedback.equals(Feedback.NONE) ? null : feedback);
        }
    }
}
