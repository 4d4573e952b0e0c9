package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.kafka.Topics;
import io.sluice.local.KafkaBroker;
import io.sluice.local.TopicSetup;
import io.sluice.reputation.ControlTopic;
import io.sluice.reputation.Decision;
import io.sluice.reputation.ReputationCodec;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.IpStatus;
import io.sluice.schema.TenantStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice pause|resume|pool move|warmup status} against a real broker: an operator pauses an
 * IP at a site and a tenant, moves a tenant, resumes, and reads the warm-up the reputation job
 * wrote.
 */
class OperatorCommandsITCase {

    @TempDir static Path home;
    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start(home.resolve("kafka"), 0, Duration.ofSeconds(90));
        TopicSetup.ensure(broker.bootstrapServers(), 2);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anOperatorPausesMovesAndResumesAndTheDecisionsAreOnTheControlTopic() throws Exception {
        Run paused =
                sluice(
                        "pause",
                        "--ip",
                        "192.0.2.7",
                        "--site",
                        "yahoo",
                        "--for",
                        "PT2H",
                        "--reason",
                        "S3150 listing");
        assertThat(paused.status()).isZero();
        assertThat(paused.out()).startsWith("paused\tIP_STATUS:192.0.2.7/yahoo\tuntil ");
        assertThat(sluice("pause", "--tenant", "acme").out())
                .isEqualTo("paused\tTENANT_STATUS:acme\n");
        assertThat(sluice("pool", "move", "--tenant", "beta", "--pool", "isolated").out())
                .isEqualTo("moved\tTENANT_STATUS:beta\tpool isolated\n");

        Map<String, ControlEvent> latest = controls();
        ControlEvent ip = latest.get("IP_STATUS:192.0.2.7/yahoo");
        assertThat(ip.getIpStatus()).isEqualTo(IpStatus.PAUSED);
        assertThat(ip.getIssuedBy()).startsWith("operator:");
        assertThat(ip.getReason()).endsWith(": S3150 listing");
        assertThat(Duration.between(ip.getIssuedAt(), ip.getExpiresAt())).hasHours(2);
        ControlEvent beta = latest.get("TENANT_STATUS:beta");
        assertThat(beta.getTenantStatus()).isEqualTo(TenantStatus.QUARANTINED);
        assertThat(beta.getIpPool()).isEqualTo("isolated");
        // What the reputation job makes of it: an operator's decision, not its own.
        assertThat(ReputationCodec.signals(beta)).hasSize(1);

        assertThat(sluice("resume", "--tenant", "acme").status()).isZero();
        assertThat(controls().get("TENANT_STATUS:acme").getTenantStatus())
                .isEqualTo(TenantStatus.ACTIVE);
    }

    @Test
    void aPauseNeedsIpsASiteOrATenant() {
        Run none = sluice("pause");
        assertThat(none.status()).isEqualTo(2);
        Run both = sluice("pause", "--ip", "192.0.2.7", "--tenant", "acme");
        assertThat(both.status()).isEqualTo(2);
        Run name = sluice("pause", "--ip", "mail.example.com");
        assertThat(name.status()).isEqualTo(2);
        Run tenantAtSite = sluice("pause", "--tenant", "acme", "--site", "yahoo");
        assertThat(tenantAtSite.status()).isEqualTo(2);
    }

