package io.sluice.cli;

import io.sluice.sim.feedback.EngagementSink;
import io.sluice.sim.feedback.KafkaEngagementSink;
import io.sluice.sim.profile.IpTier;
import io.sluice.sim.profile.ProviderProfile;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.world.SimulatedInternet;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice providers}: runs simulated mailbox providers that enforce their profiles, with the
 * DNS server that publishes their MX records, so any MTA can be pointed at them; until Ctrl-C.
 */
@Command(
        name = "providers",
        mixinStandardHelpOptions = true,
        description = {
            "Run simulated mailbox providers (rate limits per sending IP, reputation, greylisting,",
            "DKIM/SPF/DMARC at the door, the providers' real replies) and their DNS server, until",
            "Ctrl-C. Profiles: docs/reference/provider-profiles.md."
        })
public final class ProvidersCommand implements Callable<Integer> {

    @Option(
            names = "--profile",
            description =
                    "A provider profile; repeat for several (default: all of ${COMPLETION-CANDIDATES}).",
            completionCandidates = Names.class)
    List<String> profiles = new ArrayList<>();

    @Option(
            names = "--time-scale",
            description =
                    "Simulated seconds per real second: 3600 plays an hour's limits in a second"
                            + " (default: ${DEFAULT-VALUE}).")
    double timeScale = 1;

    @Option(
            names = "--dns-port",
            description = "DNS port, UDP and TCP (default: ${DEFAULT-VALUE}).")
    int dnsPort = 1053;

    @Option(
            names = "--smtp-port",
            description = "SMTP port of every provider (default: ${DEFAULT-VALUE}).")
    int smtpPort = 2525;

    @Option(
            names = "--subnet",
            description =
                    "Providers listen on 127.0.SUBNET.x, DNS on 127.0.SUBNET.53 (default: ${DEFAULT-VALUE}).")
    int subnet = 1;

    @Option(
            names = "--feedback-server",
            paramLabel = "HOST:PORT",
            description =
                    "Send ARF complaint reports (at each profile's feedback.complaint-rate) to this"
                            + " SMTP server.")
    String feedbackServer;

    @Option(
            names = "--feedback-address",
            description = "RCPT TO of the complaint reports (default: ${DEFAULT-VALUE}).")
    String feedbackAddress = "fbl@sender.test";

    @Option(
            names = "--bounce-domain",
            paramLabel = "DOMAIN=ADDRESS",
            description =
                    "Publish DOMAIN's MX at ADDRESS (on --smtp-port) and mail late bounces (RFC 3464"
                            + " DSNs, at each profile's feedback.late-bounce-rate) to return paths"
                            + " there; repeat for several.")
    List<String> bounceDomains = new ArrayList<>();

    @Option(
            names = "--engagement-topic",
            description = "Write opens and clicks as FeedbackEvents (Avro) to this Kafka topic.")
    String engagementTopic;

    @Option(
            names = "--kafka",
            paramLabel = "BOOTSTRAP",
            description =
                    "Kafka bootstrap servers for --engagement-topic (default: ${DEFAULT-VALUE}).")
    String kafka = "localhost:9092";

    /** The built-in profile names, for the help text. */
    static final class Names extends ArrayList<String> {
        Names() {
            super(ProviderProfiles.NAMES);
        }
    }

    @Override
    public Integer call() throws Exception {
        List<ProviderProfile> chosen =
                (profiles.isEmpty() ? ProviderProfiles.NAMES : profiles)
                        .stream().map(ProviderProfiles::named).toList();
        CountDownLatch stopped = new CountDownLatch(1);
        KafkaEngagementSink engagement =
                engagementTopic == null ? null : new KafkaEngagementSink(kafka, engagementTopic);
        try (SimulatedInternet internet = start(chosen, engagement)) {
            describe(internet, chosen, System.out);
            Thread hook = new Thread(stopped::countDown, "sluice-providers-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            stopped.await();
        } catch (IllegalArgumentException e) {
            System.err.println("sluice providers: " + e.getMessage());
            return 2;
        } finally {
            if (engagement != null) {
                engagement.close();
            }
        }
        return 0;
    }

    /** The providers as the options ask, started. */
    SimulatedInternet start(List<ProviderProfile> chosen, EngagementSink engagement)
            throws UnknownHostException {
        SimulatedInternet.Builder b =
                SimulatedInternet.of(chosen)
                        .subnet(subnet)
                        .dnsPort(dnsPort)
                        .smtpPort(smtpPort)
                        .timeScale(timeScale);
        if (feedbackServer != null) {
            b.complaintsTo(hostPort(feedbackServer), feedbackAddress);
        }
        if (!bounceDomains.isEmpty()) {
            b.lateBounces();
        }
        if (engagement != null) {
            b.engagement(engagement);
        }
        SimulatedInternet internet = b.start();
        for (String entry : bounceDomains) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                internet.close();
                throw new IllegalArgumentException(
                        "--bounce-domain " + entry + " -- expected DOMAIN=ADDRESS");
            }
            String domain = entry.substring(0, eq);
            internet.publishMx(
                    domain, "mx." + domain, InetAddress.getByName(entry.substring(eq + 1)));
        }
        return internet;
    }

    private static InetSocketAddress hostPort(String value) {
        int colon = value.lastIndexOf(':');
        try {
            return new InetSocketAddress(
                    value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "--feedback-server " + value + " -- expected HOST:PORT");
        }
    }

    void describe(SimulatedInternet internet, List<ProviderProfile> chosen, PrintStream out) {
        out.printf(
                "dns %s:%d (MX records of every domain below; time scale %s)%n",
                internet.dnsAddress().getAddress().getHostAddress(),
                internet.dnsAddress().getPort(),
                timeScale);
        for (ProviderProfile p : chosen) {
            var a = internet.server(p.name()).address();
            out.printf(
                    "%-15s smtp %s:%d  mx %s  domains %s  new IP %s%n",
                    p.name(),
                    a.getAddress().getHostAddress(),
                    a.getPort(),
                    String.join(",", p.mxHosts()),
                    String.join(",", p.domains()),
                    p.rates().get(IpTier.NEW));
        }
        if (feedbackServer != null) {
            out.printf(
                    "complaints  ARF to %s at %s (each profile's feedback.complaint-rate)%n",
                    feedbackAddress, feedbackServer);
        }
        for (String entry : bounceDomains) {
            out.printf(
                    "late bounces  DSNs to return paths at %s, MX %s:%d%n",
                    entry.substring(0, Math.max(0, entry.indexOf('='))),
                    entry.substring(entry.indexOf('=') + 1),
                    smtpPort);
        }
        if (engagementTopic != null) {
            out.printf(
                    "engagement  opens and clicks to Kafka %s topic %s%n", kafka, engagementTopic);
        }
        out.println("Ctrl-C stops.");
        out.flush();
    }
}
