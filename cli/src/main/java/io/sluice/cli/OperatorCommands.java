package io.sluice.cli;

import io.sluice.delivery.kafka.Topics;
import io.sluice.reputation.ControlTopic;
import io.sluice.reputation.ReputationCodec;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.ControlType;
import io.sluice.schema.IpStatus;
import io.sluice.schema.TenantStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice pause|resume|pool move|warmup status}: operators' decisions on the control topic,
 * the same {@code ControlEvent}s the reputation job writes (docs/design/reputation.md), issued by
 * {@code operator:USER}.
 */
public final class OperatorCommands {

    private OperatorCommands() {}

    /** Where the control topic is. */
    static final class Target {
        @Option(
                names = "--bootstrap-servers",
                description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrapServers = "localhost:9092";

        @Option(names = "--topic", description = "Control topic (default: ${DEFAULT-VALUE}).")
        String topic = Topics.CONTROL;

        ControlTopic open() {
            return new ControlTopic(bootstrapServers, topic);
        }
    }

    /** What a pause or resume is about. */
    static final class Scope {
        @Option(names = "--ip", description = "A sending IP (repeat for several).")
        List<String> ips = new ArrayList<>();

        @Option(
                names = "--site",
                description = "Only at this site (with --ip); alone, every IP at the site.")
        String site;

        @Option(names = "--tenant", description = "A tenant.")
        String tenant;

        @Option(names = "--reason", description = "Why, for the next person who looks.")
        String reason;
    }

    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            description = {
                "Stop sending IPs (everywhere, or at one site), a whole site, or a tenant until",
                "resumed.",
                "  sluice pause --ip 192.0.2.7 [--ip ...] [--site yahoo] [--for PT2H]",
                "  sluice pause --site yahoo [--for PT2H]",
                "  sluice pause --tenant acme"
            })
    static final class Pause implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Scope scope;

        @Option(names = "--for", description = "Lapse after this long, e.g. PT2H (IPs only).")
        Duration duration;

        @Override
        public Integer call() throws Exception {
            return decide(target, scope, false, duration);
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = {
                "Lift a pause, a block or a quarantine: the IP, site or tenant is ACTIVE again,",
                "and the reputation job starts its counts afresh. An IP resumed everywhere is",
                "resumed at every site where a decision stops it too.",
                "  sluice resume --ip 192.0.2.7 [--site yahoo]",
                "  sluice resume --site yahoo",
                "  sluice resume --tenant acme"
            })
    static final class Resume implements Callable<Integer> {
        @Mixin Target target;
        @Mixin Scope scope;

        @Override
        public Integer call() throws Exception {
            return decide(target, scope, true, null);
        }
    }

    @Command(
            name = "pool",
            mixinStandardHelpOptions = true,
            description = "Move a tenant's mail to another pool of sending IPs.",
            subcommands = Pool.Move.class)
    static final class Pool implements Runnable {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }

        @Command(
                name = "move",
                mixinStandardHelpOptions = true,
                description = {
                    "Send a tenant's mail from pool P (until resumed). Written as TENANT_STATUS",
                    "QUARANTINED with ip_pool P, the delivery job's one way to move a tenant."
                })
        static final class Move implements Callable<Integer> {
            @Mixin Target target;

            @Option(names = "--tenant", required = true)
            String tenant;

            @Option(names = "--pool", required = true)
            String pool;

            @Option(names = "--reason", description = "Why, for the next person who looks.")
            String reason;

