package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.Sluice;
import io.sluice.delivery.kafka.Topics;
import io.sluice.local.LocalDkimKeys;
import io.sluice.local.LocalStack;
import io.sluice.mta.dkim.DkimVerifier;
import io.sluice.mta.dkim.DnsTxtLookup;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.SendRequest;
import io.sluice.sim.smtp.MailboxServer;
import io.sluice.sim.smtp.ReceivedMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.SimpleResolver;
import picocli.CommandLine;

/**
 * Issue #4: a tenant's DKIM key is rotated and the old one withdrawn as compromised, by the
 * operator's commands, on the running delivery job. Mail released after the job has read the two
 * decisions is signed with the new selector and never with the withdrawn one; other domains keep
 * their keys; every signature verifies from the DNS.
 */
class DkimRotationITCase {

    @TempDir static Path home;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        int smtpPort = 20_000 + (int) ((ProcessHandle.current().pid() + 23) % 20_000);
        stack = LocalStack.start(new LocalStack.Settings(home, 0, 0, smtpPort, 49, 2, true));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void afterARotationAndAWithdrawalMailIsSignedWithTheNewKeyOnly() throws Exception {
        DkimVerifier verifier =
                new DkimVerifier(
                        new DnsTxtLookup(new SimpleResolver(stack.internet().dnsAddress())),
                        Clock.systemUTC());
        List<SendRequest> before = wave("before", 10);
        ReputationScenarios.send(stack, before);
        assertDelivered(before);
        for (ReceivedMessage m : received("before-acme")) {
            assertThat(verifier.verify(m.data()))
                    .extracting(v -> v.status() + " " + v.selector())
                    .containsExactlyInAnyOrder("PASS sluice-rsa", "PASS sluice-ed");
        }

        Path newKey =
                LocalDkimKeys.provision(
                        home.resolve("rotated"),
                        "acme.example",
                        "sluice-rsa-2",
                        "RSA",
                        stack.internet().dns());
        String bootstrap = "--bootstrap-servers=" + stack.bootstrapServers();
        assertThat(
                        new CommandLine(new Sluice())
                                .execute(
                                        "dkim",
                                        "activate",
                                        "--domain=acme.example",
                                        "--selector=sluice-rsa-2",
                                        "--key=" + newKey,
                                        bootstrap))
                .isZero();
        assertThat(
                        new CommandLine(new Sluice())
                                .execute(
                                        "dkim",
                                        "withdraw",
                                        "--domain=acme.example",
                                        "--selector=" + LocalDkimKeys.RSA_SELECTOR,
                                        "--reason=compromised",
                                        bootstrap))
                .isZero();
        // The delivery job commits the control topic's offsets with a checkpoint, after its
        // broadcast state holds the decisions: from then on every release carries them.
        ConsumerGroups.awaitCommitted(stack.bootstrapServers(), "sluice-delivery", Topics.CONTROL);

        List<SendRequest> after = wave("after", 10);
        ReputationScenarios.send(stack, after);
        assertDelivered(after);

        for (ReceivedMessage m : received("after-acme")) {
            assertThat(verifier.verify(m.data()))
                    .extracting(v -> v.status() + " " + v.selector())
                    .containsExactlyInAnyOrder("PASS sluice-rsa-2", "PASS sluice-ed");
        }
        for (ReceivedMessage m : received("after-globex")) {
            assertThat(verifier.verify(m.data()))
                    .extracting(v -> v.status() + " " + v.selector())
                    .containsExactlyInAnyOrder("PASS sluice-rsa", "PASS sluice-ed");
        }
    }

    private static List<SendRequest> wave(String name, int n) {
        List<SendRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (String tenant : List.of("acme", "globex")) {
                String id = name + "-" + tenant + "-" + i;
                out.add(ReputationScenarios.request(id, tenant, "reader-" + id + "@gmail.com"));
            }
        }
        return out;
    }

    private static void assertDelivered(List<SendRequest> requests) {
        Map<String, DeliveryEvent> finals =
                ReputationScenarios.finals(
                        stack,
                        requests.stream().map(SendRequest::getMessageId).toList(),
                        Duration.ofSeconds(90));
        assertThat(finals).hasSize(requests.size());
        assertThat(finals.values())
                .extracting(DeliveryEvent::getType)
                .containsOnly(DeliveryEventType.DELIVERED);
    }

    private static List<ReceivedMessage> received(String prefix) {
        List<ReceivedMessage> out = new ArrayList<>();
        for (MailboxServer s : stack.internet().servers()) {
            for (ReceivedMessage m : s.received()) {
                if (m.recipients().get(0).startsWith("reader-" + prefix)) {
                    out.add(m);
                }
            }
        }
        assertThat(out).as("received " + prefix).hasSize(10);
        return out;
    }
}
