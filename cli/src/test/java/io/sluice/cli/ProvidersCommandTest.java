package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.sim.profile.ProviderProfiles;
import io.sluice.sim.world.SimulatedInternet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProvidersCommandTest {

    @Test
    void printsWhereEachChosenProviderListens() throws Exception {
        ProvidersCommand command = new ProvidersCommand();
        new CommandLine(command)
                .parseArgs(
                        "--profile", "gmail-like", "--profile", "yahoo-like", "--time-scale", "60");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var chosen = command.profiles.stream().map(ProviderProfiles::named).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SimulatedInternet internet =
                SimulatedInternet.of(chosen)
                        .subnet(66)
                        .smtpPort(port)
                        .timeScale(command.timeScale)
                        .start()) {
            command.describe(internet, chosen, new PrintStream(out, true, StandardCharsets.UTF_8));
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();

        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("dns 127.0.66.53:").endsWith("time scale 60.0)");
        assertThat(lines.get(1))
                .startsWith("gmail-like      smtp 127.0.66.1:" + port)
                .contains("domains gmail.com,googlemail.com")
                .endsWith("new IP 500/h");
        assertThat(lines.get(2)).startsWith("yahoo-like      smtp 127.0.66.3:" + port);
    }

    @Test
    void feedbackOptionsTurnOnComplaintsLateBouncesAndPublishTheBounceDomainsMx() throws Exception {
        ProvidersCommand command = new ProvidersCommand();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        new CommandLine(command)
                .parseArgs(
                        "--profile",
                        "gmail-like",
                        "--subnet",
                        "67",
                        "--dns-port",
                        "0",
                        "--smtp-port",
                        Integer.toString(port),
                        "--feedback-server",
                        "127.0.67.200:" + port,
                        "--feedback-address",
                        "fbl@acme.example",
                        "--bounce-domain",
                        "bounces.acme.example=127.0.67.201");
        var chosen = command.profiles.stream().map(ProviderProfiles::named).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SimulatedInternet internet = command.start(chosen, null)) {
            command.describe(internet, chosen, new PrintStream(out, true, StandardCharsets.UTF_8));
            // The bounce domain's MX is in the providers' DNS, so their DSNs find it.
            var resolver = new org.xbill.DNS.SimpleResolver(internet.dnsAddress());
            var lookup = new org.xbill.DNS.Lookup("bounces.acme.example", org.xbill.DNS.Type.MX);
            lookup.setResolver(resolver);
            lookup.setCache(null);
            org.xbill.DNS.Record[] mx = lookup.run();
            assertThat(mx).isNotNull();
            assertThat(((org.xbill.DNS.MXRecord) mx[0]).getTarget().toString())
                    .isEqualTo("mx.bounces.acme.example.");
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("complaints  ARF to fbl@acme.example at 127.0.67.200:" + port)
                .contains(
                        "late bounces  DSNs to return paths at bounces.acme.example, MX 127.0.67.201:"
                                + port);
    }

    @Test
    void aMalformedBounceDomainIsRefusedWithWhatWasExpected() {
        ProvidersCommand command = new ProvidersCommand();
        new CommandLine(command)
                .parseArgs(
                        "--profile",
                        "gmail-like",
                        "--dns-port",
                        "0",
                        "--subnet",
                        "68",
                        "--bounce-domain",
                        "nodomain");
        var chosen = command.profiles.stream().map(ProviderProfiles::named).toList();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> command.start(chosen, null))
                .hasMessageContaining("expected DOMAIN=ADDRESS");
    }
}
