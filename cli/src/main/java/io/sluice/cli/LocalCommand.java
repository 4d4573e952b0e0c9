package io.sluice.cli;

import io.sluice.delivery.kafka.Topics;
import io.sluice.local.LocalStack;
import io.sluice.local.OutcomeTally;
import io.sluice.local.SampleCampaign;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.SendRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice local}: starts the whole stack on this machine, sends a sample campaign through it,
 * shows progress, and prints the summary line once every message has its final outcome.
 */
@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        description = {
            "Run Sluice on this machine: a KRaft Kafka broker, a Flink MiniCluster with the web UI,",
            "a local DNS server and simulated mailbox providers; send a sample campaign and report."
        })
public final class LocalCommand implements Callable<Integer> {

    @Option(
            names = "--messages",
            description = "Messages in the sample campaign (default: ${DEFAULT-VALUE}).")
    int messages = 10_000;

    @Option(
            names = "--keep-running",
            description = "Keep everything running after the summary, until Ctrl-C.")
    boolean keepRunning;

    @Option(
            names = "--home",
            description =
                    "Folder for Kafka's data, checkpoints and logs (default: ${DEFAULT-VALUE}).")
    Path home = Path.of(System.getProperty("sluice.home", ".sluice"));

    @Option(names = "--kafka-port", description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort = 9092;

    @Option(names = "--web-port", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webPort = 8081;

    @Option(
            names = "--smtp-port",
            description =
                    "Port of the simulated providers' SMTP servers (default: ${DEFAULT-VALUE}).")
    int smtpPort = 2525;

    @Option(names = "--parallelism", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(
            names = "--timeout",
            description =
                    "Give up waiting for outcomes after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofMinutes(15);

    @Option(
            names = "--enforcing-providers",
            paramLabel = "TIME-SCALE",
            description =
                    "Run the providers that enforce their profiles (rate limits per IP, connection"
                            + " limits, reputation, DKIM/SPF/DMARC at the door, complaints and late"
                            + " bounces at the profiles' rates), with simulated time running"
                            + " TIME-SCALE times faster (e.g. 60). Default: permissive providers.")
    double enforcingProviders;

    @Option(
            names = "--seed",
            description = "Seed of the sample campaign (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Override
    public Integer call() throws Exception {
        if (messages < 1) {
            System.err.println("sluice local: --messages must be at least 1");
            return 2;
        }
        System.err.println(
                "sluice: starting Kafka, DNS, simulated providers and Flink (data in "
                        + home
                        + ") ...");
        LocalStack stack =
                LocalStack.start(
                        new LocalStack.Settings(
                                home,
                                kafkaPort,
                                webPort,
                                smtpPort,
                                1,
                                parallelism,
                                false,
                                enforcingProviders,
                                java.util.Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            System.err.println("\nsluice: stopping ...");
                            stack.close();
                            stopped.countDown();
                        },
                        "sluice-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.println(
                "sluice: Kafka at "
                        + stack.bootstrapServers()
                        + ", Flink web UI at http://localhost:"
                        + webPort
                        + ", DNS at "
                        + stack.internet().dnsAddress());

        String runId = "run" + Long.toString(System.currentTimeMillis(), 36);
        List<SendRequest> campaign = SampleCampaign.generate(runId, messages, seed);
        Set<String> ids = new HashSet<>();
        campaign.forEach(r -> ids.add(r.getMessageId()));

        int exit;
        try (OutcomeTally tally =
                new OutcomeTally(stack.bootstrapServers(), Topics.DELIVERY_EVENTS, ids)) {
            long start = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = stack.producer()) {
                for (SendRequest r : campaign) {
                    producer.send(LocalStack.record(r));
                }
                producer.flush();
            }
            ProgressBar bar = new ProgressBar(System.err, messages);
            long deadline = start + timeout.toNanos();
            long lastFinal = start;
            int lastCount = 0;
            while (!tally.complete() && System.nanoTime() < deadline) {
                tally.poll(Duration.ofMillis(200));
                if (tally.finalCount() != lastCount) {
                    lastCount = tally.finalCount();
                    lastFinal = System.nanoTime();
                }
                bar.show(
                        tally.finalCount(),
                        "final  delivered="
                                + tally.count(DeliveryEventType.DELIVERED)
                                + " waiting-retry="
                                + tally.pending(DeliveryEventType.DEFERRED));
            }
            bar.finish();
            double seconds = Math.max(0.001, (lastFinal - start) / 1e9);
            long delivered = tally.count(DeliveryEventType.DELIVERED);
            long bounced = tally.count(DeliveryEventType.BOUNCED);
            long suppressed = tally.count(DeliveryEventType.SUPPRESSED);
            long rejected = tally.count(DeliveryEventType.REJECTED);
            // Not delivered for temporary reasons: expired after the last retry, or still waiting.
            long deferred = messages - delivered - bounced - suppressed - rejected;
            if (!tally.complete()) {
                System.err.println(
                        "sluice: "
                                + (messages - tally.finalCount())
                                + " messages had no final outcome within "
                                + timeout
                                + "; they are counted as deferred");
            }
            if (tally.duplicateFinals() > 0) {
                System.err.println(
                        "sluice: ERROR "
                                + tally.duplicateFinals()
                                + " messages had more than one final event");
            }
            System.out.printf(
                    "sluice: sent=%d delivered=%d deferred=%d bounced=%d suppressed=%d rejected=%d elapsed=%ds rate=%d/s%n",
                    messages,
                    delivered,
                    deferred,
                    bounced,
                    suppressed,
                    rejected,
                    Math.max(1, Math.round(seconds)),
                    Math.round(messages / seconds));
            exit = tally.complete() && tally.duplicateFinals() == 0 ? 0 : 1;
        }
        if (keepRunning) {
            System.err.println(
                    "sluice: still running (Flink web UI at http://localhost:"
                            + webPort
                            + "); Ctrl-C stops it");
            stopped.await();
            return exit;
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        stack.close();
        return exit;
    }
}
