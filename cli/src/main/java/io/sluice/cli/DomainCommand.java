package io.sluice.cli;

import io.sluice.delivery.DeliveryOptions;
import io.sluice.delivery.intake.SenderDomainPolicy;
import io.sluice.mta.domain.DomainCheck;
import io.sluice.mta.domain.SenderDomainReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice domain check DOMAIN --tenant T}: may the tenant send as the domain? The same checks
 * the delivery job makes before it sends (claimed in sluice.sender-domains, DKIM keys published,
 * SPF, DMARC and its alignment, forward-confirmed reverse DNS of every IP the tenant's mail may
 * leave from), against the job's own configuration, one line per check with what to publish.
 */
@Command(
        name = "domain",
        mixinStandardHelpOptions = true,
        description = "Sender domains: may a tenant send as a domain?",
        subcommands = {DomainCommand.Check.class})
public final class DomainCommand implements Runnable {

    @Override
    public void run() {
        System.err.println("sluice domain: give a subcommand (check)");
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Check DOMAIN for TENANT from DNS, as the delivery job will before sending:",
                "one line per check, PASS or FAIL (or TEMPERROR when DNS did not answer),",
                "with what to publish to fix it. Exit 0 when verified, 1 when not."
            })
    static final class Check implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "DOMAIN", description = "The From domain.")
        String domain;

        @Option(names = "--tenant", required = true, description = "The tenant sending as it.")
        String tenant;

        @Option(
                names = "--conf-dir",
                description =
                        "Folder of the job's config.yaml (the sluice.* settings: sending IPs,"
                                + " DKIM keys, VERP bounce domain, DNS server); default flink-conf.")
        Path confDir = Path.of("flink-conf");

        @Option(
                names = {"-D", "--set"},
                paramLabel = "KEY=VALUE",
                description =
                        "A setting over config.yaml's, e.g. -D sluice.dns.server=127.0.0.1:53.")
        Map<String, String> overrides = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            Configuration conf =
                    Files.isRegularFile(confDir.resolve("config.yaml"))
                                    || Files.isRegularFile(confDir.resolve("flink-conf.yaml"))
                            ? GlobalConfiguration.loadConfiguration(confDir.toString())
                            : new Configuration();
            overrides.forEach(conf::setString);
            conf.set(DeliveryOptions.SENDER_DOMAINS_VERIFY, true);
            SenderDomainPolicy policy;
            try {
                policy = DeliveryOptions.senderDomainPolicy(conf);
                policy.open(Clock.systemUTC());
            } catch (RuntimeException e) {
                // A bad entry, or a key file that cannot be read: say which, no stack trace.
                System.err.println(
                        "sluice domain check: cannot use the configuration: " + e.getMessage());
                return 2;
            }
            try {
                SenderDomainReport report = policy.report(tenant, domain);
                System.out.println(
                        "sender domain " + report.domain() + " for tenant " + tenant + ":");
                int problems = 0;
                String claim = tenant + "/" + report.domain();
                if (policy.claimed(tenant, report.domain())) {
                    System.out.println(
                            "PASS claim " + claim + " -- listed in sluice.sender-domains");
                } else {
                    problems++;
                    System.out.println(
                            "FAIL claim "
                                    + claim
                                    + " -- not in sluice.sender-domains; fix: add "
                                    + claim
                                    + " to sluice.sender-domains");
                }
                for (DomainCheck check : report.checks()) {
                    System.out.println(check.line());
                    problems += check.passed() ? 0 : 1;
                }
                int total = report.checks().size() + 1;
                System.out.println(
                        problems == 0
                                ? "verified: " + total + " of " + total + " checks passed"
                                : "not verified: "
                                        + problems
                                        + " of "
                                        + total
                                        + " checks did not pass");
                return problems == 0 ? 0 : 1;
            } finally {
                policy.close();
            }
        }
    }
}