            @Override
            public Integer call() throws Exception {
                ControlEvent c =
                        operator(ControlType.TENANT_STATUS)
                                .setTenant(tenant)
                                .setTenantStatus(TenantStatus.QUARANTINED)
                                .setIpPool(pool)
                                .setReason(
                                        "moved to pool "
                                                + pool
                                                + " by "
                                                + user()
                                                + (reason == null ? "" : ": " + reason))
                                .build();
                try (ControlTopic topic = target.open()) {
                    topic.publish(id(c));
                }
                System.out.println("moved\t" + ControlTopic.keyOf(c) + "\tpool " + pool);
                return 0;
            }
        }
    }

    @Command(
            name = "warmup",
            mixinStandardHelpOptions = true,
            description = "The warm-up of new sending IPs.",
            subcommands = Warmup.Status.class)
    static final class Warmup implements Runnable {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }

        @Command(
                name = "status",
                mixinStandardHelpOptions = true,
                description = {
                    "One line per sending IP and site: its step of the plan and its daily quota,",
                    "or warm; site * is the IP-wide quota for sites without their own. Reads the",
                    "control topic."
                })
        static final class Status implements Callable<Integer> {
            @Mixin Target target;

            @Override
            public Integer call() throws Exception {
                Map<String, ControlEvent> latest;
                try (ControlTopic topic = target.open()) {
                    latest = topic.latest();
                }
                List<String> lines = new ArrayList<>();
                Instant now = Instant.now();
                for (ControlEvent c : latest.values()) {
                    if (c.getType() != ControlType.WARMUP_QUOTA || c.getSendingIp() == null) {
                        continue;
                    }
                    boolean warm = c.getExpiresAt() != null && !c.getExpiresAt().isAfter(now);
                    Double steps = c.getFigures().get("warmup_steps");
                    lines.add(
                            c.getSendingIp()
                                    + "\t"
                                    + (c.getSite() == null ? "*" : c.getSite())
                                    + "\t"
                                    + (warm
                                            ? "warm"
                                            : "step "
                                                    + c.getWarmupStep()
                                                    + (steps == null ? "" : "/" + steps.intValue())
                                                    + "\t"
                                                    + c.getQuotaPerDay()
                                                    + "/day")
                                    + "\tsince "
                                    + c.getIssuedAt());
                }
                lines.sort(null);
                if (lines.isEmpty()) {
                    System.out.println("no sending IP is warming up");
                }
                lines.forEach(System.out::println);
                return 0;
            }
        }
    }

    private static int decide(Target target, Scope scope, boolean resume, Duration duration)
            throws Exception {
        String verb = resume ? "resume" : "pause";
        boolean siteWide = scope.ips.isEmpty() && scope.tenant == null && scope.site != null;
        if (!siteWide && scope.ips.isEmpty() == (scope.tenant == null)) {
            return usage(
                    verb
                            + ": name sending IPs (--ip, optionally with --site), a site (--site)"
                            + " or a tenant (--tenant)");
        }
        if (scope.tenant != null && (scope.site != null || duration != null)) {
            return usage(verb + ": --site and --for apply to IPs and sites, not to a tenant");
        }
        String why =
                (resume ? "resumed" : "paused")
                        + " by "
                        + user()
                        + (scope.reason == null ? "" : ": " + scope.reason);
        List<ControlEvent> decisions = new ArrayList<>();
        if (scope.tenant != null) {
            decisions.add(
                    operator(ControlType.TENANT_STATUS)
                            .setTenant(scope.tenant)
                            .setTenantStatus(resume ? TenantStatus.ACTIVE : TenantStatus.PAUSED)
                            .setReason(why)
                            .build());
        }
        List<String> ips = new ArrayList<>(scope.ips);
        if (siteWide) {
            ips.add(null); // IP_STATUS:*/site: every IP at the site
        }
        try (ControlTopic topic = target.open()) {
            Map<String, ControlEvent> latest =
                    resume && !scope.ips.isEmpty() && scope.site == null
                            ? topic.latest()
                            : Map.of();
            for (String ip : ips) {
                if (ip != null && !ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                    return usage(
                            verb + ": '" + ip + "' -- expected a literal IPv4 or IPv6 address");
                }
                decisions.add(ipStatus(ip, scope.site, resume, why, duration));
                if (resume && ip != null && scope.site == null) {
                    // Resumed everywhere: also at each site where a decision stops it, so that
                    // the block is lifted and the reputation job restarts those counts too.
                    for (String site : stoppedSites(latest, ip)) {
                        decisions.add(ipStatus(ip, site, true, why, null));
                    }
                }
            }
            for (ControlEvent c : decisions) {
                topic.publish(id(c));
                System.out.println(
                        (resume ? "resumed\t" : "paused\t")
                                + ControlTopic.keyOf(c)
                                + (c.getExpiresAt() == null ? "" : "\tuntil " + c.getExpiresAt()));
            }
        }
        return 0;
    }

    private static ControlEvent ipStatus(
            String ip, String site, boolean resume, String why, Duration duration) {
        ControlEvent.Builder b =
                operator(ControlType.IP_STATUS)
                        .setSendingIp(ip)
                        .setSite(site)
                        .setIpStatus(resume ? IpStatus.ACTIVE : IpStatus.PAUSED)
                        .setReason(why);
        if (duration != null) {
            b.setExpiresAt(b.getIssuedAt().plus(duration));
        }
        return b.build();
    }

    /** The sites where a decision in force stops {@code ip} (paused, blocked, retired there). */
    static List<String> stoppedSites(Map<String, ControlEvent> latest, String ip) {
        Instant now = Instant.now();
        List<String> sites = new ArrayList<>();
        for (ControlEvent c : latest.values()) {
            if (c.getType() == ControlType.IP_STATUS
                    && ip.equals(c.getSendingIp())
                    && c.getSite() != null
                    && c.getIpStatus() != IpStatus.ACTIVE
                    && (c.getExpiresAt() == null || c.getExpiresAt().isAfter(now))) {
                sites.add(c.getSite());
            }
        }
        sites.sort(null);
        return sites;
    }

    static ControlEvent.Builder operator(ControlType type) {
        return ControlEvent.newBuilder()
                .setControlId("")
                .setType(type)
                .setIssuedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .setIssuedBy(ReputationCodec.OPERATOR_PREFIX + user());
    }

    /** Deterministic for the decision: who, what, when. */
    static ControlEvent id(ControlEvent c) {
        c.setControlId(
                c.getIssuedBy()
                        + ":"
                        + ControlTopic.keyOf(c)
                        + ":"
                        + c.getIssuedAt().toEpochMilli());
        return c;
    }

    private static String user() {
        return System.getProperty("user.name", "unknown").toLowerCase(Locale.ROOT);
    }

    private static int usage(String message) {
        System.err.println("sluice " + message);
        return 2;
    }
}
