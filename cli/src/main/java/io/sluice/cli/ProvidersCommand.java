package io.sluice.cli;

import io.sluice.sim.profile.IpTier;
import io.sluice.sim.profile.ProviderProfile;
import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.world.SimulatedInternet;
import java.io.PrintStream;
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
        try (SimulatedInternet internet =
                SimulatedInternet.of(chosen)
                        .subnet(subnet)
                        .dnsPort(dnsPort)
                        .smtpPort(smtpPort)
                        .timeScale(timeScale)
                        .start()) {
            describe(internet, chosen, System.out);
            Thread hook = new Thread(stopped::countDown, "sluice-providers-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            stopped.await();
        }
        return 0;
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
        out.println("Ctrl-C stops.");
        out.flush();
    }
}