    @Test
    void aSiteIsPausedForEveryIpAndAnIpResumedEverywhereIsResumedAtItsStoppedSites()
            throws Exception {
        Run site = sluice("pause", "--site", "icloud.com", "--for", "PT1H");
        assertThat(site.status()).isZero();
        assertThat(site.out()).startsWith("paused\tIP_STATUS:*/icloud.com\tuntil ");
        assertThat(controls().get("IP_STATUS:*/icloud.com").getIpStatus())
                .isEqualTo(IpStatus.PAUSED);

        // The reputation job blocked 192.0.2.9 at yahoo; an operator paused it at google.
        long now = System.currentTimeMillis();
        try (ControlTopic topic = new ControlTopic(broker.bootstrapServers(), Topics.CONTROL)) {
            topic.publish(
                    ReputationCodec.toAvro(
                            new Decision(
                                    "b:192.0.2.9",
                                    Decision.Type.IP_STATUS,
                                    "192.0.2.9",
                                    "yahoo",
                                    null,
                                    null,
                                    "BLOCKED",
                                    null,
                                    null,
                                    now,
                                    now + 3_600_000,
                                    "blocks at yahoo",
                                    Map.of())));
        }
        assertThat(sluice("pause", "--ip", "192.0.2.9", "--site", "google").status()).isZero();

        Run resumed = sluice("resume", "--ip", "192.0.2.9");

        assertThat(resumed.status()).isZero();
        assertThat(resumed.out().lines().toList())
                .containsExactly(
                        "resumed\tIP_STATUS:192.0.2.9/*",
                        "resumed\tIP_STATUS:192.0.2.9/google",
                        "resumed\tIP_STATUS:192.0.2.9/yahoo");
        Map<String, ControlEvent> latest = controls();
        for (String key :
                List.of(
                        "IP_STATUS:192.0.2.9/*",
                        "IP_STATUS:192.0.2.9/google",
                        "IP_STATUS:192.0.2.9/yahoo")) {
            assertThat(latest.get(key).getIpStatus()).as(key).isEqualTo(IpStatus.ACTIVE);
            // Each is an operator's resume: the reputation job restarts that entity's counts.
            assertThat(ReputationCodec.signals(latest.get(key))).as(key).hasSize(1);
        }
        assertThat(sluice("resume", "--site", "icloud.com").out())
                .isEqualTo("resumed\tIP_STATUS:*/icloud.com\n");
    }

    @Test
    void warmupStatusShowsEachIpsStepPerSite() throws Exception {
        long now = System.currentTimeMillis();
        try (ControlTopic topic = new ControlTopic(broker.bootstrapServers(), Topics.CONTROL)) {
            topic.publish(ReputationCodec.toAvro(quota("192.0.2.20", "google", 1, 100, now, null)));
            topic.publish(ReputationCodec.toAvro(quota("192.0.2.20", "google", 2, 200, now, null)));
            topic.publish(ReputationCodec.toAvro(quota("192.0.2.20", null, 1, 100, now, null)));
            topic.publish(ReputationCodec.toAvro(quota("192.0.2.21", "yahoo", 3, 400, now, now)));
        }

        Run status = sluice("warmup", "status");

        assertThat(status.status()).isZero();
        assertThat(status.out().lines().toList())
                .satisfiesExactly(
                        l -> assertThat(l).startsWith("192.0.2.20\t*\tstep 1/3\t100/day\tsince "),
                        l ->
                                assertThat(l)
                                        .startsWith(
                                                "192.0.2.20\tgoogle\tstep 2/3\t200/day\tsince "),
                        l -> assertThat(l).startsWith("192.0.2.21\tyahoo\twarm\tsince "));
    }

    private static Decision quota(
            String ip, String site, int step, long quota, long now, Long expires) {
        return new Decision(
                "q:" + ip + site + step,
                Decision.Type.WARMUP_QUOTA,
                ip,
                site,
                null,
                null,
                null,
                quota,
                step,
                now,
                expires,
                "warm-up",
                Map.of("warmup_steps", 3.0));
    }

    private static Map<String, ControlEvent> controls() throws Exception {
        try (ControlTopic topic = new ControlTopic(broker.bootstrapServers(), Topics.CONTROL)) {
            return topic.latest();
        }
    }

    private record Run(int status, String out) {}

    private static Run sluice(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-servers");
        all.add(broker.bootstrapServers());
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int status = new CommandLine(new Sluice()).execute(all.toArray(String[]::new));
            return new Run(status, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }
}
