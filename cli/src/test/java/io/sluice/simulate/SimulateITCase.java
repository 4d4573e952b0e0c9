package io.sluice.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10: the shipped {@code ip-blocked} scenario on the real parts (KRaft broker, the three
 * jobs on a MiniCluster, enforcing providers over SMTP and DNS, a simulated day a minute). The
 * Yahoo-like provider blocks one IP on day 2; the run must lose nothing, deliver everything through
 * the pool's other IPs, and say so in its summary line and report, counted from the providers'
 * ground truth.
 */
class SimulateITCase {

    @TempDir Path home;

    @Test
    void aBlockedIpLosesNoMailAndThePoolCarriesItsShare() throws Exception {
        Scenario sc = Scenario.load("ip-blocked");
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + 31) % 20_000);

        SimulationRunner.Run run =
                SimulationRunner.run(
                        sc,
                        new SimulationRunner.Settings(home.resolve("run"), 71, smtpPort, 2),
                        (done, label) -> {});

        assertThat(run.unmet()).as("unmet expectations").isEmpty();
        Figures all = run.all();
        assertThat(all.messages()).isEqualTo(3600);
        assertThat(all.lost()).isZero();
        assertThat(all.duplicates()).isZero();
        assertThat(all.deliveredPercent()).isGreaterThanOrEqualTo(99);
        // The provider did refuse the blocked IP; from its first refusal on (plus a real second,
        // 0.4 simulated hours, for transactions already past MAIL FROM) no mail from it reached
        // Yahoo, and the pool's other IPs carried Yahoo's share.
        assertThat(all.blocks()).isPositive();
        double firstBlock =
                run.refusals().stream()
                        .filter(r -> r.reason().equals("blocked"))
                        .filter(r -> r.clientIp().equals("127.0.0.11"))
                        .mapToDouble(r -> run.simHours(r.at()))
                        .min()
                        .orElseThrow();
        assertThat(firstBlock).isGreaterThanOrEqualTo(sc.events().get(0).day() * 24);
        assertThat(
                        run.deliveries().stream()
                                .filter(d -> d.provider().equals("yahoo-like"))
                                .filter(d -> run.simHours(d.at()) > firstBlock + 0.4)
                                .toList())
                .isNotEmpty()
                .noneMatch(d -> d.clientIp().equals("127.0.0.11"));
        // What the delivery job reported of the blocked IP at Yahoo: the first thing to read when
        // no decision came.
        run.events().stream()
                .filter(e -> e.getAttempt() != null)
                .filter(e -> "127.0.0.11".equals(String.valueOf(e.getAttempt().getSendingIp())))
                .filter(e -> "yahoo".equals(String.valueOf(e.getSite())))
                .filter(e -> e.getType() != io.sluice.schema.DeliveryEventType.DELIVERED)
                .filter(e -> e.getType() != io.sluice.schema.DeliveryEventType.ATTEMPTED)
                .filter(e -> String.valueOf(e.getReason()).contains("TSS09"))
                .limit(5)
                .forEach(
                        e ->
                                System.out.println(
                                        "ip-blocked: " + e.getType() + " " + e.getReason()));
        // The reputation job took the IP out of rotation at Yahoo, and said why.
        assertThat(run.controls())
                .anySatisfy(
                        c -> {
                            assertThat(String.valueOf(c.getSendingIp())).isEqualTo("127.0.0.11");
                            assertThat(String.valueOf(c.getSite())).isEqualTo("yahoo");
                            assertThat(String.valueOf(c.getIpStatus())).isEqualTo("BLOCKED");
                            assertThat(String.valueOf(c.getReason())).contains("[TSS09]");
                        });
        assertThat(all.line("ip-blocked"))
                .matches(
                        "simulate ip-blocked: messages=3600 delivered=\\d+\\.\\d% inboxed=\\d+\\.\\d%"
                                + " bounced=\\d+\\.\\d% complaints=\\d+\\.\\d\\d% blocks=\\d+"
                                + " duplicates=0 lost=0 days=\\d+(\\.\\d)?");

        Path report = home.resolve("report.html");
        HtmlReport.write(report, List.of(run));
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(html)
                .contains("<svg", "Messages accepted per simulated hour, per provider")
                .contains("IP_STATUS BLOCKED")
                .doesNotContain("<script", "http://", "src=\"http");
    }
}
